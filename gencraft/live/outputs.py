"""Save and Like: the current render as a PNG with provenance, plus its parameters.

Files are numbered (``flow_42_001.png`` + ``flow_42_001.json``) so nothing is
ever overwritten, and written through :mod:`gencraft.atomic` so a folder never
holds half a file. The PNG is re-encoded with the recipe by the same
:func:`gencraft.provenance.encode_png` that ``gencraft render`` uses, so
``gencraft reproduce`` verifies it byte for byte.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from gencraft.atomic import write_bytes, write_text


def safe_stem(text: str, limit: int = 40) -> str:
    """A file-name-safe piece of text (seeds may be any string)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip("-.") or "x"
    return stem[:limit]


def next_free_stem(folder: Path, prefix: str) -> str:
    """`prefix_NNN` with the first number whose PNG and JSON are both unused."""
    taken = set()
    pattern = re.compile(re.escape(prefix) + r"_(\d+)\.(png|json|gif)$")
    if folder.is_dir():
        for entry in folder.iterdir():
            m = pattern.match(entry.name)
            if m:
                taken.add(int(m.group(1)))
    n = 1
    while n in taken:
        n += 1
    return f"{prefix}_{n:03d}"


def as_rgba(image):
    """A frame as an (H, W, 4) uint8 array, whether kept raw or as PNG bytes."""
    import numpy as np
    from PIL import Image

    if isinstance(image, np.ndarray):
        return image
    return np.asarray(Image.open(io.BytesIO(image)).convert("RGBA"))


def as_png(image) -> bytes:
    """A frame as PNG bytes (quickly compressed), whether kept raw or as PNG."""
    if isinstance(image, (bytes, bytearray)):
        return bytes(image)
    from gencraft.live.worker import fast_png

    return fast_png(image)


def save_render(folder: Path, sketch_name: str, frames: list, recipe: dict[str, Any],
                fps: float | None = None, extra: dict[str, Any] | None = None) -> dict[str, str]:
    """Write the render (and its animation as GIF) and a params JSON; return their paths."""
    from gencraft.provenance import encode_png

    folder.mkdir(parents=True, exist_ok=True)
    stem = next_free_stem(folder, f"{safe_stem(sketch_name)}_{safe_stem(recipe.get('seed', '0'))}")
    rgba = [as_rgba(image) for image in frames]
    paths: dict[str, str] = {}
    png_path = folder / f"{stem}.png"
    write_bytes(png_path, encode_png(rgba[0], recipe))
    paths["png"] = str(png_path)
    if len(rgba) > 1:
        from gencraft.render import encode_animation

        gif_path = folder / f"{stem}.gif"
        write_bytes(gif_path, encode_animation(rgba, "gif", fps or 24.0, recipe))
        paths["gif"] = str(gif_path)
    doc = {"sketch": recipe.get("sketch", {}).get("path"), "seed": recipe.get("seed"),
           "size": recipe.get("size"), "params": recipe.get("params", {}), **(extra or {})}
    json_path = folder / f"{stem}.json"
    write_text(json_path, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    paths["json"] = str(json_path)
    return paths
