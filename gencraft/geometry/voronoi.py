"""Voronoi and Delaunay on scipy.spatial (Qhull), clipped cells, and Lloyd relaxation.

The diagrams are Qhull's (Barber, Dobkin & Huhdanpaa, "The Quickhull
algorithm for convex hulls", 1996) through ``scipy.spatial`` — nothing here
re-implements them. What this module adds is what sketches need:

* cells as finite polygons clipped to a rectangle, exactly: the sites whose
  cells reach the edge are mirrored across the four edges (the standard
  trick), which makes every original cell finite and bounded by the
  rectangle's own edges, so the cells tile the rectangle;
* cells clipped to any polygon (with holes) through shapely;
* Lloyd relaxation (Lloyd, "Least squares quantization in PCM", 1982):
  move each site to its cell's centroid, repeat, reporting how far the
  sites moved each iteration.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from gencraft.geometry._check import finite_number, int_in, points2d
from gencraft.geometry.polygons import as_shape, polygon_centroid, rect_bounds


def delaunay(points) -> np.ndarray:
    """Delaunay triangles as (M, 3) int indices into ``points`` (``scipy.spatial.Delaunay.simplices``)."""
    from scipy.spatial import Delaunay, QhullError

    p = points2d("points", points, min_count=3)
    try:
        return Delaunay(p).simplices.astype(np.int64)
    except QhullError:
        raise ValueError("points: expected at least 3 points not all on one line") from None


def delaunay_edges(points) -> np.ndarray:
    """Unique Delaunay edges as (E, 2) int index pairs (i < j), sorted."""
    tri = delaunay(points)
    e = np.concatenate([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [2, 0]]])
    e.sort(axis=1)
    return np.unique(e, axis=0)


def _check_unique(p: np.ndarray) -> None:
    _, idx, counts = np.unique(p, axis=0, return_index=True, return_counts=True)
    if (counts > 1).any():
        i = int(idx[np.argmax(counts > 1)])
        raise ValueError(f"points: expected distinct points, point {i} {p[i].tolist()} appears twice")


def _csr(vor, sites: np.ndarray):
    """Regions of the given site indices as (vertex index array, lengths)."""
    regions = [vor.regions[r] for r in vor.point_region[sites]]
    lengths = np.fromiter(map(len, regions), dtype=np.int64, count=len(regions))
    idx = np.fromiter(itertools.chain.from_iterable(regions), dtype=np.int64, count=int(lengths.sum()))
    return idx, lengths


def _mirror(q: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.concatenate([np.column_stack([2 * x0 - q[:, 0], q[:, 1]]), np.column_stack([2 * x1 - q[:, 0], q[:, 1]]),
                           np.column_stack([q[:, 0], 2 * y0 - q[:, 1]]), np.column_stack([q[:, 0], 2 * y1 - q[:, 1]])])


def _mirrored_csr(p: np.ndarray, x0: float, y0: float, x1: float, y1: float):
    """Cells of the sites in the box as CSR: (vertices (M, 2) counter-clockwise per cell, offsets (n + 1,)).

    A site whose Voronoi cell lies inside the box keeps Qhull's cell. The
    others ("edge sites") get their cells from a second diagram of the edge
    sites, their Delaunay neighbours and the edge sites' mirror images across
    the four sides: a cell is fixed by its neighbours alone, a mirror never
    wins a point inside the box against the site it mirrors (so mirrors cut
    only outside the box), and a site's own four mirrors cut its cell exactly
    along the box.
    """
    from scipy.spatial import QhullError, Voronoi

    n = len(p)
    box_lo, box_hi = np.array([x0, y0]), np.array([x1, y1])
    try:
        if n < 4:
            raise QhullError("too few sites for a first pass")
        inner = Voronoi(p)
        idx, lengths = _csr(inner, np.arange(n))
        ok_v = np.all((inner.vertices > box_lo) & (inner.vertices < box_hi), axis=1)
        good = np.where(idx >= 0, ok_v[np.maximum(idx, 0)], False).astype(np.int8)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        edge = (lengths == 0) | (np.minimum.reduceat(good, np.minimum(starts, max(len(good) - 1, 0))) == 0) \
            if len(good) else np.ones(n, dtype=bool)
        rp = inner.ridge_points
        near = np.zeros(n, dtype=bool)
        near[edge] = True
        near[rp[edge[rp[:, 0]], 1]] = True
        near[rp[edge[rp[:, 1]], 0]] = True
    except QhullError:
        inner, edge, near = None, np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    sub = np.flatnonzero(near)
    try:
        outer = Voronoi(np.concatenate([p[sub], _mirror(p[edge], x0, y0, x1, y1)]))
    except QhullError:
        raise ValueError("points: Qhull could not build a diagram from these points") from None
    pos = np.full(n, -1, dtype=np.int64)
    pos[sub] = np.arange(len(sub))
    e_idx, e_len = _csr(outer, pos[edge])
    lengths = np.zeros(n, dtype=np.int64)
    lengths[edge] = e_len
    owner = np.repeat(np.flatnonzero(edge), e_len)
    parts = [(owner, outer.vertices[e_idx])]
    if inner is not None and (~edge).any():
        i_idx, i_len = _csr(inner, np.flatnonzero(~edge))
        lengths[~edge] = i_len
        parts.append((np.repeat(np.flatnonzero(~edge), i_len), inner.vertices[i_idx]))
    cell = np.concatenate([c for c, _ in parts])
    # snap to the box: vertices on its edges come out within rounding of it
    verts = np.clip(np.concatenate([v for _, v in parts]), box_lo, box_hi)
    cx = np.bincount(cell, weights=verts[:, 0], minlength=n) / lengths
    cy = np.bincount(cell, weights=verts[:, 1], minlength=n) / lengths
    ang = np.arctan2(verts[:, 1] - cy[cell], verts[:, 0] - cx[cell])
    order = np.lexsort((ang, cell))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return verts[order], offsets


def _csr_centroids(verts: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Area centroids of CSR polygons (shoelace), vectorised."""
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    cell = np.repeat(np.arange(n), lengths)
    nxt = np.arange(len(verts)) + 1
    nxt[offsets[1:] - 1] = offsets[:-1]  # wrap each ring to its first vertex
    x, y, xn, yn = verts[:, 0], verts[:, 1], verts[nxt, 0], verts[nxt, 1]
    cross = x * yn - xn * y
    a = np.bincount(cell, weights=cross, minlength=n) / 2
    cx = np.bincount(cell, weights=(x + xn) * cross, minlength=n) / (6 * a)
    cy = np.bincount(cell, weights=(y + yn) * cross, minlength=n) / (6 * a)
    return np.column_stack([cx, cy])


def _mirrored_cells(p: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> list[np.ndarray]:
    verts, offsets = _mirrored_csr(p, x0, y0, x1, y1)
    return np.split(verts, offsets[1:-1])


def voronoi_cells(points, bounds=None, *, polygon=None, holes=None) -> list[np.ndarray]:
    """The Voronoi cell of each point as a (k, 2) polygon, clipped to a rectangle or polygon.

    bounds: (x0, y0, x1, y1); default: the points' bounding box grown by 10 %.
        Every point must lie strictly inside it. The cells tile the rectangle.
    polygon: clip to this region instead (an (k, 2) array plus ``holes``, or a
        shapely Polygon); a point's cell is the part of its clipped cell that
        contains it (the largest part if none does); cells of points outside
        the region may be empty arrays (0, 2).
    Cell ``i`` belongs to ``points[i]``; vertices run counter-clockwise (y up).
    """
    p = points2d("points", points, min_count=1)
    _check_unique(p)
    if polygon is not None:
        shape = as_shape("polygon", polygon, holes)
        return _clip_cells(p, shape)
    if bounds is None:
        lo, hi = p.min(axis=0), p.max(axis=0)
        pad = np.maximum((hi - lo) * 0.1, 1e-9 + 1e-6 * np.abs(lo).max())
        bounds = (*(lo - pad), *(hi + pad))
    box = rect_bounds("bounds", bounds)
    _check_inside(p, box)
    return _mirrored_cells(p, *box)


def _check_inside(p: np.ndarray, box) -> None:
    x0, y0, x1, y1 = box
    outside = ~((p[:, 0] > x0) & (p[:, 0] < x1) & (p[:, 1] > y0) & (p[:, 1] < y1))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise ValueError(f"points: expected every point strictly inside bounds {(x0, y0, x1, y1)}, "
                         f"point {i} is {p[i].tolist()}")


def _clip_cells(p: np.ndarray, shape) -> list[np.ndarray]:
    import shapely

    x0, y0, x1, y1 = shape.bounds
    bx0, by0 = min(x0, p[:, 0].min()), min(y0, p[:, 1].min())
    bx1, by1 = max(x1, p[:, 0].max()), max(y1, p[:, 1].max())
    pad = 0.01 * max(bx1 - bx0, by1 - by0)
    raw = _mirrored_cells(p, bx0 - pad, by0 - pad, bx1 + pad, by1 + pad)
    clipped = shapely.intersection(np.array([shapely.Polygon(c) for c in raw], dtype=object), shape)
    out = []
    for i, g in enumerate(clipped):
        parts = [q for q in shapely.get_parts(g) if q.geom_type == "Polygon" and q.area > 0]
        if not parts:
            out.append(np.zeros((0, 2)))
            continue
        site = shapely.Point(p[i])
        best = next((q for q in parts if q.covers(site)), max(parts, key=lambda q: q.area))
        ring = shapely.get_coordinates(shapely.geometry.polygon.orient(best, 1).exterior)[:-1]
        out.append(ring)
    return out


@dataclass(frozen=True)
class Relaxed:
    """Result of :func:`lloyd`: the moved points and the mean and largest move of every iteration."""

    points: np.ndarray
    movement: np.ndarray  # (iterations,) mean distance a point moved
    max_movement: np.ndarray  # (iterations,) largest distance a point moved

    @property
    def iterations(self) -> int:
        return len(self.movement)


def lloyd(points, bounds=None, *, iterations: int = 10, tol: float = 0.0, polygon=None, holes=None) -> Relaxed:
    """Lloyd relaxation: move every point to its Voronoi cell's centroid, ``iterations`` times at most.

    Stops early once the largest move is below ``tol``. Cells are clipped to
    ``bounds`` (or ``polygon``) as in :func:`voronoi_cells`; the result spreads
    the points evenly (a centroidal Voronoi tessellation in the limit).
    """
    iterations = int_in("iterations", iterations, 0, 100_000)
    tol = finite_number("tol", tol)
    p = points2d("points", points, min_count=1).copy()
    if bounds is None and polygon is None:
        lo, hi = p.min(axis=0), p.max(axis=0)
        pad = np.maximum((hi - lo) * 0.1, 1e-9)
        bounds = (*(lo - pad), *(hi + pad))
    box = None if polygon is not None else rect_bounds("bounds", bounds)
    moves, biggest = [], []
    for _ in range(iterations):
        if box is not None:
            _check_unique(p)
            _check_inside(p, box)
            new = _csr_centroids(*_mirrored_csr(p, *box))
        else:
            cells = voronoi_cells(p, polygon=polygon, holes=holes)
            new = np.array([polygon_centroid(c) if len(c) >= 3 else p[i] for i, c in enumerate(cells)])
        d = np.hypot(*(new - p).T)
        moves.append(float(d.mean()))
        biggest.append(float(d.max()))
        p = new
        if d.max() < tol:
            break
    return Relaxed(p, np.array(moves), np.array(biggest))
