"""Hatching: lines stay inside the polygon and out of its holes, the spacing is exact, tone
follows the density image through the spacing map, hidden lines are removed; bad input."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
import shapely

from gencraft.geometry import clip_lines, cross_hatch, hatch, hatch_density, hidden_lines, spacing_map

SQUARE = np.array([[0, 0], [100, 0], [100, 100], [0, 100]], float)
HOLE = np.array([[30, 30], [70, 30], [70, 70], [30, 70]], float)
STAR = np.array([[50 + r * math.cos(a), 50 + r * math.sin(a)]
                 for a, r in zip(np.linspace(0, 2 * math.pi, 10, endpoint=False), [45, 18] * 5)])


def seg_lengths(s):
    return np.hypot(*(s[:, 1] - s[:, 0]).T)


def assert_inside(segs, region):
    lines = shapely.linestrings(segs)
    assert np.all(shapely.distance(shapely.points(segs.reshape(-1, 2)), region) < 1e-7)
    grown = region.buffer(1e-7)
    assert np.all(shapely.within(lines, grown))


@pytest.mark.parametrize("angle", [0.0, 0.3, math.pi / 4, 1.2, -2.0])
def test_lines_inside_polygon_and_not_in_holes(angle):
    s = hatch(SQUARE, 5.0, angle, holes=[HOLE])
    region = shapely.Polygon(SQUARE, [HOLE])
    assert len(s) > 20
    assert_inside(s, region)
    assert not np.any(shapely.intersects(shapely.linestrings(s), shapely.Polygon(HOLE).buffer(-1e-6)))
    # the hatch covers the region: total length ~ area / spacing
    assert seg_lengths(s).sum() == pytest.approx(region.area / 5.0, rel=0.05)


def test_spacing_and_angle_are_exact():
    s = hatch(SQUARE, 10.0, 0.0, offset=5.0)
    assert len(s) == 10
    assert np.allclose(np.sort(s[:, 0, 1]), np.arange(5, 100, 10))
    assert np.allclose(seg_lengths(s), 100.0)
    a = 0.7
    s = hatch(STAR, 3.0, a)
    d = s[:, 1] - s[:, 0]
    assert np.allclose(np.abs(np.sin(np.arctan2(d[:, 1], d[:, 0]) - a)), 0, atol=1e-9)
    # distance between neighbouring lines across the hatch direction is the spacing
    normal = np.array([-math.sin(a), math.cos(a)])
    levels = np.unique(np.round(s[:, 0] @ normal, 6))
    assert np.allclose(np.diff(levels), 3.0, atol=1e-6)
    assert_inside(s, shapely.Polygon(STAR))


def test_serpentine_alternates_direction():
    s = hatch(SQUARE, 10.0, 0.0, serpentine=True)
    dirs = np.sign(s[:, 1, 0] - s[:, 0, 0])
    assert set(dirs[::2]) != set(dirs[1::2])


def test_cross_hatch_has_both_directions():
    s = cross_hatch(SQUARE, 10.0, 0.25, layers=2)
    ang = np.round(np.mod(np.arctan2(*(s[:, 1] - s[:, 0]).T[::-1]), math.pi), 6)
    assert len(np.unique(ang)) == 2
    assert seg_lengths(s).sum() == pytest.approx(2 * 100 * 100 / 10, rel=0.05)


def test_density_image_sets_the_spacing():
    img = np.zeros((100, 100))
    img[:, 50:] = 1.0  # right half black
    s = hatch_density(SQUARE, img, 2.0, 16.0, 0.0)
    lines = shapely.linestrings(s)
    right = shapely.length(shapely.intersection(lines, shapely.box(50, 0, 100, 100))).sum()
    left = shapely.length(shapely.intersection(lines, shapely.box(0, 0, 50, 100))).sum()
    # length per area = 1 / spacing: 1/2 on the right, 1/16 on the left
    assert right == pytest.approx(50 * 100 / 2.0, rel=0.06)
    assert left == pytest.approx(50 * 100 / 16.0, rel=0.2)  # 7 of 50 lines (k = 0 mod 8) + run ends
    assert spacing_map(img, 2.0, 16.0)[0, 0] == 16.0 and spacing_map(img, 2.0, 16.0)[0, 99] == 2.0
    # a mid tone: spacing from the map, lines evenly spread (van der Corput ranking)
    grey = np.full((10, 10), 1 / 3)
    sp = spacing_map(grey, 2.0, 8.0)[0, 0]
    assert sp == pytest.approx(4.0)
    g = hatch_density(SQUARE, grey, 2.0, 8.0, 0.0, width=100, height=100)
    assert np.allclose(np.diff(np.unique(np.round(g[:, 0, 1], 6))), 4.0)
    assert_inside(hatch_density(STAR, img, 1.0, 6.0, 0.4, width=100, height=100), shapely.Polygon(STAR))


def test_hidden_lines_are_removed():
    back = [np.array([[0, 50], [100, 50]], float), np.array([[50, 0], [50, 100]], float)]
    front_square = HOLE  # 30..70
    front_lines = hatch(HOLE, 5.0, 0.0)
    vis_back, vis_front = hidden_lines([(back, SQUARE), (front_lines, front_square)])
    # the back lines lose exactly the 40 units behind the front square, each
    total = sum(np.hypot(*np.diff(p, axis=0).T).sum() for p in vis_back)
    assert total == pytest.approx(2 * 60)
    for p in vis_back:
        mid = (p[0] + p[-1]) / 2
        assert not shapely.Polygon(HOLE).buffer(-1e-9).contains(shapely.Point(mid))
    # the front layer is not hidden by its own shape, nor by the layer behind
    assert sum(len(p) >= 2 for p in vis_front) == len(front_lines)
    # swapping the order: now the square is behind and nothing hides the long lines
    vis_front2, vis_back2 = hidden_lines([(front_lines, front_square), (back, None)])
    assert sum(np.hypot(*np.diff(p, axis=0).T).sum() for p in vis_back2) == pytest.approx(200)


def test_clip_lines_inside_and_outside():
    line = [np.array([[-10, 50], [110, 50]], float)]
    inside = clip_lines(line, SQUARE, holes=[HOLE])
    assert sorted(round(float(np.hypot(*np.diff(p, axis=0).T).sum()), 6) for p in inside) == [30.0, 30.0]
    outside = clip_lines(line, SQUARE, inside=False)
    assert sum(np.hypot(*np.diff(p, axis=0).T).sum() for p in outside) == pytest.approx(20.0)


@pytest.mark.parametrize("call,name", [
    (lambda: hatch([[0, 0], [1, 1], [2, 2]], 1.0), "polygon"),            # degenerate: no area
    (lambda: hatch([[0, 0], [1, 1]], 1.0), "polygon"),                    # too few vertices
    (lambda: hatch([[0, 0], [10, 10], [10, 0], [0, 10]], 1.0), "polygon"),  # bow tie
    (lambda: hatch([[0, 0], [np.nan, 1], [1, 0]], 1.0), "polygon"),
    (lambda: hatch(SQUARE, 0.0), "spacing"),
    (lambda: hatch(SQUARE, 1e-6), "spacing"),                              # too many lines
    (lambda: hatch(SQUARE, 1.0, float("nan")), "angle"),
    (lambda: hatch(SQUARE, 1.0, holes=[[[0, 0], [1, 1]]]), "holes"),
    (lambda: cross_hatch(SQUARE, 1.0, layers=0), "layers"),
    (lambda: hatch_density(SQUARE, np.ones((4, 4)), 5.0, 2.0), "spacing_min"),
    (lambda: hatch_density(SQUARE, lambda x, y: x, 1.0, 2.0), "width"),
    (lambda: hatch_density(SQUARE, np.ones(4), 1.0, 2.0), "density"),
    (lambda: hidden_lines([(np.zeros((1, 2)), None)]), "layers[0] lines"),
    (lambda: hidden_lines([([SQUARE], [[0, 0], [1, 1], [2, 2]])]), "layers[0] shape"),
    (lambda: hidden_lines([1]), "layers[0]"),
    (lambda: clip_lines([[[0, 0], [np.inf, 1]]], SQUARE), "lines"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match="^" + re.escape(name)):
        call()
