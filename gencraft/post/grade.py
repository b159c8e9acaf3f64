"""Colour grading in OKLab, palette remaps and 3D LUTs, recorded as a ``grade`` stage.

    from gencraft.post.grade import grade_file
    grade_file("flow.png", "flow-graded.png", exposure=0.3, saturation=1.2, lut="film.cube")

The steps run in this fixed order, on sRGB pixels (alpha untouched):

1. to OKLab;
2. ``exposure`` in stops: scaling linear light by 2^stops, which in OKLab is
   scaling L, a and b by 2^(stops/3) (OKLab is a cube root of linear LMS);
3. ``temperature`` (warm +, cool -) and ``tint`` (magenta +, green -): a shift
   of b and a in proportion to lightness, so black stays black;
4. ``contrast``: L around 1/2 scaled by the factor;
5. ``saturation``: a and b (chroma) scaled by the factor;
6. ``palette``: a remap to a named palette — ``gradient`` maps lightness onto
   the palette's colours (and background) ordered dark to light, ``nearest``
   snaps each pixel to the closest of them in OKLab; ``palette_mix`` blends
   the remap with the graded pixel;
7. back to sRGB (clipped to the gamut);
8. ``lut``: a ``.cube`` 3D LUT, trilinear (:mod:`gencraft.post.lut`);
9. rounded to 8 bits.

The output PNG's recipe is the input's plus a ``grade`` stage holding every
setting (the LUT by path and sha256), so ``gencraft reproduce`` re-renders the
sketch and replays the grade byte for byte.
"""
from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gencraft.errors import UserError

PALETTE_MODES = ("gradient", "nearest")
DEFAULTS = {"exposure": 0.0, "contrast": 1.0, "saturation": 1.0, "temperature": 0.0, "tint": 0.0}
RANGES = {"exposure": (-8.0, 8.0), "contrast": (0.0, 4.0), "saturation": (0.0, 4.0),
          "temperature": (-1.0, 1.0), "tint": (-1.0, 1.0), "palette_mix": (0.0, 1.0)}
WARMTH = 0.06   # OKLab b shift at full temperature and lightness 1


@dataclass
class GradeResult:
    rgba: np.ndarray
    stage: dict
    recipe: dict


def _number(name: str, value: Any) -> float:
    lo, hi = RANGES[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not lo <= value <= hi:
        raise UserError(f"{name} {value!r}: expected a number from {lo:g} to {hi:g}")
    return float(value)


def make_stage(*, exposure: float = 0.0, contrast: float = 1.0, saturation: float = 1.0, temperature: float = 0.0,
               tint: float = 0.0, palette: str | None = None, palette_mode: str = "gradient",
               palette_mix: float = 1.0, lut: str | Path | None = None) -> dict:
    """A checked ``grade`` stage (the LUT is read now, to record its sha256)."""
    stage: dict[str, Any] = {"stage": "grade"}
    for name, value in (("exposure", exposure), ("contrast", contrast), ("saturation", saturation),
                        ("temperature", temperature), ("tint", tint)):
        stage[name] = _number(name, value)
    if palette is not None:
        from gencraft.draw.color import PALETTES
        from gencraft.errors import did_you_mean

        if palette not in PALETTES:
            raise UserError(f"unknown palette {palette!r}{did_you_mean(str(palette), PALETTES)}: "
                            f"expected one of {', '.join(PALETTES)}")
        if palette_mode not in PALETTE_MODES:
            raise UserError(f"palette mode {palette_mode!r}: expected one of {', '.join(PALETTE_MODES)}")
        stage.update(palette=palette, palette_mode=palette_mode, palette_mix=_number("palette_mix", palette_mix))
    if lut is not None:
        from gencraft.post.lut import read_cube

        stage["lut"] = read_cube(lut).describe()
    return stage


def load_stage_lut(stage: dict, where: str = "grade"):
    """The LUT a recorded stage names, checked against its sha256 (None if it names none)."""
    info = stage.get("lut")
    if not info:
        return None
    from gencraft.post.lut import read_cube

    if not isinstance(info, dict) or not isinstance(info.get("path"), str):
        raise UserError(f"{where}: its grade stage's lut is not {{path, sha256}}")
    lut = read_cube(info["path"])
    if info.get("sha256") and lut.sha256 != info["sha256"]:
        raise UserError(f"{where}: the LUT {info['path']!r} changed since the grade (its sha256 differs)")
    return lut


def grade_array(rgba: np.ndarray, stage: dict, lut=None) -> np.ndarray:
    """Apply a ``grade`` stage to an (H, W, 3|4) uint8 image; returns uint8 of the same shape."""
    from gencraft.draw.color import oklab_to_srgb, srgb_to_oklab

    img = np.asarray(rgba)
    rgb = img[..., :3].astype(np.float64) / 255.0
    get = lambda k: float(stage.get(k, DEFAULTS.get(k, 0.0)))  # noqa: E731
    oklab_needed = any(get(k) != v for k, v in DEFAULTS.items()) or stage.get("palette")
    if oklab_needed:
        lab = srgb_to_oklab(rgb)
        if get("exposure"):
            lab = lab * 2.0 ** (get("exposure") / 3.0)
        light = np.clip(lab[..., 0:1], 0.0, None)
        if get("temperature") or get("tint"):
            lab[..., 2:3] += WARMTH * get("temperature") * light
            lab[..., 1:2] += WARMTH * get("tint") * light
        if get("contrast") != 1.0:
            lab[..., 0] = 0.5 + (lab[..., 0] - 0.5) * get("contrast")
        if get("saturation") != 1.0:
            lab[..., 1:] *= get("saturation")
        if stage.get("palette"):
            mapped = palette_remap(lab, stage["palette"], stage.get("palette_mode", "gradient"))
            m = float(stage.get("palette_mix", 1.0))
            lab = lab * (1.0 - m) + mapped * m
        lab[..., 0] = np.clip(lab[..., 0], 0.0, 1.0)
        rgb = oklab_to_srgb(lab)
    if lut is not None:
        rgb = lut.apply(rgb)
    out = np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8)
    return np.concatenate([out, img[..., 3:]], axis=-1) if img.shape[-1] == 4 else out


def palette_remap(lab: np.ndarray, name: str, mode: str) -> np.ndarray:
    """OKLab pixels remapped to palette `name` (its colours and background), see the module docstring."""
    from gencraft.draw.color import palette, srgb_to_oklab

    pal = palette(name)
    stops = srgb_to_oklab(np.array([c[:3] for c in list(pal) + [pal.background]], dtype=np.float64))
    stops = stops[np.argsort(stops[:, 0], kind="stable")]
    if mode == "nearest":
        d = ((lab[..., None, :] - stops) ** 2).sum(axis=-1)
        return stops[np.argmin(d, axis=-1)]
    pos = np.linspace(0.0, 1.0, len(stops))
    t = np.clip(lab[..., 0], 0.0, 1.0)
    return np.stack([np.interp(t, pos, stops[:, k]) for k in range(3)], axis=-1)


def _input_recipe(path: Path, data: bytes) -> dict:
    from gencraft.provenance import read_recipe

    try:
        return read_recipe(path)
    except UserError:
        return {"source": {"path": str(path.resolve()), "sha256": hashlib.sha256(data).hexdigest()}}


def load_still(path: str | Path) -> tuple[np.ndarray, bytes]:
    """(RGBA uint8, bytes) of a still image; one clear line if it is not one."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if path.suffix.lower() in (".gif", ".mp4", ".svg", ".pdf"):
        raise UserError(f"{str(path)!r}: expected a still raster image (PNG, JPEG...), got {path.suffix}")
    if not path.is_file():
        raise UserError(f"image {str(path)!r} does not exist" if not path.exists() else
                        f"image {str(path)!r} is not a file")
    data = path.read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            rgba = np.asarray(img.convert("RGBA"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UserError(f"{str(path)!r} is not a readable image ({type(exc).__name__})") from None
    return rgba, data


def grade_file(image: str | Path, out: str | Path, **settings) -> GradeResult:
    """Grade `image` into the PNG `out` (atomic), its recipe extended by the ``grade`` stage.

    settings: the keywords of :func:`make_stage`. Everything is checked before
    anything is written.
    """
    from gencraft.atomic import write_bytes
    from gencraft.provenance import add_stage, encode_png

    out = Path(out)
    if out.suffix.lower() != ".png":
        raise UserError(f"output {str(out)!r}: expected a .png file (the graded image carries its recipe)")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"cannot write {str(out)!r}: folder {str(folder)!r} does not exist")
    rgba, data = load_still(image)
    stage = make_stage(**settings)
    graded = grade_array(rgba, stage, load_stage_lut(stage))
    recipe = add_stage(_input_recipe(Path(image), data), stage)
    write_bytes(out, encode_png(graded, recipe))
    return GradeResult(graded, stage, recipe)
