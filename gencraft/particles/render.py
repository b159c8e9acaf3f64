"""One-call attractor pictures (the Python API behind ``gencraft attractor``)."""
from __future__ import annotations

import numpy as np

from ..canvas import Canvas
from ..color import PALETTES
from ..errors import UserError, did_you_mean
from .attractors import spec
from .density import attractor_density, composite


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
    recipe = {
        "command": "attractor", "attractor": s.name,
        "params": list(s.defaults[: s.nparams] if params is None else map(float, params)),
        "n": int(n), "size": [int(w), int(h)], "tone": tone, "palette": palette,
        "bounds": [float(b) for b in bounds], "orbits": int(orbits),
    }
    return canvas.to_array(), recipe
