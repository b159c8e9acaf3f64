"""Noise engine: reference values, fractal sums, warping, curl, periodicity, errors."""
from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np
import opensimplex
import pytest
from numba import njit

from gencraft import noise
from gencraft.noise import kernels as k
from gencraft.errors import UserError

SAMPLES = Path(opensimplex.__file__).resolve().parent.parent / "tests" / "samples.json.gz"


def _samples():
    rows = [json.loads(line) for line in gzip.open(SAMPLES)]
    by_dim = {}
    for r in rows:
        by_dim.setdefault(len(r) - 1, []).append(r)
    return {d: np.array(v) for d, v in by_dim.items()}


# ------------------------------------------------------------ OpenSimplex compatibility
@pytest.mark.skipif(not SAMPLES.exists(), reason="opensimplex test vectors not installed")
def test_opensimplex_6144_vectors_arrays_and_scalars():
    s = _samples()
    assert sum(len(v) for v in s.values()) == 6144
    got2 = noise.simplex2(s[2][:, 0], s[2][:, 1], seed=0)
    got3 = noise.simplex3(s[3][:, 0], s[3][:, 1], s[3][:, 2], seed=0)
    got4 = noise.simplex4(s[4][:, 0], s[4][:, 1], s[4][:, 2], s[4][:, 3], seed=0)
    assert np.abs(got2 - s[2][:, 2]).max() <= 1e-12
    assert np.abs(got3 - s[3][:, 3]).max() <= 1e-12
    assert np.abs(got4 - s[4][:, 4]).max() <= 1e-12
    perm = k.perm_for_seed(0)
    for row in s[2][::50]:
        assert abs(k.simplex2_at(row[0], row[1], perm) - row[2]) <= 1e-12
    for row in s[4][::50]:
        assert abs(k.simplex4_at(row[0], row[1], row[2], row[3], perm) - row[4]) <= 1e-12


@pytest.mark.parametrize("seed", [0, 3, -1000000000, 1000000000, 2**40 + 7])
def test_matches_opensimplex_for_other_seeds(seed):
    ref = opensimplex.OpenSimplex(seed)
    rng = np.random.default_rng(seed % 1000)
    xs, ys = rng.uniform(-300, 300, 37), rng.uniform(-300, 300, 23)
    np.testing.assert_allclose(noise.simplex2(xs[None, :], ys[:, None], seed=seed),
                               ref.noise2array(xs, ys), rtol=0, atol=1e-12)
    np.testing.assert_allclose(noise.simplex2_grid(xs, ys, seed=seed), ref.noise2array(xs, ys), rtol=0, atol=1e-12)
    zs = rng.uniform(-50, 50, 5)
    np.testing.assert_allclose(noise.simplex3(xs[None, None, :], ys[None, :, None], zs[:, None, None], seed=seed),
                               ref.noise3array(xs, ys, zs), rtol=0, atol=1e-12)
    assert noise.simplex4(0.5, 1.5, -2.5, 3.25, seed=seed) == pytest.approx(ref.noise4(0.5, 1.5, -2.5, 3.25), abs=1e-12)
    assert isinstance(noise.simplex2(0.5, 0.5, seed=seed), float)


def test_seed_values_from_opensimplex_docs():
    # opensimplex's own seed tests: noise2(0.5, 0.5) for three seeds
    assert noise.simplex2(0.5, 0.5, seed=-1000000000) == -0.07384566459931621
    assert noise.simplex2(0.5, 0.5, seed=0) == -0.7752903093693847
    assert noise.simplex2(0.5, 0.5, seed=1000000000) == 0.014494483991342916


# ------------------------------------------------------------ Perlin 2002
_P = [int(v) for v in k.perm_for_seed(0)[512:768]] * 2


def _java_improved_noise(x, y, z):
    """Transliteration of Perlin's reference ImprovedNoise.java, for comparison."""
    fade = lambda t: t * t * t * (t * (t * 6 - 15) + 10)  # noqa: E731
    lerp = lambda t, a, b: a + t * (b - a)  # noqa: E731

    def grad(h, x, y, z):
        h &= 15
        u = x if h < 8 else y
        v = y if h < 4 else (x if h in (12, 14) else z)
        return (u if h & 1 == 0 else -u) + (v if h & 2 == 0 else -v)

    X, Y, Z = int(math.floor(x)) & 255, int(math.floor(y)) & 255, int(math.floor(z)) & 255
    x, y, z = x - math.floor(x), y - math.floor(y), z - math.floor(z)
    u, v, w = fade(x), fade(y), fade(z)
    p = _P
    A = p[X] + Y; AA = p[A] + Z; AB = p[A + 1] + Z  # noqa: E702
    B = p[X + 1] + Y; BA = p[B] + Z; BB = p[B + 1] + Z  # noqa: E702
    return lerp(w, lerp(v, lerp(u, grad(p[AA], x, y, z), grad(p[BA], x - 1, y, z)),
                        lerp(u, grad(p[AB], x, y - 1, z), grad(p[BB], x - 1, y - 1, z))),
                lerp(v, lerp(u, grad(p[AA + 1], x, y, z - 1), grad(p[BA + 1], x - 1, y, z - 1)),
                     lerp(u, grad(p[AB + 1], x, y - 1, z - 1), grad(p[BB + 1], x - 1, y - 1, z - 1))))


def test_perlin_reference():
    assert _P[:6] == [151, 160, 137, 91, 90, 15] and sorted(_P[:256]) == list(range(256))
    # the value every port of ImprovedNoise.java is checked against
    assert noise.perlin3(3.14, 42, 7) == pytest.approx(0.13691995878400012, abs=1e-15)
    assert k.perlin3_at(3.14, 42.0, 7.0) == pytest.approx(0.13691995878400012, abs=1e-15)
    rng = np.random.default_rng(5)
    pts = rng.uniform(-400, 400, (300, 3))
    got = noise.perlin3(pts[:, 0], pts[:, 1], pts[:, 2])
    want = [_java_improved_noise(*p) for p in pts]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)
    assert noise.perlin3(3.0, -7.0, 12.0) == 0.0  # zero on the integer lattice
    assert noise.perlin3(3.14, 42, 7, seed=9) != noise.perlin3(3.14, 42, 7)


# ------------------------------------------------------------ fractal sums
def test_fbm_is_normalised_sum_of_shifted_octaves():
    x = np.linspace(-3, 7, 41)
    y = 0.37 * x + 1.1
    octaves, lac, gain = 5, 2.1, 0.55
    want = np.zeros_like(x)
    amp, freq, norm = 1.0, 1.0, 0.0
    for i in range(octaves):
        want += amp * noise.simplex2(x * freq + i * 131.71, y * freq + i * 71.37, seed=4)
        norm += amp
        amp *= gain
        freq *= lac
    got = noise.fbm(x, y, seed=4, octaves=octaves, lacunarity=lac, gain=gain)
    np.testing.assert_allclose(got, want / norm, rtol=0, atol=1e-12)
    # one octave is the base noise itself
    np.testing.assert_array_equal(noise.fbm(x, y, seed=4, octaves=1), noise.simplex2(x, y, seed=4))
    # fused grid == broadcast evaluation == the Numba scalar kernel
    xs, ys = np.linspace(0, 9, 19), np.linspace(-2, 4, 11)
    grid = noise.fbm_grid(xs, ys, seed=4, octaves=4)
    np.testing.assert_allclose(grid, noise.fbm(xs[None, :], ys[:, None], seed=4, octaves=4), rtol=0, atol=1e-12)
    perm = k.perm_for_seed(4)
    assert k.fbm2_at(xs[3], ys[5], perm, 4, 2.0, 0.5) == pytest.approx(grid[5, 3], abs=1e-12)


@pytest.mark.parametrize("base", ["simplex", "opensimplex2", "perlin"])
def test_fractal_ranges(base):
    xs = np.linspace(0, 40, 160)
    X, Y = xs[None, :], xs[:, None]
    f = noise.fbm(X, Y, base=base, octaves=6, seed=2)
    r = noise.ridged(X, Y, base=base, octaves=6, seed=2)
    t = noise.turbulence(X, Y, base=base, octaves=6, seed=2)
    assert np.abs(f).max() <= 1.0 and f.std() > 0.1
    assert r.min() >= 0.0 and r.max() <= 1.0 and r.std() > 0.05
    assert t.min() >= 0.0 and t.max() <= 1.0 and t.std() > 0.05
    assert abs(f.mean()) < 0.15


def test_fbm_3d_4d_and_more_octaves_add_detail():
    x = np.linspace(0, 4, 400)
    one = noise.fbm(x, 0.3, 0.7, octaves=1)
    six = noise.fbm(x, 0.3, 0.7, octaves=6)
    # roughness: mean |second difference| grows with octaves
    assert np.abs(np.diff(six, 2)).mean() > 3 * np.abs(np.diff(one, 2)).mean()
    v4 = noise.fbm(x, 0.3, 0.7, 1.9, octaves=3)
    assert v4.shape == x.shape and np.isfinite(v4).all()


def test_opensimplex2_variant():
    xs = np.linspace(0, 30, 300)
    g = noise.opensimplex2_grid(xs, xs, seed=11)
    np.testing.assert_array_equal(g, noise.opensimplex2(xs[None, :], xs[:, None], seed=11))
    assert np.abs(g).max() <= 1.0 and g.std() > 0.2 and abs(g.mean()) < 0.1
    assert not np.allclose(g, noise.opensimplex2_grid(xs, xs, seed=12))
    # continuity: a tiny step moves the value a tiny amount
    d = noise.opensimplex2(xs + 1e-6, 0.5, seed=11) - noise.opensimplex2(xs, 0.5, seed=11)
    assert np.abs(d).max() < 1e-4
    assert k.os2_2d_at(1.25, 2.5, np.int64(11)) == noise.opensimplex2(1.25, 2.5, seed=11)


# ------------------------------------------------------------ domain warping
def test_warp_is_quilez_composition():
    x, y = np.linspace(0, 3, 13), np.linspace(1, 2, 13)
    kw = dict(seed=6, octaves=3)
    qx, qy = noise.fbm(x, y, **kw), noise.fbm(x + 5.2, y + 1.3, **kw)
    one = noise.fbm(x + 4.0 * qx, y + 4.0 * qy, **kw)
    np.testing.assert_allclose(noise.warp(x, y, levels=1, strength=4.0, **kw), one, atol=1e-12)
    rx = noise.fbm(x + 4.0 * qx + 1.7, y + 4.0 * qy + 9.2, **kw)
    ry = noise.fbm(x + 4.0 * qx + 8.3, y + 4.0 * qy + 2.8, **kw)
    two = noise.fbm(x + 4.0 * rx, y + 4.0 * ry, **kw)
    f, gqx, gqy, grx, gry = noise.warp(x, y, levels=2, detail=True, **kw)
    np.testing.assert_allclose(f, two, atol=1e-12)
    np.testing.assert_allclose(gqx, qx, atol=1e-12)
    np.testing.assert_allclose(gry, ry, atol=1e-12)
    assert np.array_equal(noise.warp(x, y, strength=0.0, **kw), noise.fbm(x, y, **kw))


# ------------------------------------------------------------ curl noise
def _div2(vx, vy, h):
    return (vx[1:-1, 2:] - vx[1:-1, :-2]) / (2 * h) + (vy[2:, 1:-1] - vy[:-2, 1:-1]) / (2 * h)


def test_curl2_is_divergence_free():
    h = 0.01
    xs = np.arange(0, 2, h)
    X, Y = xs[None, :], xs[:, None]
    vx, vy = noise.curl2(X, Y, seed=8, eps=h, octaves=2)
    div = _div2(vx, vy, h)
    # the gradient of the same potential is far from divergence-free: compare scales
    psi = noise.fbm(X, Y, seed=8, octaves=2)
    gx, gy = np.gradient(psi, h, axis=1), np.gradient(psi, h, axis=0)
    div_grad = _div2(gx, gy, h)
    assert np.abs(div).max() < 1e-9 * np.abs(div_grad).max()
    # with a different sampling step the discrete divergence is only O(h^2), still tiny
    vx2, vy2 = noise.curl2(X, Y, seed=8, eps=1e-4, octaves=2)
    assert np.abs(_div2(vx2, vy2, h)).mean() < 1e-3 * np.abs(div_grad).mean()
    assert np.hypot(vx, vy).mean() > 0.3  # and it does flow
    # the Numba kernel agrees with the array API
    perm = k.perm_for_seed(8)
    cx, cy = k.curl2_at(0.3, 0.7, perm, 1e-3)
    ax, ay = noise.curl2(0.3, 0.7, seed=8)
    assert (cx, cy) == pytest.approx((ax, ay), abs=1e-12)


@pytest.mark.parametrize("base", ["simplex", "perlin"])
def test_curl3_is_divergence_free(base):
    h = 0.02
    a = 0.1234 + np.arange(0, 0.8, h)
    Z, Y, X = np.meshgrid(a, a, a, indexing="ij")
    vx, vy, vz = noise.curl3(X, Y, Z, seed=2, eps=h, base=base)
    c = (slice(1, -1),) * 3
    div = ((vx[1:-1, 1:-1, 2:] - vx[1:-1, 1:-1, :-2]) + (vy[1:-1, 2:, 1:-1] - vy[1:-1, :-2, 1:-1])
           + (vz[2:, 1:-1, 1:-1] - vz[:-2, 1:-1, 1:-1])) / (2 * h)
    scale = np.abs((vx[1:-1, 1:-1, 2:] - vx[1:-1, 1:-1, :-2]) / (2 * h)).mean()
    if base == "perlin":  # C2-smooth potential: the discrete divergence cancels everywhere
        assert np.abs(div).max() < 1e-10 * scale
    else:  # legacy OpenSimplex 3D has ~1e-8 jumps on some cell faces; away from them it cancels
        assert np.percentile(np.abs(div), 99) < 1e-10 * scale
        assert np.abs(div).mean() < 1e-4 * scale
    speed = np.sqrt(vx[c] ** 2 + vy[c] ** 2 + vz[c] ** 2)
    assert speed.mean() > 0.3


# ------------------------------------------------------------ periodic and looping
def test_tileable2_repeats_and_is_not_flat():
    px, py = 3.0, 2.0
    x = np.linspace(0, 3, 61)
    y = np.linspace(0, 2, 41)
    X, Y = x[None, :], y[:, None]
    f = noise.tileable2(X, Y, period=(px, py), seed=5, octaves=3)
    np.testing.assert_allclose(f[:, 0], f[:, -1], atol=1e-12)   # left edge == right edge
    np.testing.assert_allclose(f[0, :], f[-1, :], atol=1e-12)   # top == bottom
    shifted = noise.tileable2(X + 2 * px, Y - py, period=(px, py), seed=5, octaves=3)
    np.testing.assert_allclose(shifted, f, atol=1e-9)
    assert f.std() > 0.05
    assert noise.tileable2(0.5, 0.5, period=1.0) == noise.tileable2(1.5, 2.5, period=1.0)


def test_loop2_is_exactly_periodic_in_time():
    x = np.linspace(0, 4, 50)
    a = noise.loop2(x[None, :], x[:, None], 0.0, seed=3, octaves=3)
    b = noise.loop2(x[None, :], x[:, None], 1.0, seed=3, octaves=3)
    c = noise.loop2(x[None, :], x[:, None], 0.5, seed=3, octaves=3)
    near = noise.loop2(x[None, :], x[:, None], 0.999, seed=3, octaves=3)
    assert np.array_equal(a, b)
    assert np.abs(a - c).mean() > 0.05
    assert np.abs(a - near).max() < 0.05  # and it is continuous across the seam


# ------------------------------------------------------------ bad input
def test_nan_and_inf_give_nan_elementwise():
    x = np.array([0.5, np.nan, np.inf, -np.inf, 1.5])
    for f in (lambda: noise.simplex2(x, 0.3), lambda: noise.simplex3(x, 0.3, 0.1),
              lambda: noise.simplex4(x, 0.3, 0.1, 0.2), lambda: noise.perlin3(x, 0.3, 0.1),
              lambda: noise.opensimplex2(x, 0.3), lambda: noise.fbm(x, 0.3, octaves=3),
              lambda: noise.ridged(x, 0.3), lambda: noise.warp(x, 0.3),
              lambda: noise.curl2(x, 0.3)[0], lambda: noise.loop2(x, 0.3, 0.2)):
        v = f()
        assert np.isnan(v[1:4]).all() and np.isfinite(v[[0, 4]]).all()
    assert math.isnan(noise.simplex2(float("nan"), 0.0))
    assert math.isnan(k.simplex2_at(np.inf, 0.0, k.perm_for_seed(0)))


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(octaves=0), "octaves"), (dict(octaves=2.5), "octaves"), (dict(octaves=True), "octaves"),
    (dict(octaves=1000), "octaves"), (dict(lacunarity=0), "lacunarity"), (dict(lacunarity=-2.0), "lacunarity"),
    (dict(lacunarity=float("nan")), "lacunarity"), (dict(gain=0.0), "gain"), (dict(gain=float("inf")), "gain"),
    (dict(base="simplx"), "did you mean 'simplex'"), (dict(seed=1.5), "seed"), (dict(seed="abc"), "seed"),
])
def test_bad_fractal_arguments_name_the_value(kwargs, fragment):
    with pytest.raises(UserError, match=fragment) as info:
        noise.fbm(0.1, 0.2, **kwargs)
    assert "\n" not in str(info.value)
    if "octaves" in kwargs:
        assert repr(kwargs["octaves"]) in str(info.value)


def test_other_bad_arguments():
    with pytest.raises(UserError, match="no 4D"):
        noise.fbm(0.1, 0.2, 0.3, 0.4, base="perlin")
    with pytest.raises(UserError, match="no 3D"):
        noise.fbm(0.1, 0.2, 0.3, base="opensimplex2")
    with pytest.raises(UserError, match="levels"):
        noise.warp(0.1, 0.2, levels=3)
    with pytest.raises(UserError, match="period"):
        noise.tileable2(0.1, 0.2, period=0)
    with pytest.raises(UserError, match="eps"):
        noise.curl2(0.1, 0.2, eps=0)
    with pytest.raises(UserError, match="radius"):
        noise.loop2(0.1, 0.2, 0.3, radius=-1)
    with pytest.raises(UserError, match="do not broadcast"):
        noise.simplex2(np.zeros(3), np.zeros(4))
    with pytest.raises(UserError, match="mode"):
        noise.tileable2(0.1, 0.2, mode="ridge")
    with pytest.raises(UserError, match="1-D"):
        noise.simplex2_grid(np.zeros((2, 2)), np.zeros(3))


# ------------------------------------------------------------ shapes and the Numba contract
def test_broadcasting_shapes():
    assert noise.simplex2(np.zeros((3, 1)), np.arange(4.0)).shape == (3, 4)
    assert noise.fbm(np.zeros((2, 3, 4)), 1.5).shape == (2, 3, 4)
    assert noise.simplex3(np.arange(5.0), 0.0, 0.0).shape == (5,)
    assert noise.simplex2(np.zeros(0), 1.0).shape == (0,)
    a = np.random.default_rng(0).uniform(0, 9, (2, 3, 4))
    np.testing.assert_array_equal(noise.fbm(a, a.T.transpose(2, 1, 0) * 0 + 1.0)[1, 2],
                                  noise.fbm(a[1, 2], 1.0))
    vx, vy = noise.curl2(np.zeros((2, 2)), 1.0)
    assert vx.shape == vy.shape == (2, 2)


@njit(cache=True)
def _user_kernel(xs, perm):
    """What a particles kernel does: sample noise per point inside Numba."""
    out = np.empty((xs.size, 7))
    for i in range(xs.size):
        x = xs[i]
        vx, vy = k.curl2_at(x, 0.5, perm, 1e-3)
        out[i, 0] = k.simplex2_at(x, 0.5, perm)
        out[i, 1] = k.simplex3_at(x, 0.5, 0.25, perm)
        out[i, 2] = k.simplex4_at(x, 0.5, 0.25, 0.125, perm)
        out[i, 3] = k.perlin3_at(x, 0.5, 0.25)
        out[i, 4] = k.fbm2_at(x, 0.5, perm, 3, 2.0, 0.5)
        out[i, 5] = vx
        out[i, 6] = vy
    return out


def test_numba_kernels_callable_from_user_njit_code():
    xs = np.linspace(-2, 2, 17)
    perm = k.perm_for_seed(21)
    assert perm.dtype == np.int64 and perm.ndim == 1
    got = _user_kernel(xs, perm)
    np.testing.assert_allclose(got[:, 0], noise.simplex2(xs, 0.5, seed=21), atol=1e-12)
    np.testing.assert_allclose(got[:, 1], noise.simplex3(xs, 0.5, 0.25, seed=21), atol=1e-12)
    np.testing.assert_allclose(got[:, 2], noise.simplex4(xs, 0.5, 0.25, 0.125, seed=21), atol=1e-12)
    np.testing.assert_allclose(got[:, 3], noise.perlin3(xs, 0.5, 0.25), atol=1e-12)
    np.testing.assert_allclose(got[:, 4], noise.fbm(xs, 0.5, seed=21, octaves=3), atol=1e-12)
    vx, vy = noise.curl2(xs, 0.5, seed=21)
    np.testing.assert_allclose(got[:, 5], vx, atol=1e-12)
    np.testing.assert_allclose(got[:, 6], vy, atol=1e-12)
    # the table is a fresh copy: callers may modify theirs
    perm[:] = 0
    assert k.perm_for_seed(21)[:256].sum() == sum(range(256))


# ------------------------------------------------------------ contour lines
def test_isolines_trace_circles_and_close():
    from gencraft.noise.contours import isolines

    y, x = np.mgrid[0:41, 0:41].astype(float)
    field = np.hypot(x - 20.3, y - 19.7)
    seg, lev = isolines(field, [5.0, 12.0])
    r = np.hypot(seg[..., 0] - 20.3, seg[..., 1] - 19.7)
    assert np.abs(r[lev == 0] - 5.0).max() < 0.05 and np.abs(r[lev == 1] - 12.0).max() < 0.05
    # a closed curve: every endpoint is shared by exactly two segments
    _, counts = np.unique(np.round(seg[lev == 1].reshape(-1, 2), 9), axis=0, return_counts=True)
    assert set(counts.tolist()) == {2}
    # length of the traced circle is close to 2 pi r
    length = np.hypot(*(seg[lev == 1, 1] - seg[lev == 1, 0]).T).sum()
    assert length == pytest.approx(2 * np.pi * 12.0, rel=0.01)
    # NaN cells are skipped, levels outside the range give nothing
    field[:, :20] = np.nan
    seg2, _ = isolines(field, [12.0])
    assert 0 < len(seg2) < (lev == 1).sum()
    assert len(isolines(field, [100.0])[0]) == 0


# ------------------------------------------------------------ OpenSimplex2 against its reference
def _wrap64(v):
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


def _os2_reference(seed, x, y):
    """KdotJPG's OpenSimplex2 ``noise2`` transliterated with float32 arithmetic."""
    f = np.float32
    px, py, mult = 0x5205402B9270C86F, 0x598CD327003817B5, 0x53A3F72DEEC546F5
    unskew = -0.21132486540518713
    grads = []
    for deg in [67.5, 22.5, -22.5, -67.5, -112.5, -157.5, 157.5, 112.5, 82.5, 52.5, 37.5, 7.5, -7.5, -37.5,
                -52.5, -82.5, -97.5, -127.5, -142.5, -172.5, 172.5, 142.5, 127.5, 97.5]:
        a = math.radians(deg)
        grads += [f(math.cos(a) / 0.01001634121365712), f(math.sin(a) / 0.01001634121365712)]

    def grad(xsvp, ysvp, dx, dy):
        h = _wrap64((seed ^ xsvp ^ ysvp) * mult)
        h ^= h >> 58
        gi = h & 254
        return grads[gi % 48] * dx + grads[(gi | 1) % 48] * dy

    s = 0.366025403784439 * (x + y)
    xs, ys = x + s, y + s
    xsb, ysb = math.floor(xs), math.floor(ys)
    xi, yi = f(xs - xsb), f(ys - ysb)
    xsbp, ysbp = _wrap64(xsb * px), _wrap64(ysb * py)
    t = (xi + yi) * f(unskew)
    dx0, dy0 = xi + t, yi + t
    value = f(0)
    a0 = f(0.5) - dx0 * dx0 - dy0 * dy0
    if a0 > 0:
        value = (a0 * a0) * (a0 * a0) * grad(xsbp, ysbp, dx0, dy0)
    dx1, dy1 = dx0 - f(1 + 2 * unskew), dy0 - f(1 + 2 * unskew)
    a1 = f(0.5) - dx1 * dx1 - dy1 * dy1
    if a1 > 0:
        value += (a1 * a1) * (a1 * a1) * grad(_wrap64(xsbp + px), _wrap64(ysbp + py), dx1, dy1)
    if dy0 > dx0:
        dx2, dy2, gx, gy = dx0 - f(unskew), dy0 - f(unskew + 1), xsbp, _wrap64(ysbp + py)
    else:
        dx2, dy2, gx, gy = dx0 - f(unskew + 1), dy0 - f(unskew), _wrap64(xsbp + px), ysbp
    a2 = f(0.5) - dx2 * dx2 - dy2 * dy2
    if a2 > 0:
        value += (a2 * a2) * (a2 * a2) * grad(gx, gy, dx2, dy2)
    return float(value)


def test_opensimplex2_matches_reference_to_float32_precision():
    rng = np.random.default_rng(12)
    pts = rng.uniform(-200, 200, (400, 2))
    for seed in (0, 77, -12345678901):
        got = noise.opensimplex2(pts[:, 0], pts[:, 1], seed=seed)
        want = np.array([_os2_reference(seed, float(a), float(b)) for a, b in pts])
        assert np.abs(want).max() > 0.5
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-5)


def test_chain_segments_joins_isolines_into_loops_and_open_lines():
    from gencraft.noise.contours import chain_segments, isolines

    y, x = np.mgrid[0:41, 0:41].astype(float)
    field = np.hypot(x - 20.3, y - 19.7)
    seg, lev = isolines(field, [5.0, 12.0])
    coords, offsets, closed, group = chain_segments(seg, lev)
    # two circles: two closed chains, one per level, using every segment once
    assert len(offsets) == 3 and closed.tolist() == [True, True] and sorted(group.tolist()) == [0, 1]
    assert offsets[-1] == len(seg)  # a loop of k segments has k points
    for k in range(2):
        ring = coords[offsets[k]:offsets[k + 1]]
        r = np.hypot(ring[:, 0] - 20.3, ring[:, 1] - 19.7)
        assert np.abs(r - (5.0, 12.0)[group[k]]).max() < 0.05
        # consecutive points are neighbours on the circle (a walk, not a shuffle)
        assert np.hypot(*np.diff(np.vstack([ring, ring[:1]]), axis=0).T).max() < 1.5
    # cut in half by NaN: open chains whose ends are the cut
    field[:, :20] = np.nan
    seg, lev = isolines(field, [12.0])
    coords, offsets, closed, _ = chain_segments(seg, lev)
    assert len(offsets) == 2 and not closed[0] and offsets[-1] == len(seg) + 1
    assert coords[0, 0] == 20.0 and coords[-1, 0] == 20.0
    # zero-length segments are dropped; nothing in, nothing out
    c, o, cl, g = chain_segments(np.zeros((3, 2, 2)))
    assert len(c) == 0 and o.tolist() == [0] and len(cl) == 0
