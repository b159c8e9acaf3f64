"""Provenance: the recipe every image carries, and reading it back.

A recipe is a small JSON object: gencraft version, the sketch's path and the
sha256 of its source, the resolved parameters, the seed (or token hash), the
size and format, plus any later stages (a CLIP search, a diffusion refinement)
appended under ``stages``. PNGs carry it in an iTXt chunk ``gencraft:recipe``;
SVGs in a ``<metadata>`` element; PDFs in a custom document-info key.

The recipe is data, never code: it is parsed with ``json`` and nothing else.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from gencraft import __version__
from gencraft.errors import UserError

RECIPE_KEY = "gencraft:recipe"
PDF_RECIPE_PREFIX = "gencraft:recipe="  # PDFs keep it in the Keywords info entry


def make_recipe(sketch, params, seed, size, fmt: str, frame: int | None = None) -> dict[str, Any]:
    """The recipe of one render (see module docstring)."""
    recipe = {
        "gencraft": __version__,
        "sketch": {"path": str(sketch.path), "name": sketch.name, "sha256": sketch.sha256},
        "params": dict(params),
        "seed": str(seed),
        "seed_kind": getattr(seed, "kind", "str"),
        "size": [int(size[0]), int(size[1])],
        "format": fmt,
    }
    drawn = sorted(getattr(params, "drawn", ()))
    if drawn:  # which values came from the token's hash: reproduce draws them again, the rest it pins
        recipe["drawn"] = drawn
    if frame is not None:
        recipe["frame"] = frame
    return recipe


def recipe_json(recipe: dict) -> str:
    return json.dumps(recipe, sort_keys=True, separators=(",", ":"), default=_json_default)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON-serialisable: {value!r}")


def encode_png(rgba: np.ndarray, recipe: dict | None, extra_text: dict[str, str] | None = None,
               compress_level: int = 6) -> bytes:
    """PNG bytes of an RGBA array with the recipe in text chunks (deterministic).

    Renders use zlib level 6; previews that are rebuilt often (contact sheets)
    may pass 1, which is several times faster for slightly larger files.
    """
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", f"gencraft {__version__}")
    if recipe is not None:
        info.add_itxt(RECIPE_KEY, recipe_json(recipe))
    for key, value in (extra_text or {}).items():
        info.add_itxt(key, value)
    img = Image.fromarray(np.ascontiguousarray(rgba), "RGBA" if rgba.shape[-1] == 4 else "RGB")
    buf = io.BytesIO()
    img.save(buf, format="PNG", pnginfo=info, compress_level=compress_level)
    return buf.getvalue()


def normalise_svg_ids(text: str) -> str:
    """Renumber cairo's process-global surface ids in order of appearance.

    cairo numbers SVG surfaces with a counter that lives for the whole
    process (``surface1``, then ``surface6`` for the next document...), which
    would make the same drawing differ byte-wise between renders.
    """
    mapping: dict[str, str] = {}

    def renumber(m: re.Match) -> str:
        return mapping.setdefault(m.group(0), f"surface{len(mapping) + 1}")

    return re.sub(r"\bsurface\d+\b", renumber, text)


def svg_with_recipe(svg: bytes, recipe: dict) -> bytes:
    """Insert a <metadata> element holding the recipe right after the <svg> tag."""
    text = normalise_svg_ids(svg.decode("utf-8"))
    payload = recipe_json(recipe).replace("]]>", "]]]]><![CDATA[>")
    meta = f'<metadata id="gencraft-recipe"><![CDATA[{payload}]]></metadata>\n'
    m = re.search(r"<svg\b[^>]*>\s*", text)
    if not m:
        raise ValueError("not an SVG document")
    return (text[: m.end()] + meta + text[m.end():]).encode("utf-8")


def read_recipe(path: str | Path) -> dict[str, Any]:
    """The recipe stored in a PNG, SVG or PDF written by gencraft."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"file {str(path)!r} does not exist")
    data = path.read_bytes()
    text: str | None = None
    if data.startswith(b"\x89PNG"):
        try:
            with Image.open(io.BytesIO(data)) as img:
                text = img.text.get(RECIPE_KEY)  # type: ignore[attr-defined]
        except (UnidentifiedImageError, OSError) as exc:
            raise UserError(f"cannot read {str(path)!r} as PNG: {exc}") from None
    elif data.lstrip()[:5] in (b"<?xml", b"<svg ") or path.suffix.lower() == ".svg":
        m = re.search(rb'<metadata id="gencraft-recipe"><!\[CDATA\[(.*?)\]\]></metadata>', data, re.S)
        text = m.group(1).decode("utf-8").replace("]]]]><![CDATA[>", "]]>") if m else None
    elif data.startswith(b"%PDF"):
        keywords = _pdf_info_string(data, "Keywords") or ""
        text = keywords[len(PDF_RECIPE_PREFIX):] if keywords.startswith(PDF_RECIPE_PREFIX) else None
    else:
        raise UserError(f"{str(path)!r} is not a PNG, SVG or PDF file")
    if not text:
        raise UserError(f"{str(path)!r} carries no gencraft recipe")
    try:
        recipe = json.loads(text)
    except json.JSONDecodeError:
        raise UserError(f"{str(path)!r}: its gencraft recipe is not valid JSON") from None
    if not isinstance(recipe, dict):
        raise UserError(f"{str(path)!r}: its gencraft recipe is not a JSON object")
    return recipe


def _pdf_info_string(data: bytes, key: str) -> str | None:
    """Read a document-info string as cairo writes it: (literal) or <FEFF hex>."""
    m = re.search(rb"/" + re.escape(key.encode()) + rb"\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", data)
    if not m:
        return None
    raw = m.group(1)
    if raw.startswith(b"<"):
        hexdigits = re.sub(rb"\s", b"", raw[1:-1])
        blob = bytes.fromhex(hexdigits.decode())
        return blob[2:].decode("utf-16-be") if blob.startswith(b"\xfe\xff") else blob.decode("latin-1")
    body = raw[1:-1]
    out = bytearray()
    i = 0
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    while i < len(body):
        c = body[i]
        if c == 0x5C and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in escapes:
                out += escapes[nxt]
                i += 2
            elif 0x30 <= nxt <= 0x37:
                j = i + 1
                while j < len(body) and j < i + 4 and 0x30 <= body[j] <= 0x37:
                    j += 1
                out.append(int(body[i + 1:j], 8))
                i = j
            else:
                out.append(nxt)
                i += 2
        else:
            out.append(c)
            i += 1
    return out.decode("utf-8", errors="replace")


def add_stage(recipe: dict, stage: dict) -> dict:
    """A copy of the recipe with a later processing stage (search, refine) appended."""
    out = dict(recipe)
    out["stages"] = list(recipe.get("stages", [])) + [stage]
    return out
