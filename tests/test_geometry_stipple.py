"""Weighted Voronoi stippling: dot density follows the image, the dots converge (centroid
movement falls every iteration), white stays white; bad input."""
from __future__ import annotations

import numpy as np
import pytest

from gencraft.geometry import stipple


def gradient(rows=120, cols=160):
    return np.tile(np.linspace(0.05, 1.0, cols), (rows, 1))


def test_density_follows_the_image():
    img = gradient()
    s = stipple(img, 3000, seed=1, iterations=25)
    assert s.points.shape == (3000, 2)
    # dots per column band against the image's mass per band
    bands = np.histogram(s.points[:, 0], bins=8, range=(0, 160))[0]
    mass = img.sum(axis=0).reshape(8, -1).sum(axis=1)
    assert np.corrcoef(bands, mass)[0, 1] > 0.98
    assert bands / bands.sum() == pytest.approx(mass / mass.sum(), abs=0.02)


def test_two_tones_get_proportional_dot_counts():
    img = np.full((100, 200), 0.2)
    img[:, :100] = 0.8  # left four times as dark
    s = stipple(img, 2000, seed=2, iterations=20)
    left = np.sum(s.points[:, 0] < 100)
    assert left / (2000 - left) == pytest.approx(4.0, rel=0.15)
    # the cells' mean density is returned for sizing dots
    assert np.median(s.weight[s.points[:, 0] < 90]) == pytest.approx(0.8)


def test_converges_and_reports_movement():
    yy, xx = np.mgrid[0:150, 0:150]
    img = np.exp(-((xx - 75) ** 2 + (yy - 75) ** 2) / 1500.0)
    s = stipple(img, 400, seed=3, iterations=40, tol=0.0)
    assert s.iterations == 40 and s.movement.shape == (40,)
    assert s.movement[-1] < 0.1 * s.movement[0]
    assert s.max_movement[-1] < s.max_movement[0]
    early = stipple(img, 400, seed=3, iterations=400, tol=0.2)
    assert early.iterations < 400 and early.max_movement[-1] < 0.2
    # spacing evens out: nearest-neighbour distances in the flat centre are uniform
    from scipy.spatial import cKDTree
    c = s.points[np.hypot(s.points[:, 0] - 75, s.points[:, 1] - 75) < 20]
    d = cKDTree(s.points).query(c, k=2)[0][:, 1]
    assert d.std() / d.mean() < 0.2


def test_white_stays_white_and_coordinates_scale():
    img = np.zeros((100, 100))
    img[20:80, 20:80] = 1.0
    s = stipple(img, 800, seed=4, width=500, height=500)
    assert np.all((s.points >= 100 - 1e-9) & (s.points <= 400 + 1e-9))
    f = stipple(lambda x, y: (x > 250).astype(float), 300, seed=4, width=500, height=200)
    assert np.all(f.points[:, 0] > 250 - 2)


def test_seeded():
    a = stipple(gradient(), 500, seed=5, iterations=5)
    b = stipple(gradient(), 500, seed=5, iterations=5)
    c = stipple(gradient(), 500, seed=6, iterations=5)
    assert np.array_equal(a.points, b.points) and not np.array_equal(a.points, c.points)


@pytest.mark.parametrize("kwargs,name", [
    (dict(density=-np.ones((5, 5))), "density"), (dict(density=np.zeros((5, 5))), "density"),
    (dict(density=np.full((5, 5), np.nan)), "density"), (dict(density=np.ones((5, 5, 3))), "density"),
    (dict(n=0), "n"), (dict(iterations=-1), "iterations"), (dict(seed=None), "seed"),
    (dict(supersample=0), "supersample"), (dict(width=-1.0), "width"),
    (dict(density=lambda x, y: x), "width"),
])
def test_bad_input(kwargs, name):
    args = dict(density=np.ones((10, 10)), n=20, seed=1) | kwargs
    with pytest.raises(ValueError, match=rf"^{name}"):
        stipple(args.pop("density"), args.pop("n"), **args)
