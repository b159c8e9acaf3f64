"""Iso-lines of a sampled field (marching squares), for contour maps of noise.

Why here: contour lines are the most common way to *draw* a noise height
field with lines (topographic maps, plotter art). The kernel returns line
segments in grid coordinates (x = column, y = row); the sketch scales them and
draws them with ``canvas.polylines``. Saddle cells are resolved by the cell
centre's average, so lines never cross. NaN corners produce no segment.
"""
from __future__ import annotations

import numpy as np
from numba import njit

# For each of the 16 corner cases: up to two edges pairs. Edges: 0 top (c0-c1),
# 1 right (c1-c2), 2 bottom (c3-c2), 3 left (c0-c3); corners c0=(i,j) c1=(i,j+1)
# c2=(i+1,j+1) c3=(i+1,j); bit k set when corner k is above the level.
_EDGES = np.array([
    [-1, -1, -1, -1], [3, 0, -1, -1], [0, 1, -1, -1], [3, 1, -1, -1],
    [1, 2, -1, -1], [3, 0, 1, 2], [0, 2, -1, -1], [3, 2, -1, -1],
    [3, 2, -1, -1], [0, 2, -1, -1], [0, 1, 3, 2], [1, 2, -1, -1],
    [3, 1, -1, -1], [0, 1, -1, -1], [3, 0, -1, -1], [-1, -1, -1, -1],
], dtype=np.int64)


@njit(cache=True, inline="always")
def _edge_point(e, i, j, v0, v1, v2, v3, level):
    if e == 0:
        return j + (level - v0) / (v1 - v0), float(i)
    if e == 1:
        return float(j + 1), i + (level - v1) / (v2 - v1)
    if e == 2:
        return j + (level - v3) / (v2 - v3), float(i + 1)
    return float(j), i + (level - v0) / (v3 - v0)


@njit(cache=True, inline="always")
def _case(v0, v1, v2, v3, level):
    """Row of _EDGES for this cell. Saddles (5, 10): if the centre is above the
    level the two high corners connect through it, which is the other saddle's
    edge pairing, so 5 and 10 swap."""
    c = 0
    if v0 >= level:
        c |= 1
    if v1 >= level:
        c |= 2
    if v2 >= level:
        c |= 4
    if v3 >= level:
        c |= 8
    if (c == 5 or c == 10) and 0.25 * (v0 + v1 + v2 + v3) >= level:
        c = 15 - c
    return c


@njit(cache=True)
def _march(field, levels, out, lev, count_only):
    n = 0
    rows, cols = field.shape
    for li in range(levels.size):
        level = levels[li]
        for i in range(rows - 1):
            for j in range(cols - 1):
                v0 = field[i, j]
                v1 = field[i, j + 1]
                v2 = field[i + 1, j + 1]
                v3 = field[i + 1, j]
                if not (v0 == v0 and v1 == v1 and v2 == v2 and v3 == v3):
                    continue
                c = _case(v0, v1, v2, v3, level)
                if c == 0 or c == 15:
                    continue
                pairs = 1 if _EDGES[c, 2] < 0 else 2
                for k in range(pairs):
                    if not count_only:
                        x0, y0 = _edge_point(_EDGES[c, 2 * k], i, j, v0, v1, v2, v3, level)
                        x1, y1 = _edge_point(_EDGES[c, 2 * k + 1], i, j, v0, v1, v2, v3, level)
                        out[n, 0] = x0
                        out[n, 1] = y0
                        out[n, 2] = x1
                        out[n, 3] = y1
                        lev[n] = li
                    n += 1
    return n


def isolines(field: np.ndarray, levels) -> tuple[np.ndarray, np.ndarray]:
    """Segments where ``field`` crosses each level.

    Returns ``(segments, level_index)``: ``segments`` is (n, 2, 2) of
    ``[[x0, y0], [x1, y1]]`` in grid units (x = column, y = row), and
    ``level_index[k]`` says which entry of ``levels`` segment k belongs to.
    """
    field = np.ascontiguousarray(field, dtype=np.float64)
    levels = np.ascontiguousarray(np.atleast_1d(levels), dtype=np.float64)
    if field.ndim != 2 or min(field.shape) < 2:
        raise ValueError(f"isolines needs a 2-D field of at least 2x2, got shape {field.shape}")
    empty = np.zeros((0, 4))
    n = _march(field, levels, empty, np.zeros(0, np.int64), True)
    out = np.empty((n, 4))
    lev = np.empty(n, dtype=np.int64)
    _march(field, levels, out, lev, False)
    return out.reshape(n, 2, 2), lev
