"""Recursive subdivision: the cells are a partition of the rectangle (areas sum exactly, no
overlap — checked with shapely's union), depths and ids are consistent, rules are obeyed."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from gencraft.geometry import Cells, subdivide

W, H = 800.0, 600.0


def union_area(cells: Cells) -> float:
    return shapely.union_all(shapely.polygons(cells.polygons)).area


@pytest.mark.parametrize("shape", ["rect", "quad", "triangle"])
@pytest.mark.parametrize("direction", ["longest", "random", "alternate"])
def test_cells_tile_the_rectangle_exactly(shape, direction):
    cells = subdivide(W, H, seed=7, shape=shape, direction=direction, max_depth=7, stop=0.2, skew=0.2
                      if shape == "quad" else 0.0)
    assert len(cells) > 10
    assert cells.polygons.shape[1:] == ((3, 2) if shape == "triangle" else (4, 2))
    assert cells.areas.sum() == pytest.approx(W * H, rel=1e-12)
    assert union_area(cells) == pytest.approx(W * H, rel=1e-9)  # no overlaps, no gaps
    assert cells.polygons[..., 0].min() >= 0 and cells.polygons[..., 0].max() <= W
    assert cells.polygons[..., 1].min() >= 0 and cells.polygons[..., 1].max() <= H
    assert np.all(cells.areas > 0)
    # every quad cell stays convex (cuts join points on opposite edges of a convex quad)
    if shape == "quad":
        assert np.all(shapely.area(shapely.convex_hull(shapely.polygons(cells.polygons))) - cells.areas < 1e-6)


def test_depth_and_heap_ids():
    cells = subdivide(W, H, seed=3, max_depth=6, min_depth=2, stop=0.3)
    assert len(np.unique(cells.cell_id)) == len(cells)
    assert np.all((cells.depth >= 2) & (cells.depth <= 6))
    # a heap id's bit length encodes the depth
    bits = np.array([int(i).bit_length() - 1 for i in cells.cell_id])
    assert np.array_equal(bits, cells.depth)
    # siblings (same id >> 1) share an edge: their union is one rectangle
    ids = {int(i): k for k, i in enumerate(cells.cell_id)}
    pairs = [(ids[i], ids[i ^ 1]) for i in ids if i % 2 == 0 and (i ^ 1) in ids]
    assert pairs
    for a, b in pairs:
        u = shapely.union(shapely.Polygon(cells.polygons[a]), shapely.Polygon(cells.polygons[b]))
        assert u.area == pytest.approx(u.envelope.area)


def test_stop_rules_count_cells():
    assert len(subdivide(W, H, seed=1, max_depth=5, stop=0.0)) == 32
    assert len(subdivide(W, H, seed=1, max_depth=5, min_depth=0, stop=1.0)) == 1
    # per-depth stop probabilities: never stop before depth 3, always stop at 3
    cells = subdivide(W, H, seed=1, max_depth=9, min_depth=0, stop=[0, 0, 0, 1])
    assert len(cells) == 8 and set(cells.depth) == {3}
    tri = subdivide(W, H, seed=1, shape="triangle", max_depth=4, stop=0.0)
    assert len(tri) == 16 and set(tri.depth) == {4}


def test_ratio_snap_and_min_size():
    one = subdivide(900, 300, seed=5, max_depth=1, stop=0.0, ratio=(0.1, 0.9), snap=3)
    # the longest side (x) is cut at a third or two thirds
    cut = one.polygons[0][:, 0].max()
    assert cut in (300.0, 600.0)
    fixed = subdivide(W, H, seed=5, max_depth=8, stop=0.0, ratio=0.5, min_size=40)
    b = fixed.bounds
    assert np.all(np.minimum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) >= 40)
    assert fixed.areas.sum() == pytest.approx(W * H, rel=1e-12)


def test_seeded():
    a = subdivide(W, H, seed=11, max_depth=6)
    b = subdivide(W, H, seed=np.random.default_rng(11), max_depth=6)
    c = subdivide(W, H, seed=12, max_depth=6)
    assert np.array_equal(a.polygons, b.polygons) and np.array_equal(a.cell_id, b.cell_id)
    assert len(a) != len(c) or not np.array_equal(a.polygons, c.polygons)


@pytest.mark.parametrize("kwargs,name", [
    (dict(width=0), "width"), (dict(height=float("nan")), "height"), (dict(shape="hex"), "shape"),
    (dict(direction="up"), "direction"), (dict(max_depth=-1), "max_depth"), (dict(max_depth=99), "max_depth"),
    (dict(stop=1.5), "stop"), (dict(stop=[]), "stop"), (dict(ratio=(0.7, 0.3)), "ratio"),
    (dict(ratio=1.0), "ratio"), (dict(ratio=(0.4, 0.45), snap=2), "snap"), (dict(skew=0.6), "skew"),
    (dict(min_size=-1), "min_size"), (dict(seed="x"), "seed"),
    (dict(max_depth=20, stop=0.0, max_cells=1000), "max_cells"),
])
def test_bad_input(kwargs, name):
    args = dict(width=W, height=H, seed=1) | kwargs
    with pytest.raises(ValueError, match=rf"^{name}"):
        subdivide(args.pop("width"), args.pop("height"), **args)
