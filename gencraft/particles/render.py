"""The particles engine's drawing adapter: density shading and one-call attractor pictures.

The only module of :mod:`gencraft.particles` that knows about colours and the
canvas: :func:`shade` turns a density aggregate into RGBA (datashader's
recipe), :func:`composite` paints it on a canvas, and :func:`render_attractor`
is the Python API behind ``gencraft attractor``. Everything else in the
package returns arrays.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from gencraft.draw.canvas import Canvas
from gencraft.draw.color import PALETTES, gradient, palette as named_palette
from gencraft.errors import UserError, did_you_mean
from gencraft.particles.attractors import spec
from gencraft.particles.density import attractor_density, tone_map


def render_attractor(name: str, params=None, n: int = 10_000_000, size=(1600, 1600), tone: str = "eq_hist",
                     palette: str = "ember", background=None, orbits: int = 16) -> tuple[np.ndarray, dict]:
    """Render an attractor as a density image -> ((H, W, 4) uint8 RGBA, recipe dict).

    The palette's colours ramp from faint to dense; the background is the
    palette's unless given.
    """
    s = spec(name)
    if palette not in PALETTES:
        raise UserError(f"unknown palette {palette!r}{did_you_mean(palette, PALETTES)}: "
                        f"expected one of {', '.join(PALETTES)}")
    pal = PALETTES[palette]
    w, h = size
    agg, bounds = attractor_density(s.name, params, n, w, h, orbits=orbits)
    canvas = Canvas(w, h)
    canvas.background(background if background is not None else pal.background)
    composite(canvas, agg, pal.hex, tone)
    from gencraft import __version__

    recipe = {
        "gencraft": __version__, "command": "attractor", "attractor": s.name, "format": "png",
        "background": None if background is None else str(background),
        "params": list(s.defaults[: s.nparams] if params is None else map(float, params)),
        "n": int(n), "size": [int(w), int(h)], "tone": tone, "palette": palette,
        "bounds": [float(b) for b in bounds], "orbits": int(orbits),
    }
    return canvas.to_array(), recipe


def _ramp(colors) -> np.ndarray:
    if isinstance(colors, str):
        try:
            colors = named_palette(colors).hex
        except ValueError as exc:
            raise UserError(str(exc)) from None
    colors = list(colors)
    if not colors:
        raise UserError("colour map needs at least one colour")
    return gradient(colors, 256)


def shade(agg: np.ndarray, colors: str | Sequence = "ember", how: str = "eq_hist", min_alpha: float = 0.0,
          span=None, alpha_ramp: bool = False) -> np.ndarray:
    """Aggregate -> (H, W, 4) float RGBA in [0, 1]; empty pixels are transparent.

    ``colors`` is a palette name or a list of colours (low -> high density).
    With ``alpha_ramp`` the opacity also rises with density (from
    ``min_alpha``), which keeps sparse areas airy over a background.
    """
    v = tone_map(agg, how, span)
    empty = np.isnan(v)
    lut = _ramp(colors).astype(np.float32)  # float32: half the memory traffic on 4-megapixel images
    vv = np.nan_to_num(v).astype(np.float32)
    idx = np.clip(vv * 255.0 + 0.5, 0, 255).astype(np.intp)
    rgba = lut[idx]
    if alpha_ramp:
        rgba[..., 3] *= min_alpha + (1.0 - min_alpha) * vv
    rgba[empty] = 0.0
    return rgba


def composite(canvas, agg: np.ndarray, colors="ember", how: str = "eq_hist", alpha: float = 1.0, **kw):
    """Shade an aggregate and paint it over the canvas (``Canvas.image``), stretched to fit."""
    rgba = shade(agg, colors, how, **kw)
    h, w = rgba.shape[:2]
    canvas.image(rgba, 0, 0, alpha=alpha, width=canvas.width if w != canvas.width else None,
                 height=canvas.height if h != canvas.height else None)
    return canvas
