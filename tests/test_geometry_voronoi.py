"""Voronoi, Delaunay and Lloyd: equal to scipy.spatial where wrapping it, cells tile the
rectangle (areas sum exactly), clipping to polygons with holes, Lloyd converges."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from scipy.spatial import Delaunay, Voronoi

from gencraft.geometry import delaunay, delaunay_edges, lloyd, polygon_area, voronoi_cells

BOX = (0.0, 0.0, 1000.0, 700.0)


def pts(n, seed=0):
    return np.random.default_rng(seed).random((n, 2)) * [1000, 700]


def test_delaunay_equals_scipy():
    p = pts(300)
    assert np.array_equal(delaunay(p), Delaunay(p).simplices)
    e = delaunay_edges(p)
    assert np.all(e[:, 0] < e[:, 1]) and len(np.unique(e, axis=0)) == len(e)
    # Euler for a triangulation of points in general position: E = 3n - 3 - h
    h = len(shapely.MultiPoint(p).convex_hull.exterior.coords) - 1
    assert len(e) == 3 * len(p) - 3 - h


def test_cells_equal_scipy_where_scipy_cells_are_inside_the_box():
    p = pts(400, 1)
    ours = voronoi_cells(p, BOX)
    vor = Voronoi(p)
    checked = 0
    for i in range(len(p)):
        region = vor.regions[vor.point_region[i]]
        if -1 in region or not region:
            continue
        v = vor.vertices[region]
        if not np.all((v > 0) & (v < [1000, 700])):
            continue
        a = np.array(sorted(map(tuple, np.round(v, 6))))
        b = np.array(sorted(map(tuple, np.round(ours[i], 6))))
        assert a.shape == b.shape and np.allclose(a, b, atol=1e-6)
        checked += 1
    assert checked > 300


def test_cells_tile_the_rectangle_and_hold_their_point():
    p = pts(500, 2)
    cells = voronoi_cells(p, BOX)
    areas = np.array([polygon_area(c) for c in cells])
    assert np.all(areas > 0)  # counter-clockwise (y up)
    assert areas.sum() == pytest.approx(1000 * 700, rel=1e-9)
    polys = shapely.polygons([shapely.LinearRing(c) for c in cells])
    assert shapely.union_all(polys).area == pytest.approx(1000 * 700, rel=1e-9)
    assert np.all(shapely.covers(polys, shapely.points(p)))
    # each cell vertex is no closer to any other site than to its own (the Voronoi property)
    from scipy.spatial import cKDTree
    tree = cKDTree(p)
    for i in range(0, 500, 25):
        d, _ = tree.query(cells[i])
        assert np.allclose(np.hypot(*(cells[i] - p[i]).T), d, atol=1e-6)


def test_single_point_cell_is_the_box():
    (cell,) = voronoi_cells([[10.0, 20.0]], (0, 0, 50, 40))
    assert polygon_area(cell) == pytest.approx(2000)


def test_clip_to_polygon_with_hole():
    outer = np.array([[0, 0], [600, 0], [600, 600], [300, 450], [0, 600]], float)
    hole = np.array([[200, 200], [400, 200], [400, 300], [200, 300]], float)
    region = shapely.Polygon(outer, [hole])
    rng = np.random.default_rng(3)
    q = rng.random((4000, 2)) * 600
    p = q[shapely.contains(region, shapely.points(q))][:150]
    cells = voronoi_cells(p, polygon=outer, holes=[hole])
    areas = np.array([abs(polygon_area(c)) for c in cells])
    assert areas.sum() == pytest.approx(region.area, rel=1e-6)
    polys = shapely.polygons([shapely.LinearRing(c) for c in cells])
    assert np.all(shapely.within(polys, region.buffer(1e-6)))


def test_lloyd_converges_and_evens_out_spacing():
    p = pts(300, 4)
    r = lloyd(p, BOX, iterations=40)
    assert r.iterations == 40
    assert r.movement[-1] < 0.1 * r.movement[0]
    assert np.all(np.diff(r.movement[5:]) < 0.05 * r.movement[0])  # settles
    from scipy.spatial import cKDTree
    nn = lambda q: cKDTree(q).query(q, k=2)[0][:, 1]  # noqa: E731
    # relaxed points are evenly spread: nearest-neighbour distances become uniform
    assert nn(r.points).std() / nn(r.points).mean() < 0.5 * nn(p).std() / nn(p).mean()
    assert np.all((r.points > 0) & (r.points < [1000, 700]))
    early = lloyd(p, BOX, iterations=500, tol=0.5)
    assert early.iterations < 500 and early.max_movement[-1] < 0.5


@pytest.mark.parametrize("call,name", [
    (lambda: voronoi_cells([[0, 1], [np.nan, 2]], BOX), "points"),
    (lambda: voronoi_cells([[1, 1], [1, 1]], BOX), "points"),
    (lambda: voronoi_cells([[1, 1], [2000, 1]], BOX), "points"),
    (lambda: voronoi_cells([[1, 1]], (0, 0, -5, 10)), "bounds"),
    (lambda: voronoi_cells(np.zeros((3, 3)), BOX), "points"),
    (lambda: voronoi_cells([[1, 1]], polygon=[[0, 0], [1, 1], [2, 2]]), "polygon"),
    (lambda: delaunay([[0, 0], [1, 1], [2, 2]]), "points"),
    (lambda: delaunay([[0, 0], [1, 1]]), "points"),
    (lambda: lloyd(pts(10), BOX, iterations=-1), "iterations"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        call()
