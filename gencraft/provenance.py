"""Provenance: the recipe every image carries, and reading it back.

A recipe is a small JSON object: gencraft version, the sketch's path and the
sha256 of its source, the resolved parameters, the seed (or token hash), the
size and format, plus any later stages (a CLIP search, a diffusion refinement)
appended under ``stages``. PNGs carry it in an iTXt chunk ``gencraft:recipe``;
SVGs in a ``<metadata>`` element; PDFs in the Keywords document-info entry;
GIFs in their comment extension and MP4s in the ``comment`` metadata tag (both
``gencraft:recipe=`` followed by the JSON). The ``attractor`` and ``lsystem``
commands write recipes of their own, marked by a ``command`` field.

The recipe is data, never code: it is parsed with ``json`` and nothing else,
after a size and nesting check, and checked against a schema
(:func:`validate_recipe`) before anything uses it.
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
    """The recipe stored in a PNG, SVG, PDF, GIF or MP4 written by gencraft, checked against the schema."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"file {str(path)!r} does not exist")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    text: str | None = None
    if data.startswith(b"\x89PNG"):
        try:
            with Image.open(io.BytesIO(data)) as img:
                text = img.text.get(RECIPE_KEY)  # type: ignore[attr-defined]
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise UserError(f"cannot read {str(path)!r} as PNG: {exc}") from None
    elif data.startswith((b"GIF87a", b"GIF89a")):
        text = _gif_comment_recipe(data, path)
    elif data[4:8] == b"ftyp":
        comment = _mp4_comment(data)
        text = comment[len(PDF_RECIPE_PREFIX):] if comment and comment.startswith(PDF_RECIPE_PREFIX) else None
    elif data.lstrip()[:5] in (b"<?xml", b"<svg ") or path.suffix.lower() == ".svg":
        m = re.search(rb'<metadata id="gencraft-recipe"><!\[CDATA\[(.*?)\]\]></metadata>', data, re.S)
        try:
            text = m.group(1).decode("utf-8").replace("]]]]><![CDATA[>", "]]>") if m else None
        except UnicodeDecodeError:
            raise UserError(f"{str(path)!r}: its gencraft recipe is not UTF-8 text") from None
    elif data.startswith(b"%PDF"):
        keywords = _pdf_info_string(data, "Keywords") or ""
        text = keywords[len(PDF_RECIPE_PREFIX):] if keywords.startswith(PDF_RECIPE_PREFIX) else None
    else:
        raise UserError(f"{str(path)!r} is not a PNG, SVG, PDF, GIF or MP4 file")
    if not text:
        raise UserError(f"{str(path)!r} carries no gencraft recipe")
    return parse_recipe(text, str(path))


MAX_RECIPE_CHARS = 1_000_000   # a recipe is a few kB; an L-system's grammar text may add some
MAX_RECIPE_DEPTH = 32          # nesting of lists and objects


def parse_recipe(text: str, where: str = "recipe") -> dict[str, Any]:
    """Parse recipe JSON text and check it against the schema (one clear line on any problem)."""
    if len(text) > MAX_RECIPE_CHARS:
        raise UserError(f"{where!r}: its gencraft recipe is {len(text):,} characters long; "
                        f"expected at most {MAX_RECIPE_CHARS:,}")
    if _nesting(text) > MAX_RECIPE_DEPTH:
        raise UserError(f"{where!r}: its gencraft recipe nests deeper than {MAX_RECIPE_DEPTH} levels")
    try:
        recipe = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise UserError(f"{where!r}: its gencraft recipe is not valid JSON") from None
    validate_recipe(recipe, where)
    return recipe


def _nesting(text: str) -> int:
    """Deepest bracket nesting outside strings (cheap, before json.loads could recurse)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _bad(where: str, key: str, value: Any, expected: str) -> UserError:
    shown = json.dumps(value, default=str)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return UserError(f"{where!r}: its gencraft recipe has {key} = {shown}; expected {expected}")


def validate_recipe(recipe: Any, where: str = "recipe") -> dict[str, Any]:
    """Check the types and ranges of a recipe's known fields; unknown fields pass through.

    Fields are optional here (a refined photo's recipe has only ``stages``);
    what re-rendering needs is checked by :mod:`gencraft.reproduce`.
    """
    if not isinstance(recipe, dict):
        raise UserError(f"{where!r}: its gencraft recipe is not a JSON object")

    def check(key, ok, expected, value=None, name=None):
        value = recipe.get(key) if value is None and name is None else value
        if not ok:
            raise _bad(where, name or key, value, expected)

    for key in ("gencraft", "seed", "seed_kind", "format", "command"):
        if key in recipe:
            check(key, isinstance(recipe[key], str), "a string")
    if "sketch" in recipe:
        sk = recipe["sketch"]
        check("sketch", isinstance(sk, dict), "an object with path, name and sha256")
        for key in ("path", "name", "sha256"):
            if key in sk:
                check(key, isinstance(sk[key], str), "a string", sk[key], f"sketch.{key}")
        if "path" in sk:
            check("path", sk["path"] != "", "a non-empty path", sk["path"], "sketch.path")
        if "sha256" in sk:
            check("sha256", re.fullmatch(r"[0-9a-f]{64}", sk["sha256"]) is not None, "64 hex digits",
                  sk["sha256"], "sketch.sha256")
    if "params" in recipe:
        check("params", isinstance(recipe["params"], (dict, list)) and
              (isinstance(recipe["params"], dict) or recipe.get("command") == "attractor"),
              "an object of parameter name to value")
    if "size" in recipe:
        size = recipe["size"]
        ok = (isinstance(size, list) and len(size) == 2
              and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in size))
        check("size", ok, "[width, height], two whole numbers >= 1")
        from gencraft.sizes import MAX_PIXELS, MAX_SIDE

        check("size", size[0] * size[1] <= MAX_PIXELS and max(size) <= MAX_SIDE,
              f"at most {MAX_SIDE} pixels a side and {MAX_PIXELS:,} pixels in all")
    if "frame" in recipe:
        check("frame", isinstance(recipe["frame"], int) and not isinstance(recipe["frame"], bool)
              and recipe["frame"] >= 0, "a whole number >= 0")
    if "drawn" in recipe:
        check("drawn", isinstance(recipe["drawn"], list) and all(isinstance(v, str) for v in recipe["drawn"]),
              "a list of parameter names")
    if "stages" in recipe:
        check("stages", isinstance(recipe["stages"], list) and all(isinstance(v, dict) for v in recipe["stages"]),
              "a list of objects")
    return recipe



def recipe_comment(recipe: dict) -> str:
    """The recipe as the comment text of a GIF or MP4 (the same prefix as in PDFs)."""
    return PDF_RECIPE_PREFIX + recipe_json(recipe)


def _gif_comment_recipe(data: bytes, path: Path) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as img:
            comment = img.info.get("comment", b"")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UserError(f"cannot read {str(path)!r} as GIF: {exc}") from None
    if isinstance(comment, bytes):
        comment = comment.decode("utf-8", errors="replace")
    return comment[len(PDF_RECIPE_PREFIX):] if comment.startswith(PDF_RECIPE_PREFIX) else None


def _mp4_comment(data: bytes) -> str | None:
    """The ``\xa9cmt`` text of an MP4 (moov/udta/meta/ilst), as ffmpeg's ``-metadata comment=`` writes it."""
    import struct

    def boxes(start: int, end: int):
        i = start
        while i + 8 <= end:
            size, kind = struct.unpack(">I4s", data[i:i + 8])
            header = 8
            if size == 1 and i + 16 <= end:
                size, header = struct.unpack(">Q", data[i + 8:i + 16])[0], 16
            elif size == 0:
                size = end - i
            if size < header or i + size > end:
                return
            yield kind, i + header, i + size
            i += size

    def find(start, end, path):
        if not path:
            return start, end
        for kind, s, e in boxes(start, end):
            if kind == path[0]:
                if kind == b"meta":
                    s += 4  # a full box: version and flags first
                found = find(s, e, path[1:])
                if found:
                    return found
        return None

    found = find(0, len(data), [b"moov", b"udta", b"meta", b"ilst", b"\xa9cmt", b"data"])
    if not found:
        return None
    s, e = found
    return data[s + 8:e].decode("utf-8", errors="replace")  # type (4) and locale (4) come first


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
