"""Strange attractors: 2-D iterated maps that trace millions of points.

Each map updates x and y *simultaneously* from the previous point (Paul
Bourke's formulations), so ``x[k+1] = f(x[k], y[k])`` and
``y[k+1] = g(x[k], y[k])``. :func:`iterate` returns the orbit as arrays for
small n; :func:`gencraft.particles.density.attractor_density` bins huge orbits
straight into a histogram without ever holding the points.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from gencraft.errors import UserError, did_you_mean


@dataclass(frozen=True)
class AttractorSpec:
    """One map: its kernel code, formula (for docs/help), defaults."""

    name: str
    code: int
    formula: str
    defaults: tuple[float, float, float, float]
    start: tuple[float, float] = (0.0, 0.0)
    nparams: int = 4


ATTRACTORS: dict[str, AttractorSpec] = {s.name: s for s in [
    AttractorSpec("clifford", 0, "x' = sin(a y) + c cos(a x);  y' = sin(b x) + d cos(b y)",
                  (-1.4, 1.6, 1.0, 0.7), (0.1, 0.1)),
    AttractorSpec("dejong", 1, "x' = sin(a y) - cos(b x);  y' = sin(c x) - cos(d y)",
                  (-2.0, -2.0, -1.2, 2.0), (0.1, 0.1)),
    AttractorSpec("svensson", 2, "x' = d sin(a x) - sin(b y);  y' = c cos(a x) + cos(b y)",
                  (1.5, -1.8, 1.6, 0.9), (0.1, 0.1)),
    AttractorSpec("fractal_dream", 3, "x' = sin(b y) + c sin(b x);  y' = sin(a x) + d sin(a y)",
                  (-0.966918, 2.879879, 0.765145, 0.744728), (0.1, 0.1)),
    AttractorSpec("bedhead", 4, "x' = sin(x y / b) y + cos(a x - y);  y' = x + sin(y) / b",
                  (-0.81, -0.92, 0.0, 0.0), (1.0, 1.0), 2),
    AttractorSpec("hopalong", 5, "x' = y - sign(x) sqrt(|b x - c|);  y' = a - x",
                  (2.0, 1.0, 0.0, 0.0), (0.0, 0.0), 3),
    AttractorSpec("tinkerbell", 6, "x' = x^2 - y^2 + a x + b y;  y' = 2 x y + c x + d y",
                  (0.9, -0.6013, 2.0, 0.5), (-0.72, -0.64)),
]}


def spec(name: str) -> AttractorSpec:
    """The attractor called ``name``, or a UserError listing the known ones."""
    key = str(name).lower().replace("-", "_").replace(" ", "_")
    key = {"de_jong": "dejong", "peter_de_jong": "dejong"}.get(key, key)
    if key not in ATTRACTORS:
        raise UserError(f"unknown attractor {name!r}{did_you_mean(key, ATTRACTORS)}: "
                        f"expected one of {', '.join(ATTRACTORS)}")
    return ATTRACTORS[key]


@njit(cache=True, inline="always")
def step(code, a, b, c, d, x, y):
    """One simultaneous update of map ``code`` from (x, y)."""
    if code == 0:    # Clifford
        return math.sin(a * y) + c * math.cos(a * x), math.sin(b * x) + d * math.cos(b * y)
    elif code == 1:  # Peter de Jong
        return math.sin(a * y) - math.cos(b * x), math.sin(c * x) - math.cos(d * y)
    elif code == 2:  # Johnny Svensson
        return d * math.sin(a * x) - math.sin(b * y), c * math.cos(a * x) + math.cos(b * y)
    elif code == 3:  # Fractal Dream (Pickover)
        return math.sin(b * y) + c * math.sin(b * x), math.sin(a * x) + d * math.sin(a * y)
    elif code == 4:  # Bedhead
        return math.sin(x * y / b) * y + math.cos(a * x - y), x + math.sin(y) / b
    elif code == 5:  # Hopalong (Barry Martin)
        s = 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
        return y - s * math.sqrt(abs(b * x - c)), a - x
    else:            # Tinkerbell
        return x * x - y * y + a * x + b * y, 2.0 * x * y + c * x + d * y


@njit(cache=True)
def _iterate(code, a, b, c, d, n, x0, y0):
    xs = np.empty(n)
    ys = np.empty(n)
    x, y = x0, y0
    for k in range(n):
        x, y = step(code, a, b, c, d, x, y)
        xs[k] = x
        ys[k] = y
    return xs, ys


def resolve(name: str, params, n) -> tuple[AttractorSpec, tuple, tuple[float, float, float, float]]:
    """The attractor's spec, its parameters as given (or its defaults), and the four
    floats (a, b, c, d) the kernels take, all validated together with n.

    Shared by :func:`iterate` and ``density.attractor_density`` so both
    refuse the same mistakes with the same words.
    """
    s = spec(name)
    params = s.defaults[: s.nparams] if params is None else tuple(params)
    if len(params) not in (s.nparams, 4):
        raise UserError(f"attractor {s.name!r} takes {s.nparams} parameters, got {len(params)}: {params!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise UserError(f"number of points must be a non-negative integer, got {n!r}")
    vals = [float(p) for p in params]
    if not all(math.isfinite(v) for v in vals):
        raise UserError(f"attractor parameters must be finite numbers, got {params!r}")
    a, b, c, d = vals + [0.0] * (4 - len(vals))
    if s.code == 4 and b == 0.0:
        raise UserError("bedhead parameter b must not be 0 (it divides)")
    return s, params, (a, b, c, d)


# at most this many points are returned as arrays (32 bytes a point); bigger
# orbits belong in attractor_density, which never stores them
MAX_ITERATE = 200_000_000


def iterate(name: str, params=None, n: int = 100_000, x0: float | None = None,
            y0: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The n iterates of attractor ``name`` after the start point, as float64 (x, y)."""
    s, _, (a, b, c, d) = resolve(name, params, n)
    if n > MAX_ITERATE:
        raise UserError(f"n={n:,} points would need {n * 16 / 1e9:.1f} GB: use attractor_density "
                        f"(chunked) for more than {MAX_ITERATE:,}")
    from gencraft.particles.memory import ensure_fits
    ensure_fits(n * 16, f"{n:,} attractor points")
    x0 = s.start[0] if x0 is None else float(x0)
    y0 = s.start[1] if y0 is None else float(y0)
    return _iterate(s.code, a, b, c, d, int(n), x0, y0)


def clifford(a: float, b: float, c: float, d: float, n: int, x0: float = 0.0, y0: float = 0.0):
    """Clifford attractor: n iterates after (x0, y0) as float64 arrays (x, y)."""
    return iterate("clifford", (a, b, c, d), n, x0, y0)


def dejong(a: float, b: float, c: float, d: float, n: int, x0: float = 0.0, y0: float = 0.0):
    """Peter de Jong attractor: n iterates after (x0, y0) as float64 arrays (x, y)."""
    return iterate("dejong", (a, b, c, d), n, x0, y0)
