"""Recursive subdivision: rectangles, quads or triangles split by seeded rules.

The composition engine behind much of Manolo Gamboa Naon's and Piet
Mondrian-style generative work (see also Tyler Hobbs, "Working with color in
generative art" and the recursive-split compositions in Matt Pearson,
*Generative Art*, 2011, ch. 7): start from the canvas, split a cell in two
along a line at a ratio, recurse into both halves until a depth or a coin
flip says stop. The result is a partition — the cells tile the rectangle
exactly, with no gaps or overlaps — and each cell carries its depth and a
stable id, so a sketch can give each cell a motif and a palette weight.

Cell ids are heap paths: the root is 1, the children of cell ``i`` are
``2i`` and ``2i + 1``. So ``cell_id >> (depth - d)`` is a cell's ancestor at
depth ``d``, and neighbouring cells with a common parent share ``id >> 1``.

Pure NumPy: the cell count (thousands) makes the loop cheap; every node
draws the same four numbers, so a seed gives the same layout everywhere.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gencraft.geometry._check import finite_number, finite_positive, int_in, seed_rng
from gencraft.geometry.polygons import polygon_areas

SHAPES = ("rect", "quad", "triangle")
DIRECTIONS = ("longest", "random", "alternate")


@dataclass(frozen=True)
class Cells:
    """The leaves of a subdivision.

    polygons: (N, k, 2) float64 vertices (k = 4 for rects and quads, 3 for triangles);
        rect vertices run (x0, y0), (x1, y0), (x1, y1), (x0, y1).
    depth: (N,) int64 split depth of each cell (the root is depth 0).
    cell_id: (N,) int64 heap-path id (root 1; children 2i and 2i + 1).
    """

    polygons: np.ndarray
    depth: np.ndarray
    cell_id: np.ndarray

    def __len__(self) -> int:
        return len(self.polygons)

    @property
    def areas(self) -> np.ndarray:
        return polygon_areas(self.polygons)

    @property
    def centroids(self) -> np.ndarray:
        """Vertex means (the area centroid for rects and triangles)."""
        return self.polygons.mean(axis=1)

    @property
    def bounds(self) -> np.ndarray:
        """(N, 4) x0, y0, x1, y1 of each cell's bounding box."""
        return np.concatenate([self.polygons.min(axis=1), self.polygons.max(axis=1)], axis=1)


def _ratio_options(ratio, snap):
    if isinstance(ratio, (int, float, np.floating)) and not isinstance(ratio, bool):
        lo = hi = finite_number("ratio", ratio)
    else:
        try:
            lo, hi = (finite_number("ratio", r) for r in ratio)
        except (TypeError, ValueError):
            raise ValueError(f"ratio: expected a number or (lo, hi) in (0, 1), got {ratio!r}") from None
    if not 0 < lo <= hi < 1:
        raise ValueError(f"ratio: expected 0 < lo <= hi < 1, got {ratio!r}")
    if snap is None:
        return lo, hi, None
    snap = int_in("snap", snap, 2, 64)
    steps = np.array([k / snap for k in range(1, snap) if lo - 1e-9 <= k / snap <= hi + 1e-9])
    if len(steps) == 0:
        raise ValueError(f"snap: no multiple of 1/{snap} lies in ratio range [{lo:g}, {hi:g}]")
    return lo, hi, steps


def _stop_prob(stop, depth):
    if isinstance(stop, (int, float, np.floating)):
        return float(stop)
    return float(stop[min(depth, len(stop) - 1)])


def _size(poly, shape):
    if shape == "rect":
        return min(poly[1, 0] - poly[0, 0], poly[2, 1] - poly[1, 1])
    return math.sqrt(float(polygon_areas(poly[None])[0]))


def _split(poly, shape, depth, u_dir, t, t2, direction):
    """Two child polygons of `poly`, cut at ratio t (t2 for the far edge of a quad)."""
    if shape == "rect":
        x0, y0 = poly[0]
        x1, y1 = poly[2]
        w, h = x1 - x0, y1 - y0
        if direction == "longest":
            vertical = w > h or (w == h and u_dir < 0.5)
        elif direction == "alternate":
            vertical = depth % 2 == 0
        else:
            vertical = u_dir < 0.5
        if vertical:  # a vertical cut line: left and right halves
            xm = x0 + t * w
            a = [(x0, y0), (xm, y0), (xm, y1), (x0, y1)]
            b = [(xm, y0), (x1, y0), (x1, y1), (xm, y1)]
        else:
            ym = y0 + t * h
            a = [(x0, y0), (x1, y0), (x1, ym), (x0, ym)]
            b = [(x0, ym), (x1, ym), (x1, y1), (x0, y1)]
        return np.array(a), np.array(b)
    if shape == "quad":
        v0, v1, v2, v3 = poly
        len_a = np.hypot(*(v1 - v0)) + np.hypot(*(v2 - v3))  # edges 0-1 and 3-2
        len_b = np.hypot(*(v2 - v1)) + np.hypot(*(v3 - v0))  # edges 1-2 and 0-3
        if direction == "longest":
            across_a = len_a > len_b or (len_a == len_b and u_dir < 0.5)
        elif direction == "alternate":
            across_a = depth % 2 == 0
        else:
            across_a = u_dir < 0.5
        if across_a:
            p, q = v0 + t * (v1 - v0), v3 + t2 * (v2 - v3)
            return np.array([v0, p, q, v3]), np.array([p, v1, v2, q])
        p, q = v1 + t * (v2 - v1), v0 + t2 * (v3 - v0)
        return np.array([v0, v1, p, q]), np.array([q, p, v2, v3])
    # triangle: cut an edge at t, join the cut to the opposite vertex
    lengths = [np.hypot(*(poly[(i + 1) % 3] - poly[i])) for i in range(3)]
    if direction == "longest":
        e = int(np.argmax(lengths))
    elif direction == "alternate":
        e = depth % 3
    else:
        e = min(int(u_dir * 3), 2)
    vi, vj, vk = poly[e], poly[(e + 1) % 3], poly[(e + 2) % 3]
    p = vi + t * (vj - vi)
    return np.array([vi, p, vk]), np.array([p, vj, vk])


def subdivide(width: float, height: float, *, seed, shape: str = "rect", max_depth: int = 6,
              min_depth: int = 1, stop: "float | Sequence[float]" = 0.25,
              ratio: "float | tuple[float, float]" = (0.25, 0.75), snap: int | None = None,
              direction: str = "longest", skew: float = 0.0, min_size: float = 0.0,
              max_cells: int = 100_000) -> Cells:
    """Split the ``width`` × ``height`` rectangle recursively into cells.

    shape: "rect" (axis-aligned cuts), "quad" (cuts join points on two
        opposite edges; ``skew`` tilts them) or "triangle" (the rectangle is
        first cut along a diagonal, then each triangle's edge is cut and joined
        to the opposite vertex).
    stop: probability that a cell at depth >= ``min_depth`` is not split; a
        sequence gives one probability per depth (the last repeats).
    ratio: where a cut falls along the split edge: a fixed number or a range
        (lo, hi) drawn uniformly; ``snap=n`` rounds it to multiples of 1/n
        (thirds, quarters: the classic grid look).
    direction: "longest" (cut across the longer side), "random" or
        "alternate" (by depth).
    min_size: never make a cell whose size (shortest side for rects, square
        root of the area otherwise) is below this.
    max_cells: a ValueError rather than more cells than this.

    Returns :class:`Cells`; the cells tile the rectangle exactly (their areas
    sum to width × height).
    """
    width = finite_positive("width", width)
    height = finite_positive("height", height)
    if shape not in SHAPES:
        raise ValueError(f"shape: expected one of {', '.join(SHAPES)}, got {shape!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction: expected one of {', '.join(DIRECTIONS)}, got {direction!r}")
    max_depth = int_in("max_depth", max_depth, 0, 40)
    min_depth = int_in("min_depth", min_depth, 0, max_depth)
    max_cells = int_in("max_cells", max_cells, 1, 10_000_000)
    probs = [stop] if isinstance(stop, (int, float, np.floating)) and not isinstance(stop, bool) else stop
    try:
        probs = [finite_number("stop", s) for s in probs]
    except TypeError:
        raise ValueError(f"stop: expected a probability or a sequence of them, got {stop!r}") from None
    if not probs or not all(0.0 <= s <= 1.0 for s in probs):
        raise ValueError(f"stop: expected probabilities in [0, 1], got {stop!r}")
    lo, hi, steps = _ratio_options(ratio, snap)
    skew = finite_number("skew", skew)
    if not 0.0 <= skew < 0.5:
        raise ValueError(f"skew: expected a number in [0, 0.5), got {skew!r}")
    min_size = finite_number("min_size", min_size)
    if min_size < 0:
        raise ValueError(f"min_size: expected a number >= 0, got {min_size!r}")
    rng = seed_rng(seed)

    root = np.array([(0.0, 0.0), (width, 0.0), (width, height), (0.0, height)])
    stack: list[tuple[np.ndarray, int, int]] = []
    if shape == "triangle":
        # the first cut is forced: a diagonal, its direction from the seed
        if rng.random() < 0.5:
            stack += [(root[[0, 1, 2]], 1, 2), (root[[0, 2, 3]], 1, 3)]
        else:
            stack += [(root[[0, 1, 3]], 1, 2), (root[[1, 2, 3]], 1, 3)]
    else:
        stack.append((root, 0, 1))
    out_poly, out_depth, out_id = [], [], []
    while stack:
        poly, depth, cid = stack.pop()
        u_stop, u_dir, u_t, u_t2 = rng.random(4)
        split = depth < max_depth and not (depth >= min_depth and u_stop < _stop_prob(probs, depth))
        if split:
            t = steps[min(int(u_t * len(steps)), len(steps) - 1)] if steps is not None else lo + (hi - lo) * u_t
            t2 = float(np.clip(t + skew * (2 * u_t2 - 1), 0.05, 0.95)) if shape == "quad" else t
            a, b = _split(poly, shape, depth, u_dir, t, t2, direction)
            if min_size > 0 and min(_size(a, shape), _size(b, shape)) < min_size:
                split = False
        if not split:
            out_poly.append(poly)
            out_depth.append(depth)
            out_id.append(cid)
            if len(out_poly) > max_cells:
                raise ValueError(f"max_cells: the subdivision would exceed {max_cells} cells; "
                                 f"lower max_depth or raise stop")
            continue
        if len(out_poly) + len(stack) + 2 > max_cells:
            raise ValueError(f"max_cells: the subdivision would exceed {max_cells} cells; "
                             f"lower max_depth or raise stop")
        if cid >= 2**62:
            raise ValueError("max_depth: too deep for 64-bit cell ids (at most 61 levels)")
        stack.append((b, depth + 1, 2 * cid + 1))
        stack.append((a, depth + 1, 2 * cid))
    return Cells(np.array(out_poly, dtype=np.float64), np.array(out_depth, dtype=np.int64),
                 np.array(out_id, dtype=np.int64))
