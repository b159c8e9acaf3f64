"""Token metadata in the ERC-721 / OpenSea form, and the edition manifest.

A token's metadata JSON is the last file written for it, so its presence (with
the expected hash, sketch and parameters) is what marks the token finished.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gencraft import __version__

MANIFEST = "edition.json"
MANIFEST_KIND = "gencraft-edition"


def dumps(data: Any) -> str:
    """Stable JSON text (same bytes in every run)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def attributes(traits: dict) -> list[dict]:
    """OpenSea attributes: ``[{"trait_type": name, "value": value}, ...]`` in the sketch's order."""
    return [{"trait_type": k, "value": v} for k, v in traits.items()]


def token_metadata(index: int, token_hash: str, traits: dict, recipe: dict, title: str,
                   description: str, formats, animated: bool, base_uri: str = "") -> dict:
    """ERC-721 metadata (name, description, image, attributes) plus hash and recipe.

    `image` (and `animation_url` for animated sketches) are relative to the
    metadata file unless `base_uri` (e.g. ``ipfs://CID/``) is given.
    """
    main = "png" if "png" in formats else "svg"
    meta: dict[str, Any] = {
        "name": f"{title} #{index}",
        "description": description or title,
        "image": f"{base_uri}{index}.{main}",
    }
    if animated:
        meta["animation_url"] = f"{base_uri}{index}.{'mp4' if 'mp4' in formats else 'gif'}"
    meta["attributes"] = attributes(traits)
    meta["token_id"] = index
    meta["hash"] = token_hash
    meta["recipe"] = recipe
    return meta


def token_is_finished(out: Path, index: int, token_hash: str, identity: dict, files: list[str]) -> bool:
    """True when token `index` was completely written for this edition."""
    path = out / "tokens" / f"{index}.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    recipe = meta.get("recipe") if isinstance(meta, dict) else None
    if not isinstance(recipe, dict) or meta.get("hash") != token_hash:
        return False
    drawn = set(recipe.get("drawn", ()))
    held = {k: v for k, v in (recipe.get("params") or {}).items() if k not in drawn}
    if (recipe.get("sketch", {}).get("sha256") != identity["sketch_sha256"]
            or held != identity["params"] or recipe.get("size") != identity["size"]):
        return False
    return all((out / name).is_file() and (out / name).stat().st_size > 0 for name in files)


def manifest(sketch, params: dict, size, formats, hashes: list[str], collection_seed, base_uri: str) -> dict:
    """What defines the edition (no timestamps: re-runs give the same bytes)."""
    return {
        "kind": MANIFEST_KIND,
        "gencraft": __version__,
        "title": sketch.title,
        "description": sketch.description,
        "sketch": {"path": str(sketch.path), "name": sketch.name, "sha256": sketch.sha256},
        "params": dict(params),
        "size": [int(size[0]), int(size[1])],
        "formats": list(formats),
        "animated": sketch.animated,
        "base_uri": base_uri,
        "collection_seed": None if collection_seed is None else str(collection_seed),
        "count": len(hashes),
        "hashes": list(hashes),
    }


def identity(man: dict) -> dict:
    """The fields two runs must agree on to be the same edition (hashes compared apart)."""
    return {
        "sketch_sha256": man.get("sketch", {}).get("sha256"),
        "params": man.get("params"),
        "size": man.get("size"),
        "formats": man.get("formats"),
        "base_uri": man.get("base_uri", ""),
    }


def read_manifest(out: Path) -> dict | None:
    path = out / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("kind") == MANIFEST_KIND else {}


def difference(old: dict, new: dict) -> str | None:
    """Why `old` is a different edition from `new` (None if `new` continues it).

    Growing an edition (old hashes are a prefix of new) continues it; shrinking
    or changing any hash, the sketch source, parameters, size or formats does not.
    """
    a, b = identity(old), identity(new)
    labels = {"sketch_sha256": "sketch source (sha256)", "params": "parameters", "size": "size",
              "formats": "formats", "base_uri": "base URI"}
    for key, label in labels.items():
        if a[key] != b[key]:
            return f"its {label} differ"
    old_h, new_h = old.get("hashes") or [], new["hashes"]
    if new_h[: len(old_h)] != old_h:
        if len(new_h) < len(old_h) and old_h[: len(new_h)] == new_h:
            return f"it has {len(old_h)} tokens, this run asks for {len(new_h)}"
        return "its token hashes differ"
    return None
