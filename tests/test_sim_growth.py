"""Differential growth: never self-intersecting, bounded, seeded, snapshots for animation."""
import numpy as np
import pytest

from gencraft import sim
from gencraft.sim.growth import _forces, numpy_forces


def brute_force_crossings(p, closed):
    """Independent O(n²) check: pairs of non-adjacent segments that intersect or touch."""
    n = len(p)
    m = n if closed else n - 1
    a = p[np.arange(m)]
    b = p[(np.arange(m) + 1) % n]

    def orient(p0, p1, q):
        return np.sign((p1[..., 0] - p0[..., 0]) * (q[..., 1] - p0[..., 1])
                       - (p1[..., 1] - p0[..., 1]) * (q[..., 0] - p0[..., 0]))

    A, B = a[:, None], b[:, None]
    C, D = a[None, :], b[None, :]
    o1, o2, o3, o4 = orient(A, B, C), orient(A, B, D), orient(C, D, A), orient(C, D, B)
    boxes = ((np.maximum(A[..., 0], B[..., 0]) >= np.minimum(C[..., 0], D[..., 0]))
             & (np.maximum(C[..., 0], D[..., 0]) >= np.minimum(A[..., 0], B[..., 0]))
             & (np.maximum(A[..., 1], B[..., 1]) >= np.minimum(C[..., 1], D[..., 1]))
             & (np.maximum(C[..., 1], D[..., 1]) >= np.minimum(A[..., 1], B[..., 1])))
    hit = boxes & (o1 != o2) & (o3 != o4)
    i, j = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
    adjacent = (i == j) | ((i + 1) % n == j) | ((j + 1) % n == i)
    if not closed:
        adjacent = (i == j) | (i + 1 == j) | (j + 1 == i)
    return int((hit & ~adjacent & (i < j)).sum())


def test_closed_growth_never_self_intersects():
    g = sim.grow(sim.circle(30, 12.0), steps=250, seed=7, snapshots=[0, 50, 150, 250])
    assert g.steps == 250 and not g.stopped
    assert len(g.points) > 400                                  # it grew
    for snap in g.snapshots:
        assert brute_force_crossings(snap, True) == 0
        assert sim.self_intersections(snap, True) == 0
    # the line stays even: no segment longer than max_edge after splitting
    seg = np.hypot(*(np.roll(g.points, -1, 0) - g.points).T)
    assert seg.max() <= 2.0 + 1e-9 and seg.min() > 0.05
    # area grows: the line wrinkles outwards
    assert np.ptp(g.points, 0).min() > 2 * 24.0


def test_open_growth_with_pinned_ends():
    line = np.stack([np.linspace(0, 40, 25), np.zeros(25)], 1)
    g = sim.grow(line, steps=200, seed=3, closed=False, snapshots=[200])
    assert brute_force_crossings(g.points, False) == 0
    assert (g.points[0] == line[0]).all() and (g.points[-1] == line[-1]).all()
    assert len(g.points) > 60 and np.abs(g.points[:, 1]).max() > 2.0


def test_a_crossing_move_is_undone():
    # two parallel open strands 1 apart, pushed into each other by a huge repulsion/move:
    # the guard must keep them apart
    a = np.stack([np.linspace(0, 10, 11), np.zeros(11)], 1)
    zig = np.concatenate([a, (a + [0, 1.0])[::-1]])
    g = sim.grow(zig, steps=8, seed=0, closed=True, max_edge=1.5, radius=4.0, repulsion=3.0,
                 attraction=0.0, max_move=2.0, growth=0.0)
    assert brute_force_crossings(g.points, True) == 0
    assert g.reverted > 0


def test_seeded_and_deterministic():
    a = sim.grow(sim.circle(20, 10.0), steps=80, seed=1)
    b = sim.grow(sim.circle(20, 10.0), steps=80, seed=1)
    c = sim.grow(sim.circle(20, 10.0), steps=80, seed=2)
    assert np.array_equal(a.points, b.points)
    assert len(a.points) != len(c.points) or not np.array_equal(a.points, c.points)
    state = np.random.get_state()[1].copy()
    sim.grow(sim.circle(20, 10.0), steps=5, seed=1)
    assert (np.random.get_state()[1] == state).all()


def test_snapshots_in_order_and_growing():
    g = sim.grow(sim.circle(20, 10.0), steps=120, seed=4, snapshots=[120, 0, 40, 80, 40])
    assert g.snapshot_steps == [0, 40, 80, 120]
    sizes = [len(s) for s in g.snapshots]
    assert sizes == sorted(sizes) and sizes[0] == 20 and sizes[-1] == len(g.points)
    assert np.array_equal(g.snapshots[-1], g.points)


def test_max_points_is_an_error_or_a_stop():
    with pytest.raises(ValueError, match=r"growth would exceed max_points=200 at step \d+ of 1,000"):
        sim.grow(sim.circle(30, 12.0), steps=1000, seed=1, max_points=200)
    g = sim.grow(sim.circle(30, 12.0), steps=1000, seed=1, max_points=200, on_limit="stop")
    assert g.stopped == "max_points" and len(g.points) <= 200 and g.steps < 1000
    with pytest.raises(ValueError, match=r"points has 30 rows, more than max_points=20"):
        sim.grow(sim.circle(30, 12.0), steps=10, seed=1, max_points=20)


@pytest.mark.parametrize("kwargs, match", [
    (dict(points=[[0, 0], [1, np.nan], [2, 0]]), r"points must be finite: found NaN or inf at row 1"),
    (dict(points=[[0, 0], [1, 1]]), r"at least 3 rows for a closed line"),
    (dict(points=np.zeros((5, 3))), r"points must be an \(n, 2\) array"),
    (dict(steps=-3), r"steps must be an integer from 0"),
    (dict(steps=10**8), r"steps must be an integer from 0 to 1,000,000"),
    (dict(max_edge=0.0), r"max_edge must be a finite number > 0"),
    (dict(radius=1.0), r"radius must be larger than max_edge=2"),
    (dict(growth=1.5), r"growth must be a probability"),
    (dict(max_points=10**9), r"max_points must be an integer from 3 to 2,000,000"),
    (dict(on_limit="wrap"), r"on_limit must be 'raise' or 'stop'"),
    (dict(snapshots=[5000]), r"snapshot step must be an integer from 0 to 100"),
    (dict(points=[[0, 0], [2, 2], [2, 0], [0, 2]]), r"does not cross itself"),
])
def test_bad_input(kwargs, match):
    args = dict(points=sim.circle(12, 8.0), steps=100, seed=0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        sim.grow(args.pop("points"), **args)


def test_forces_equal_all_pairs_numpy():
    g = sim.grow(sim.circle(40, 15.0), steps=60, seed=9)
    p = g.points
    out = np.empty_like(p)
    _forces(p, True, 5.0, 0.5, 0.04 * 5.0, True, out)
    ref = numpy_forces(p, True, 5.0, 0.5, 0.04 * 5.0)
    assert np.abs(out - ref).max() < 1e-12 and np.abs(ref).max() > 1e-3
