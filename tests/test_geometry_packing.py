"""Circle packing: the geometric guarantees (no overlap, inside, radii, mask, density) checked
independently of the engine with a k-d tree, plus bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial import cKDTree

from gencraft.geometry import coverage, pack_circles


def overlaps(c: np.ndarray, margin: float = 0.0) -> int:
    """Pairs closer than r1 + r2 + margin (brute force over k-d tree candidates)."""
    if len(c) < 2:
        return 0
    pairs = cKDTree(c[:, :2]).query_pairs(2 * c[:, 2].max() + margin, output_type="ndarray")
    d = np.hypot(*(c[pairs[:, 0], :2] - c[pairs[:, 1], :2]).T)
    return int(np.sum(d < c[pairs[:, 0], 2] + c[pairs[:, 1], 2] + margin - 1e-9))


def inside(c: np.ndarray, w: float, h: float) -> bool:
    x, y, r = c.T
    return bool(np.all((x - r >= -1e-9) & (y - r >= -1e-9) & (x + r <= w + 1e-9) & (y + r <= h + 1e-9)))


@pytest.mark.parametrize("w,h,r_min,r_max,margin", [
    (1000, 1000, 10, 10, 0.0),     # one radius: random packing jams near 54 %
    (1000, 600, 4, 60, 0.0),
    (500, 900, 2, 25, 1.5),
    (300, 300, 1, 3, 0.0),
])
def test_no_overlap_inside_radii(w, h, r_min, r_max, margin):
    c = pack_circles(w, h, r_min, r_max, seed=11, margin=margin)
    assert c.dtype == np.float64 and c.shape[1] == 3 and len(c) > 50
    assert overlaps(c, margin) == 0
    assert inside(c, w, h)
    assert c[:, 2].min() >= r_min - 1e-12 and c[:, 2].max() <= r_max + 1e-12


@pytest.mark.parametrize("r_min,r_max", [(10, 10), (5, 5), (10, 40), (2, 50), (1, 8)])
def test_dense_when_r_min_is_one_percent_of_width_or_less(r_min, r_max):
    c = pack_circles(1000, 1000, r_min, r_max, seed=3)
    assert coverage(c, 1000, 1000) >= 0.5
    if r_min < r_max:
        assert coverage(c, 1000, 1000) >= 0.7


def test_spread_of_radii_fills_the_gaps():
    c = pack_circles(1000, 1000, 3, 60, seed=5)
    # the big circles land first, small ones fill the gaps: both ends of the range are used
    assert c[:, 2].max() == pytest.approx(60)
    assert np.mean(c[:, 2] < 6) > 0.5
    assert c[0, 2] > c[-1, 2]


def test_maximal_no_room_left_for_r_min():
    w = h = 1000.0
    r_min = 5.0
    c = pack_circles(w, h, r_min, 30, seed=1)
    q = np.random.default_rng(5).random((20000, 2)) * [w, h]
    d, i = cKDTree(c[:, :2]).query(q, k=8)
    free = np.minimum(np.min(d - c[i, 2], axis=1), np.minimum.reduce([q[:, 0], q[:, 1], w - q[:, 0], h - q[:, 1]]))
    assert np.mean(free >= r_min) < 0.005


def test_same_seed_same_packing_other_seed_other_packing():
    a = pack_circles(400, 400, 2, 20, seed=9)
    b = pack_circles(400, 400, 2, 20, seed=9)
    c = pack_circles(400, 400, 2, 20, seed=10)
    assert np.array_equal(a, b)
    assert len(a) != len(c) or not np.array_equal(a, c)
    g = pack_circles(400, 400, 2, 20, seed=np.random.default_rng(9))
    assert np.array_equal(g, a)  # a Generator seeded alike gives the same draws


def test_max_circles_and_margin():
    c = pack_circles(500, 500, 2, 30, seed=2, max_circles=123)
    assert len(c) == 123
    c = pack_circles(500, 500, 2, 30, seed=2, margin=4.0)
    assert overlaps(c, 4.0) == 0


def disc_mask(n=400):
    yy, xx = np.mgrid[0:n, 0:n]
    return (xx + 0.5 - n / 2) ** 2 + (yy + 0.5 - n / 2) ** 2 < (0.4 * n) ** 2


def points_on_discs(c, k=16):
    """The centre and k points on the rim of every circle."""
    a = np.linspace(0, 2 * np.pi, k, endpoint=False)
    rim = c[:, None, :2] + c[:, None, 2:3] * np.stack([np.cos(a), np.sin(a)], axis=-1)[None] * 0.999
    return np.concatenate([c[:, :2], rim.reshape(-1, 2)])


def test_mask_image_keeps_every_circle_inside():
    mask = disc_mask()
    c = pack_circles(800, 800, 3, 40, seed=4, mask=mask)
    pts = points_on_discs(c)
    i = np.clip((pts[:, 1] / 2).astype(int), 0, 399)
    j = np.clip((pts[:, 0] / 2).astype(int), 0, 399)
    assert mask[i, j].all()
    assert overlaps(c) == 0
    # and it fills the disc densely
    disc_area = math.pi * 320**2
    assert np.pi * np.sum(c[:, 2] ** 2) / disc_area > 0.6


def test_mask_callable_and_float_image():
    def ring(x, y):
        d = np.hypot(x - 300, y - 300)
        return (d > 120) & (d < 260)

    c = pack_circles(600, 600, 2, 25, seed=1, mask=ring)
    d = np.hypot(c[:, 0] - 300, c[:, 1] - 300)
    assert np.all(d - c[:, 2] > 120 - 1e-6) and np.all(d + c[:, 2] < 260 + 1e-6)
    left = np.zeros((50, 100))
    left[:, :50] = 1.0  # a float image: > 0.5 is inside
    c = pack_circles(1000, 500, 3, 30, seed=1, mask=left)
    assert np.all(c[:, 0] + c[:, 2] <= 500 + 1e-9)


def test_radius_field_sets_the_local_largest_radius():
    field = lambda x, y: x / 1000.0  # noqa: E731 - small left, big right
    c = pack_circles(1000, 400, 2, 40, seed=6, radius_field=field)
    cap = 2 + 38 * c[:, 0] / 1000.0
    assert np.all(c[:, 2] <= cap + 38 * 2 / 1000.0 + 1e-9)  # within one sample of the field
    left, right = c[c[:, 0] < 300, 2], c[c[:, 0] > 700, 2]
    assert left.max() <= 2 + 38 * 0.3 + 0.1 and right.max() > 30
    # area-weighted mean radius: the covered area on the right is in far bigger circles
    assert np.sum(right ** 3) / np.sum(right ** 2) > 2 * np.sum(left ** 3) / np.sum(left ** 2)
    assert len(left) > 2 * len(right)


@pytest.mark.parametrize("kwargs,name", [
    (dict(r_min=0.0), "r_min"), (dict(r_min=-1.0), "r_min"), (dict(r_min=30.0, r_max=10.0), "r_min"),
    (dict(r_min=float("nan")), "r_min"), (dict(width=float("nan")), "width"), (dict(height=0), "height"),
    (dict(r_max=float("inf")), "r_max"), (dict(margin=-1.0), "margin"), (dict(max_circles=-3), "max_circles"),
    (dict(seed=None), "seed"), (dict(seed=1.5), "seed"), (dict(mask=np.zeros((10, 10), bool)), "mask"),
    (dict(mask=np.ones(10)), "mask"), (dict(mask=np.full((5, 5), np.nan)), "mask"),
    (dict(r_min=200.0, r_max=300.0), "r_min"), (dict(radius_field=np.ones((2, 2, 2))), "radius_field"),
    (dict(mask=lambda x, y: 1 / 0), "mask"),
])
def test_bad_input_is_one_value_error_naming_the_argument(kwargs, name):
    args = dict(width=300.0, height=300.0, r_min=2.0, r_max=10.0, seed=1) | kwargs
    w, h, r0, r1 = args.pop("width"), args.pop("height"), args.pop("r_min"), args.pop("r_max")
    with pytest.raises(ValueError, match=rf"^{name}"):
        pack_circles(w, h, r0, r1, **args)


def test_mask_too_thin_for_r_min_is_an_error():
    thin = np.zeros((100, 100), bool)
    thin[50, :] = True  # one pixel row: 3 units tall on a 300 canvas
    with pytest.raises(ValueError, match="^mask: no part"):
        pack_circles(300, 300, 10, 20, seed=1, mask=thin)


@pytest.mark.slow
def test_hundred_thousand_circles():
    c = pack_circles(1000, 1000, 1.0, 1.6, seed=1)
    assert len(c) > 100_000
    assert overlaps(c) == 0 and inside(c, 1000, 1000)
