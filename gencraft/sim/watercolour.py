"""Watercolour layering: many translucent, recursively deformed copies of a polygon.

After Tyler Hobbs, "How to hack a painting" (2017). A polygon is deformed by
recursive midpoint displacement: every edge gets a new vertex near its
midpoint, displaced by a Gaussian whose spread is the edge's length times a
per-edge weight (some edges stay crisp, others bleed), and the new edges
inherit the weight with a little jitter. The *base* shape is a few rounds of
this; a few *intermediate* shapes deform the base further; each of the many
*layers* deforms one intermediate shape again. Stacked at a few per cent
opacity, the layers build a soft core and a feathered, uneven edge, like
pigment pooling in wet paper.

Each layer also gets a *texture mask*: random discs where that layer lays no
pigment. Drawn with the even–odd rule inside the layer's polygon, the holes
speckle each layer differently, so the stack reads as granulated paint
rather than a blurred shape.

:func:`watercolour` returns arrays only (polygons and discs); a sketch
composites them (see ``sketches/watercolour.py``). Everything random comes from
``np.random.default_rng(seed)``; the same arguments give the same arrays.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Wash", "deform", "watercolour", "regular_polygon", "MAX_VERTICES", "MAX_LAYERS"]

MAX_VERTICES = 1_000_000   # per polygon
MAX_LAYERS = 10_000


@dataclass
class Wash:
    """The result of :func:`watercolour`: one shape's layers, bottom first."""

    base: np.ndarray                                       # (n, 2) the base shape
    polygons: list[np.ndarray] = field(default_factory=list)   # per layer (k, 2)
    holes: list[np.ndarray] = field(default_factory=list)      # per layer (h, 3): x, y, r

    def __len__(self) -> int:
        return len(self.polygons)

    @property
    def vertex_count(self) -> int:
        return int(sum(len(p) for p in self.polygons))


def _poly(name: str, polygon) -> np.ndarray:
    p = np.array(polygon, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 2 or len(p) < 3:
        raise ValueError(f"{name} must be an (n, 2) array of at least 3 vertices, got shape {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError(f"{name} must be finite: found NaN or inf at row {int(np.argwhere(~np.isfinite(p))[0, 0])}")
    return p


def _depth(name: str, depth, n: int) -> int:
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or not 0 <= depth <= 20:
        raise ValueError(f"{name} must be an integer from 0 to 20, got {depth!r}")
    if n * 2 ** int(depth) > MAX_VERTICES:
        raise ValueError(f"{name}={depth} would give {n * 2 ** int(depth):,} vertices from {n}; "
                         f"expected at most {MAX_VERTICES:,} (lower the depth)")
    return int(depth)


def _number(name: str, value, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)) or not lo <= float(value) <= hi:
        raise ValueError(f"{name} must be a number from {lo:g} to {hi:g}, got {value!r}")
    return float(value)


def deform(polygon, *, depth: int, spread: float, rng: np.random.Generator,
           weights: np.ndarray | None = None, jitter: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Recursive midpoint displacement of a closed polygon, ``depth`` rounds.

    Edge i (from vertex i to i+1) gets a new vertex at its midpoint plus a 2-D
    Gaussian offset of standard deviation ``spread * weights[i] * |edge|``.
    Both halves inherit the edge's weight times a log-normal jitter (sigma
    ``jitter``), kept within [0.1, 1.6]; offsets are clipped at 2.5 sigma, and
    ``spread`` is at most 0.25, so edges shrink each round and the paint
    stays within about 2.5 radii of the shape.
    Returns ``(polygon, weights)`` with ``n * 2**depth`` vertices.
    """
    p = _poly("polygon", polygon)
    depth = _depth("depth", depth, len(p))
    spread = _number("spread", spread, 0.0, 0.25)
    w = np.ones(len(p)) if weights is None else np.clip(np.array(weights, dtype=np.float64), 0.1, 1.6)
    if w.shape != (len(p),) or not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"weights must be {len(p)} finite numbers >= 0, got shape {w.shape}")
    for _ in range(depth):
        q = np.roll(p, -1, axis=0)
        edge = np.hypot(*(q - p).T)
        # Gaussian tails clipped at 2.5 sigma: a rare huge offset would make a spike, not paint
        offset = np.clip(rng.normal(0.0, 1.0, p.shape), -2.5, 2.5)
        mid = 0.5 * (p + q) + offset * (spread * w * edge)[:, None]
        out = np.empty((2 * len(p), 2))
        out[0::2], out[1::2] = p, mid
        # weights stay in [0.1, 1.6]: the edges keep shrinking, so the recursion converges
        wn = np.clip(np.repeat(w, 2) * np.exp(rng.normal(0.0, jitter, 2 * len(w))), 0.1, 1.6)
        p, w = out, wn
    return p, w


def regular_polygon(n: int, radius: float, center=(0.0, 0.0), phase: float = 0.0) -> np.ndarray:
    """A regular n-gon (a usual starting shape)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 3 <= n <= MAX_VERTICES:
        raise ValueError(f"n must be an integer from 3 to {MAX_VERTICES:,}, got {n!r}")
    a = phase + np.arange(n) * (2 * np.pi / n)
    return np.stack([center[0] + radius * np.cos(a), center[1] + radius * np.sin(a)], axis=1)


def watercolour(polygon, *, seed: int, layers: int = 40, base_depth: int = 3, layer_depth: int = 3,
                intermediates: int = 4, spread: float = 0.2, edge_variation: float = 0.35,
                holes: int = 60, hole_size: float = 0.04) -> Wash:
    """Layers of a watercolour wash of ``polygon``, bottom first.

    ``spread`` (0 to 0.25) scales every displacement (0 keeps the polygon;
    0.15–0.25 is paint-like); ``edge_variation`` is the log-normal spread of the per-edge
    weights of the start polygon (0: every edge equally soft); ``holes`` and
    ``hole_size`` (radius as a share of the shape's size) make each layer's
    texture mask. ``layers``, the depths (``n * 2**(base_depth +
    layer_depth)`` vertices per layer) and ``holes`` are bounded; bad values
    raise ValueError naming the argument.
    """
    p = _poly("polygon", polygon)
    if isinstance(layers, bool) or not isinstance(layers, (int, np.integer)) or not 0 <= layers <= MAX_LAYERS:
        raise ValueError(f"layers must be an integer from 0 to {MAX_LAYERS:,}, got {layers!r}")
    if isinstance(intermediates, bool) or not isinstance(intermediates, (int, np.integer)) \
            or not 1 <= intermediates <= 64:
        raise ValueError(f"intermediates must be an integer from 1 to 64, got {intermediates!r}")
    if isinstance(holes, bool) or not isinstance(holes, (int, np.integer)) or not 0 <= holes <= 100_000:
        raise ValueError(f"holes must be an integer from 0 to 100,000, got {holes!r}")
    base_depth = _depth("base_depth", base_depth, len(p))
    layer_depth = _depth("layer_depth + base_depth", base_depth + layer_depth, len(p)) - base_depth
    spread = _number("spread", spread, 0.0, 0.25)
    edge_variation = _number("edge_variation", edge_variation, 0.0, 5.0)
    hole_size = _number("hole_size", hole_size, 0.0, 10.0)

    rng = np.random.default_rng(seed)
    w0 = np.exp(rng.normal(0.0, edge_variation, len(p)))
    base, wb = deform(p, depth=base_depth, spread=spread, rng=rng, weights=w0)
    # the intermediate shapes deform the base a little: layers from one share its lobes
    mids = [deform(base, depth=1, spread=spread * 0.7, rng=rng, weights=wb) for _ in range(intermediates)]
    lo, hi = base.min(0), base.max(0)
    size = float(max(hi - lo)) or 1.0
    wash = Wash(base)
    for k in range(layers):
        mp, mw = mids[k % intermediates]
        poly, _ = deform(mp, depth=max(layer_depth - 1, 0), spread=spread, rng=rng, weights=mw)
        if layer_depth == 0:
            poly = base.copy()
        wash.polygons.append(poly)
        if holes:
            plo, phi = poly.min(0), poly.max(0)
            xy = rng.uniform(plo, phi, (holes, 2))
            r = hole_size * size * np.exp(rng.normal(0.0, 0.5, holes))
            wash.holes.append(np.column_stack([xy, r]))
        else:
            wash.holes.append(np.zeros((0, 3)))
    return wash
