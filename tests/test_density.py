"""Density rendering: histograms, chunked attractor binning, tone mapping (datashader's eq_hist), shading."""
from __future__ import annotations

import subprocess
import sys

import numba
import numpy as np
import pytest

from gencraft.draw.canvas import Canvas
from gencraft.errors import UserError
from gencraft.particles import (attractor_density, clifford, composite, eq_hist, histogram, histogram_segments,
                                shade, tone_map)


def test_histogram_bins_points_exactly():
    x = np.array([0.1, 0.9, 1.5, 3.99, 4.0, -0.1, 2.2])
    y = np.array([0.1, 0.2, 1.5, 1.99, 0.5, 0.5, 1.0])
    h = histogram(x, y, 4, 2, bounds=(0, 0, 4, 2))
    expect = np.zeros((2, 4))
    expect[0, 0] = 2          # (0.1,0.1), (0.9,0.2)
    expect[1, 1] = 1          # (1.5,1.5)
    expect[1, 3] = 1          # (3.99,1.99); x=4.0 and x=-0.1 fall outside
    expect[1, 2] = 1          # (2.2,1.0)
    assert np.array_equal(h, expect)
    w = histogram(x, y, 4, 2, bounds=(0, 0, 4, 2), weights=np.arange(7.0))
    assert w[0, 0] == 0 + 1 and w[1, 2] == 6


def test_histogram_segments_measures_length_per_pixel():
    coords = np.array([[0.5, 2.5], [10.5, 2.5], [3.5, 0.2], [3.5, 4.8]])
    h = histogram_segments(coords, np.array([0, 2, 4]), 12, 5)
    assert h.sum() == pytest.approx(10.0 + 4.6)
    # sampled every <= 0.5 px, so per-pixel values are close to the length inside the pixel
    assert np.allclose(h[2, [1, 2, 4, 6, 7, 8, 9]], 1.0, atol=0.1) and h[0].sum() == pytest.approx(0.8, abs=0.1)
    assert h[2, 11] == 0 and (h[[0, 1, 3, 4]][:, [0, 1, 2, 4, 5]] == 0).all()


def test_attractor_density_counts_every_point_and_ignores_thread_count():
    bounds = (-3.0, -3.0, 3.0, 3.0)  # Clifford stays within |x|, |y| <= 1 + |c|, 1 + |d|
    h, b = attractor_density("clifford", (-1.4, 1.6, 1.0, 0.7), 300_001, 64, 64, bounds=bounds, orbits=5)
    assert h.sum() == 300_001 and b == bounds
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        h1, _ = attractor_density("clifford", (-1.4, 1.6, 1.0, 0.7), 300_001, 64, 64, bounds=bounds, orbits=5)
    finally:
        numba.set_num_threads(old)
    assert np.array_equal(h, h1)
    # the same points as iterating one orbit and binning it
    x, y = clifford(-1.4, 1.6, 1.0, 0.7, 20_000, 0.1, 0.1)
    one, _ = attractor_density("clifford", (-1.4, 1.6, 1.0, 0.7), 20_000, 64, 64, bounds=bounds, orbits=1,
                               burn=0, x0=0.1, y0=0.1)
    assert np.array_equal(one, histogram(x, y, 64, 64, bounds=bounds))


def test_attractor_density_errors():
    with pytest.raises(UserError, match="unknown attractor"):
        attractor_density("lorenz", None, 10, 8, 8)
    with pytest.raises(UserError, match="diverges"):
        attractor_density("tinkerbell", (3.0, 3.0, 3.0, 3.0), 1000, 8, 8)
    with pytest.raises(UserError, match="histogram would need"):
        attractor_density("clifford", None, 10, 1_000_000, 1_000_000)


def _datashader_eq_hist(data, mask):
    """datashader.transfer_functions.eq_hist for integer data, written out."""
    values, counts = np.unique(data[~mask], return_counts=True)
    cdf = counts.cumsum() / counts.sum()
    return np.where(mask, np.nan, np.interp(data, values, cdf))


def test_eq_hist_matches_datashader_reference():
    rng = np.random.default_rng(1)
    data = rng.geometric(0.05, (40, 30)).astype(float) * (rng.random((40, 30)) > 0.3)
    mask = data == 0
    ours = eq_hist(data, mask)
    assert np.allclose(ours, _datashader_eq_hist(data, mask), equal_nan=True)
    floats = rng.lognormal(size=5000)
    ranks = eq_hist(floats)  # float path: close to the empirical CDF
    assert np.abs(ranks - (np.argsort(np.argsort(floats)) + 1) / 5000).max() < 0.01


@pytest.mark.parametrize("how,f", [("linear", lambda v: v), ("log", np.log1p), ("cbrt", np.cbrt)])
def test_tone_maps_rescale_nonempty_to_unit_range(how, f):
    agg = np.array([[0.0, 1.0, 10.0], [100.0, 0.0, 1000.0]])
    t = tone_map(agg, how)
    assert np.isnan(t[0, 0]) and np.isnan(t[1, 1])
    fv = f(agg[agg > 0])
    assert np.allclose(t[agg > 0], (fv - fv.min()) / (fv.max() - fv.min()))


def test_tone_map_eq_hist_spreads_a_heavy_tail():
    agg = np.array([1.0, 2.0, 3.0, 1e6])
    t = tone_map(agg, "eq_hist")
    assert np.allclose(t, [0.0, 1 / 3, 2 / 3, 1.0])  # ranks, not magnitudes
    with pytest.raises(UserError, match="unknown tone mapping 'gama'"):
        tone_map(agg, "gama")
    with pytest.raises(UserError, match="NaN"):
        tone_map(np.array([1.0, np.nan]), "log")


def test_shade_and_composite():
    agg = np.zeros((4, 4))
    agg[1, 1], agg[2, 2] = 1.0, 50.0
    rgba = shade(agg, ["#000000", "#ff0000"], "linear")
    assert rgba[0, 0, 3] == 0.0 and rgba[1, 1, 3] == 1.0
    assert np.allclose(rgba[1, 1, :3], 0.0) and np.allclose(rgba[2, 2, :3], [1.0, 0.0, 0.0])
    c = Canvas(4, 4)
    c.background("#ffffff")
    composite(c, agg, ["#000000", "#ff0000"], "linear")
    px = c.to_array()
    assert tuple(px[0, 0]) == (255, 255, 255, 255) and tuple(px[2, 2]) == (255, 0, 0, 255)
    assert tuple(px[1, 1]) == (0, 0, 0, 255)


@pytest.mark.slow
def test_hundred_million_points_render_in_bounded_memory():
    code = (
        "import numpy as np\n"
        "from gencraft.particles import attractor_density, shade\n"
        "h, b = attractor_density('dejong', None, 100_000_000, 800, 800, bounds=(-2.5, -2.5, 2.5, 2.5))\n"
        "assert h.sum() == 100_000_000, h.sum()\n"
        "shade(h, 'ember')\n"
        # VmHWM is this process image's own peak: ru_maxrss would also count the
        # pytest parent's memory, which Linux carries across fork + exec
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    peak_mb = int(r.stdout.strip().splitlines()[-1]) / 1024
    assert peak_mb < 800  # the points alone would be 1.6 GB as float64 arrays
