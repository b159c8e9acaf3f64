"""Watercolour layering: deterministic, bounded, shaped like the polygon it starts from."""
import numpy as np
import pytest

from gencraft import sim


def _area(p):
    x, y = p[:, 0], p[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def test_layers_counts_and_shapes():
    poly = sim.regular_polygon(10, 100.0, (300, 300))
    w = sim.watercolour(poly, seed=1, layers=30, base_depth=3, layer_depth=3, holes=20)
    assert len(w) == 30 and len(w.holes) == 30
    assert w.base.shape == (10 * 2 ** 3, 2)
    assert all(p.shape == (10 * 2 ** 6, 2) for p in w.polygons)
    assert all(h.shape == (20, 3) and (h[:, 2] > 0).all() for h in w.holes)
    assert w.vertex_count == 30 * 640


def test_deterministic_and_seeded():
    poly = sim.regular_polygon(8, 50.0)
    a = sim.watercolour(poly, seed=5, layers=12)
    b = sim.watercolour(poly, seed=5, layers=12)
    c = sim.watercolour(poly, seed=6, layers=12)
    assert all(np.array_equal(x, y) for x, y in zip(a.polygons, b.polygons))
    assert all(np.array_equal(x, y) for x, y in zip(a.holes, b.holes))
    assert not np.array_equal(a.polygons[0], c.polygons[0])
    state = np.random.get_state()[1].copy()
    sim.watercolour(poly, seed=5, layers=3)
    assert (np.random.get_state()[1] == state).all()


def test_bounded_near_the_polygon():
    # paint bleeds, but stays near the shape: every layer's centroid and extent stay close
    poly = sim.regular_polygon(10, 100.0, (500, 500))
    for seed in range(5):
        w = sim.watercolour(poly, seed=seed, layers=40, spread=0.25, edge_variation=1.0)
        for p in w.polygons:
            assert np.isfinite(p).all()
            assert np.abs(p - 500).max() < 100 * 2.5
            assert np.hypot(*(p.mean(0) - 500)) < 60
            assert (np.ptp(p, 0) > 0.6 * np.ptp(poly, 0)).all()   # not collapsed


def test_zero_spread_keeps_the_polygon():
    poly = sim.regular_polygon(6, 10.0)
    p, w = sim.deform(poly, depth=2, spread=0.0, rng=np.random.default_rng(0))
    assert p.shape == (24, 2)
    assert np.allclose(p[::4], poly)                        # originals kept, in order
    assert np.allclose(p[2::4], 0.5 * (poly + np.roll(poly, -1, 0)))  # midpoints on the edges
    assert _area(p) == pytest.approx(_area(poly))


def test_edges_shrink_each_round():
    poly = sim.regular_polygon(10, 100.0)
    rng = np.random.default_rng(3)
    p, w = poly, None
    lengths = []
    for _ in range(6):
        p, w = sim.deform(p, depth=1, spread=0.25, rng=rng, weights=w)
        lengths.append(np.hypot(*(np.roll(p, -1, 0) - p).T).mean())
    assert all(b < a for a, b in zip(lengths, lengths[1:]))


@pytest.mark.parametrize("kwargs, match", [
    (dict(polygon=[[0, 0], [1, 0]]), r"polygon must be an \(n, 2\) array of at least 3 vertices"),
    (dict(polygon=[[0, 0], [1, 0], [0, np.inf]]), r"polygon must be finite: found NaN or inf at row 2"),
    (dict(layers=-1), r"layers must be an integer from 0 to 10,000"),
    (dict(base_depth=18), r"base_depth=18 would give 2,621,440 vertices"),
    (dict(layer_depth=15), r"layer_depth \+ base_depth=18 would give"),
    (dict(spread=0.9), r"spread must be a number from 0 to 0.25"),
    (dict(holes=10**6), r"holes must be an integer from 0 to 100,000"),
])
def test_bad_input(kwargs, match):
    args = dict(polygon=sim.regular_polygon(10, 1.0), seed=0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        sim.watercolour(args.pop("polygon"), **args)
