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


@njit(cache=True)
def _walk_chains(node_of, node_xy, adj_start, adj_slots):
    """Follow segments through the nodes they share; see chain_segments."""
    n_seg = node_of.size // 2
    n_nodes = node_xy.shape[0]
    used = np.zeros(n_seg, dtype=np.bool_)
    coords = np.empty((2 * n_seg, 2))
    offsets = np.zeros(n_seg + 1, dtype=np.int64)
    closed = np.zeros(n_seg, dtype=np.bool_)
    first_node = np.zeros(n_seg, dtype=np.int64)
    n_pts = 0
    n_chains = 0
    for phase in range(2):  # 0: chains from end points (degree != 2), 1: what is left are loops
        for start in range(n_nodes):
            degree = adj_start[start + 1] - adj_start[start]
            if phase == 0 and degree == 2:
                continue
            for a in range(adj_start[start], adj_start[start + 1]):
                if used[adj_slots[a] // 2]:
                    continue
                coords[n_pts] = node_xy[start]
                n_pts += 1
                first_node[n_chains] = start
                node = start
                slot = adj_slots[a]
                while True:
                    used[slot // 2] = True
                    node = node_of[slot ^ 1]  # the segment's other end
                    coords[n_pts] = node_xy[node]
                    n_pts += 1
                    if adj_start[node + 1] - adj_start[node] != 2:
                        break  # an end point, or a crossing of more than two segments
                    nxt = -1
                    for b in range(adj_start[node], adj_start[node + 1]):
                        if not used[adj_slots[b] // 2]:
                            nxt = adj_slots[b]
                    if nxt < 0:
                        break  # back where a loop started
                    slot = nxt
                if phase == 1 and node == start:
                    n_pts -= 1  # a loop: drop the repeated first point, mark it closed instead
                    closed[n_chains] = True
                n_chains += 1
                offsets[n_chains] = n_pts
    return coords[:n_pts].copy(), offsets[:n_chains + 1].copy(), closed[:n_chains].copy(), first_node[:n_chains].copy()


def chain_segments(segments: np.ndarray, group: np.ndarray | None = None):
    """Join segments that share end points into polylines.

    Why: marching squares gives thousands of two-point segments; drawn one by
    one, translucent lines bead at every joint and round caps pile up. Joined,
    each contour is one stroke with proper joins (and far fewer cairo calls).

    ``segments`` is (n, 2, 2); end points join when exactly equal (isolines
    computes a shared point identically from both cells) and in the same
    ``group`` (e.g. the level index). Returns ``(coords, offsets, closed,
    chain_group)``: CSR polylines for ``Canvas.polylines``, whether each is a
    loop (drawn with ``closed=``), and each one's group. Zero-length segments
    are dropped.
    """
    seg = np.asarray(segments, dtype=np.float64).reshape(-1, 2, 2)
    grp = np.zeros(len(seg), dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
    keep = (seg[:, 0] != seg[:, 1]).any(axis=1)
    seg, grp = seg[keep], grp[keep]
    pts = seg.reshape(-1, 2)
    pts_grp = np.repeat(grp, 2)
    order = np.lexsort((pts[:, 1], pts[:, 0], pts_grp))
    s_pts, s_grp = pts[order], pts_grp[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (s_grp[1:] != s_grp[:-1]) | (s_pts[1:] != s_pts[:-1]).any(axis=1)
    node_sorted = np.cumsum(new) - 1
    node_of = np.empty(len(order), dtype=np.int64)
    node_of[order] = node_sorted
    node_xy = s_pts[new]
    adj_start = np.concatenate([[0], np.cumsum(np.bincount(node_sorted, minlength=len(node_xy)))]).astype(np.int64)
    adj_slots = order.astype(np.int64)  # endpoint slots grouped by node (slot = 2 * segment + end)
    coords, offsets, closed, first_node = _walk_chains(node_of, np.ascontiguousarray(node_xy), adj_start, adj_slots)
    return coords, offsets, closed, s_grp[new][first_node]
