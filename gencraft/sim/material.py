"""Paper and grain: a finishing pass that gives a flat render a physical surface.

:func:`paper_finish` takes an (H, W, 3|4) uint8 image and returns a new one:

- **fibre** — the paper's texture: the *formation* (slow cloudy variation in
  thickness, isotropic fBm), plus *fibres* (fBm stretched eight times along one
  axis and, more faintly, the other: the streaks of a cold-pressed sheet). It
  darkens light areas more than dark ones, as paper shows through thin paint.
- **grain** — per-pixel Gaussian luminance noise, the same in every channel
  (film / print grain; it breaks up banding in smooth gradients).
- **vignette** — a subtle radial darkening towards the corners.

Each strength is in [0, 1] (0 = off); all three at 0 return the image
unchanged. Feature sizes are a share of the short side, so a thumbnail and a
print of the same seed look alike. Deterministic: the noise fields come from
``gencraft.noise`` with integer seeds derived from ``seed`` and the grain from
``np.random.default_rng(seed)``; the same image, seed and strengths give the
same bytes. Alpha is passed through untouched.

In a sketch, :func:`finish_paper` applies the pass to the canvas as the last
step of ``draw()`` (through ``Canvas.filter``, so on SVG/PDF it does nothing)::

    finish_paper(c, rng.stream("paper").seed_int(), fibre=p.fibre, grain=p.grain)

Take the strengths from declared parameters so every render's recipe records them.
"""
from __future__ import annotations

import math

import numpy as np

from gencraft import noise

__all__ = ["paper_finish", "paper_texture", "finish_paper", "MAX_PIXELS"]

MAX_PIXELS = 200_000_000
_FIBRE_DARKEN = 0.14     # light paper at fibre=1 varies by about ±7 %
_GRAIN_SD = 14.0         # grain=1: sd of the grain in 8-bit levels
_VIGNETTE = 0.28         # vignette=1: the corners lose 28 %


def _strength(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be a number from 0 to 1, got {value!r}")
    return float(value)


def paper_texture(height: int, width: int, *, seed: int) -> np.ndarray:
    """The paper's surface as an (H, W) float32 field, about zero-mean, roughly in [-1, 1]."""
    s = float(min(height, width))
    ys, xs = np.arange(height, dtype=np.float64), np.arange(width, dtype=np.float64)
    seeds = np.random.default_rng([int(seed), 0x9A9E5]).integers(0, 2**31, 3)
    f = 1.0 / (0.004 * s) if s > 0 else 1.0            # fibre width: 0.4 % of the short side
    along = noise.fbm_grid(xs * f / 8.0, ys * f, seed=int(seeds[0]), octaves=3, gain=0.55)
    across = noise.fbm_grid(xs * f, ys * f / 8.0, seed=int(seeds[1]), octaves=2, gain=0.5)
    formation = noise.fbm_grid(xs * 6.0 / s, ys * 6.0 / s, seed=int(seeds[2]), octaves=4, gain=0.5)
    return (0.55 * along + 0.2 * across + 0.45 * formation).astype(np.float32)


def paper_finish(image, *, seed: int, fibre: float = 0.5, grain: float = 0.3,
                 vignette: float = 0.3) -> np.ndarray:
    """A new uint8 image: ``image`` with paper fibre, grain and vignette applied.

    ``image`` is (H, W, 3) or (H, W, 4) uint8 (alpha is kept as it is);
    ``fibre``, ``grain`` and ``vignette`` are strengths in [0, 1]. Raises
    ValueError naming the argument for anything else.
    """
    img = np.asarray(image)
    if img.ndim != 3 or img.shape[2] not in (3, 4) or img.dtype != np.uint8:
        raise ValueError(f"image must be an (H, W, 3|4) uint8 array, got shape {img.shape} dtype {img.dtype}")
    h, w = img.shape[:2]
    if h * w > MAX_PIXELS:
        raise ValueError(f"image must have at most {MAX_PIXELS:,} pixels, got {h}x{w}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    fibre = _strength("fibre", fibre)
    grain = _strength("grain", grain)
    vignette = _strength("vignette", vignette)
    out = img.copy()
    if h == 0 or w == 0 or (fibre == 0 and grain == 0 and vignette == 0):
        return out
    rgb = img[..., :3].astype(np.float32)
    gain = np.ones((h, w), np.float32)
    if fibre:
        # light areas show the paper most: weight by luminance
        lum = (rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)) / 255.0
        tex = paper_texture(h, w, seed=int(seed))
        gain += (fibre * _FIBRE_DARKEN * 0.5) * (tex - 0.15) * (0.35 + 0.65 * lum)
    if vignette:
        yy = (np.arange(h, dtype=np.float32) - (h - 1) / 2) / (h / 2)
        xx = (np.arange(w, dtype=np.float32) - (w - 1) / 2) / (w / 2)
        r = np.sqrt(yy[:, None] ** 2 + xx[None, :] ** 2) / math.sqrt(2.0)    # 0 centre, 1 corner
        t = np.clip((r - 0.35) / 0.65, 0.0, 1.0)
        gain *= 1.0 - (vignette * _VIGNETTE) * (t * t * (3.0 - 2.0 * t))
    rgb *= gain[..., None]
    if grain:
        rng = np.random.default_rng([int(seed), 0x6A41])
        rgb += (grain * _GRAIN_SD) * rng.standard_normal((h, w), dtype=np.float32)[..., None]
    out[..., :3] = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    return out


def finish_paper(canvas, seed: int, *, fibre: float = 0.5, grain: float = 0.3,
                 vignette: float = 0.3):
    """Apply :func:`paper_finish` to a canvas's raster in place (a no-op for vector canvases).

    The canvas is only asked to ``filter`` its pixels; this module never draws.
    Strengths are checked before anything runs. Returns the canvas.
    """
    for name, value in (("fibre", fibre), ("grain", grain), ("vignette", vignette)):
        _strength(name, value)
    return canvas.filter(lambda rgba: paper_finish(rgba, seed=int(seed), fibre=fibre, grain=grain,
                                                   vignette=vignette))
