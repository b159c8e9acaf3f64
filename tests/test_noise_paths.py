"""Noise call paths give the same bits: scalar fast path, serial and parallel
arrays, outer-product grids, and noise compiled into a user's own @njit code."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import opensimplex
import pytest
from numba import njit
from numba.core.errors import TypingError

from gencraft import noise
from gencraft.errors import UserError
from gencraft.noise import grid as _grid

SAMPLES = Path(opensimplex.__file__).resolve().parent.parent / "tests" / "samples.json.gz"


def _samples():
    by_dim = {}
    for line in gzip.open(SAMPLES):
        r = json.loads(line)
        by_dim.setdefault(len(r) - 1, []).append(r)
    return {d: np.array(v) for d, v in by_dim.items()}


@pytest.fixture(params=["serial", "parallel"])
def path(request, monkeypatch):
    """Force the serial (small-array) or the parallel kernels."""
    monkeypatch.setattr(noise, "PARALLEL_MIN", 1 << 62 if request.param == "serial" else 0)
    return request.param


@pytest.mark.skipif(not SAMPLES.exists(), reason="opensimplex test vectors not installed")
def test_6144_vectors_bit_identical_on_every_path(path):
    s = _samples()
    assert sum(len(v) for v in s.values()) == 6144
    cols = {d: [s[d][:, i] for i in range(d)] for d in (2, 3, 4)}
    for d, fn in ((2, noise.simplex2), (3, noise.simplex3), (4, noise.simplex4)):
        expected = s[d][:, d]
        assert np.array_equal(fn(*cols[d], seed=0), expected), f"{d}D arrays ({path})"
        assert np.array_equal(noise.fbm(*cols[d], octaves=1), expected), f"{d}D fbm octaves=1 ({path})"
        # the per-point fast path (floats, int seed) and the general scalar path (NumPy floats)
        got = [fn(*(float(c[i]) for c in cols[d]), seed=0) for i in range(len(expected))]
        assert np.array_equal(got, expected), f"{d}D scalar fast path"
        got = [fn(*(np.float64(c[i]) for c in cols[d]), seed=0) for i in range(0, len(expected), 7)]
        assert np.array_equal(got, expected[::7]), f"{d}D scalar general path"


@pytest.mark.parametrize("seed", [0, 3, -7, 2**40 + 1])
def test_outer_product_grids_equal_opensimplex_arrays(seed, path):
    ref = opensimplex.OpenSimplex(seed)
    rng = np.random.default_rng(abs(seed) % 1000)
    xs, ys, zs, ws = rng.uniform(-90, 90, 19), rng.uniform(-90, 90, 11), rng.uniform(-9, 9, 5), rng.uniform(-9, 9, 3)
    assert np.array_equal(noise.simplex2(xs[None, :], ys[:, None], seed=seed), ref.noise2array(xs, ys))
    got3 = noise.simplex3(xs[None, None, :], ys[None, :, None], zs[:, None, None], seed=seed)
    assert np.array_equal(got3, ref.noise3array(xs, ys, zs))
    got4 = noise.simplex4(xs[None, None, None, :], ys[None, None, :, None], zs[None, :, None, None],
                          ws[:, None, None, None], seed=seed)
    assert np.array_equal(got4, ref.noise4array(xs, ys, zs, ws))
    # a 2D slice of 3D noise (a constant coordinate) and full meshgrids take other routes, same values
    assert np.array_equal(noise.simplex3(xs[None, :], ys[:, None], zs[0], seed=seed), got3[0])
    Z, Y, X = np.meshgrid(zs, ys, xs, indexing="ij")
    assert np.array_equal(noise.simplex3(X, Y, Z, seed=seed), got3)


def test_serial_and_parallel_kernels_agree(monkeypatch):
    rng = np.random.default_rng(5)
    X, Y, Z, W = (rng.uniform(-20, 20, (7, 13)) for _ in range(4))
    xs, ys, zs = rng.uniform(-20, 20, 17), rng.uniform(-20, 20, 9), rng.uniform(-5, 5, 3)
    calls = [
        lambda: noise.fbm(X, Y, seed=2, octaves=5),
        lambda: noise.fbm(X, Y, seed=2, octaves=3, base="opensimplex2"),
        lambda: noise.ridged(X, Y, Z, seed=2, octaves=3, base="perlin"),
        lambda: noise.turbulence(X, Y, Z, W, seed=2, octaves=2),
        lambda: noise.fbm(xs[None, :], ys[:, None], seed=2, octaves=4),
        lambda: noise.fbm(xs[None, None, :], ys[None, :, None], zs[:, None, None], seed=2, octaves=3),
        lambda: noise.curl2(X, Y, seed=2, octaves=2),
        lambda: noise.curl3(X, Y, Z, seed=2),
        lambda: noise.warp(X, Y, seed=2, detail=True),
        lambda: noise.warp(X, Y, seed=2, levels=1, detail=True),
        lambda: noise.simplex2_grid(xs, ys, seed=2),
        lambda: noise.opensimplex2_grid(xs, ys, seed=2),
        lambda: noise.fbm_grid(xs, ys, seed=2, mode="ridged"),
        lambda: noise.tileable2(X, Y, period=3.0, seed=2),
        lambda: noise.loop2(X, Y, 0.25, seed=2),
    ]
    for k, call in enumerate(calls):
        monkeypatch.setattr(noise, "PARALLEL_MIN", 1 << 62)
        serial = call()
        monkeypatch.setattr(noise, "PARALLEL_MIN", 0)
        parallel = call()
        for a, b in zip(np.broadcast_arrays(*np.atleast_1d(serial)), np.broadcast_arrays(*np.atleast_1d(parallel))):
            assert np.array_equal(a, b, equal_nan=True), f"call {k}"


def test_small_arrays_use_the_serial_kernels(monkeypatch):
    used = []
    real = noise._pick

    def spy(name, work):
        fn = real(name, work)
        used.append(fn.__name__ if hasattr(fn, "__name__") else fn.py_func.__name__)
        return fn

    monkeypatch.setattr(noise, "_pick", spy)
    noise.simplex2(np.arange(10.0), 0.5)
    noise.fbm(np.arange(10.0)[None, :], np.arange(4.0)[:, None])
    noise.simplex3(np.zeros(100), np.ones(100), np.arange(100.0))
    assert used and all(name.endswith("_serial") for name in used), used
    used.clear()
    noise.simplex2(np.linspace(0, 9, 400)[None, :], np.linspace(0, 9, 400)[:, None])
    assert not used[0].endswith("_serial")


def _bits(a):
    return np.asarray(a, dtype=np.float64).view(np.int64)


@pytest.mark.parametrize("seed", [0, 3, -7, 2**40 + 1, 2**63 - 1, -2**63, 2**64 + 5])
def test_small_grids_fast_path_gives_the_bits_of_every_other_route(seed, monkeypatch):
    """``x[None, :]`` by ``y[:, None]`` is detected first and runs simplex2_grid through its
    compiled entry point (after one call through the dispatcher); fbm on the same grid runs
    fractal2_grid the same way. Values equal opensimplex and every general route, to the bit,
    including NaN, inf and -0.0 coordinates."""
    monkeypatch.setattr(noise, "_SERIAL", {})  # start from the first (dispatcher) call
    rng = np.random.default_rng(abs(seed) % 997)
    xs = np.concatenate([rng.uniform(-50, 50, 5), [0.0, -0.0, 3.0]])
    ys = np.concatenate([rng.uniform(-50, 50, 4), [-0.0, 1e300, np.nan, np.inf]])
    X, Y = np.meshgrid(xs, ys)
    first = noise.simplex2(xs[None, :], ys[:, None], seed=seed)
    again = noise.simplex2(xs[None, :], ys[:, None], seed=seed)
    assert noise._SERIAL["simplex2_grid"] is not _grid.simplex2_grid_serial, "no compiled entry point"
    assert first.shape == (ys.size, xs.size) and np.array_equal(_bits(first), _bits(again))
    routes = {
        "opensimplex": opensimplex.OpenSimplex(seed).noise2array(xs, ys[:4]),
        "meshgrid arrays": noise.simplex2(X, Y, seed=seed),
        "Fortran-order arrays": noise.simplex2(np.asfortranarray(X), np.asfortranarray(Y), seed=seed),
        "1-D arrays": noise.simplex2(X.ravel(), Y.ravel(), seed=seed).reshape(X.shape),
        "strided axes": noise.simplex2(np.repeat(xs, 2)[None, ::2], ys[:, None], seed=seed),
        "table as seed": noise.simplex2(xs[None, :], ys[:, None], seed=noise.table(seed)),
        "per point": [[noise.simplex2(float(x), float(y), seed=seed) for x in xs] for y in ys],
    }
    for name, got in routes.items():
        assert np.array_equal(_bits(got), _bits(first[:len(got)])), name
    assert np.isnan(first[-2:]).all() and not np.isnan(first[:-2]).any()

    got = noise.fbm(xs[None, :], ys[:, None], seed=seed, octaves=4)
    assert np.array_equal(_bits(got), _bits(noise.fbm(xs[None, :], ys[:, None], seed=seed, octaves=4)))
    for name, other in {"arrays": noise.fbm(X, Y, seed=seed, octaves=4),
                        "fbm_grid": noise.fbm_grid(xs, ys, seed=seed, octaves=4),
                        "per point": [[noise.fbm(float(x), float(y), seed=seed, octaves=4) for x in xs] for y in ys]
                        }.items():
        assert np.array_equal(_bits(got), _bits(other)), f"fbm {name}"


def test_small_grid_fast_path_types_and_seeds(monkeypatch):
    """The first call fixes the entry point; later calls with read-only, float32, int or
    numpy-scalar-seeded inputs still give the same values. Seeds are checked as before."""
    monkeypatch.setattr(noise, "_SERIAL", {})
    xs, ys = np.linspace(-3.0, 9.0, 8), np.linspace(1.0, 5.0, 8)
    ro_x, ro_y = xs.copy(), ys.copy()
    ro_x.setflags(write=False)
    ro_y.setflags(write=False)
    expected = opensimplex.OpenSimplex(5).noise2array(xs, ys)
    assert np.array_equal(noise.simplex2(ro_x[None, :], ro_y[:, None], seed=5), expected)  # read-only first
    assert np.array_equal(noise.simplex2(xs[None, :], ys[:, None], seed=5), expected)
    assert np.array_equal(noise.simplex2(xs[None, :], ys[:, None], seed=np.int64(5)), expected)
    assert np.array_equal(noise.simplex2(xs[None, :], ys[:, None], seed=2**64 + 5), expected)  # wraps like opensimplex
    f32 = np.arange(8, dtype=np.float32) * 0.5
    assert np.array_equal(noise.simplex2(f32[None, :], ys[:, None], seed=5),
                          noise.simplex2(f32.astype(np.float64)[None, :], ys[:, None], seed=5))
    assert np.array_equal(noise.simplex2(np.arange(8)[None, :], np.arange(3)[:, None], seed=5),
                          opensimplex.OpenSimplex(5).noise2array(np.arange(8.0), np.arange(3.0)))
    assert noise.simplex2(xs[None, :0], ys[:, None], seed=5).shape == (8, 0)
    for bad in (1.0, 5.5, True, np.float64(5.0), "5"):
        with pytest.raises(UserError, match="seed"):
            noise.simplex2(xs[None, :], ys[:, None], seed=bad)
        with pytest.raises(UserError, match="seed"):
            noise.fbm(xs[None, :], ys[:, None], seed=bad)


def test_scalar_calls_return_floats_and_validate():
    assert isinstance(noise.simplex2(0.25, 0.5, seed=9), float)
    assert noise.simplex2(0.25, 0.5, seed=9) == noise.simplex2(0.25, 0.5, seed=9)  # second call: fast path
    assert noise.simplex2(1, 2, seed=4) == noise.simplex2(1.0, 2.0, seed=4)
    assert noise.simplex2(0.25, 0.5, seed=noise.table(9)) == noise.simplex2(0.25, 0.5, seed=9)
    assert np.isnan(noise.simplex2(float("nan"), 0.5))
    assert noise.opensimplex2(0.3, 0.1, seed=5) == noise.opensimplex2(np.array([0.3]), 0.1, seed=5)[0]
    assert noise.perlin3(0.3, 0.1, 0.7, seed=5) == noise.perlin3(np.array([0.3]), 0.1, 0.7, seed=5)[0]
    with pytest.raises(UserError, match="seed"):
        noise.simplex2(0.5, 0.5, seed=True)
    with pytest.raises(UserError, match="seed"):
        noise.simplex2(0.5, 0.5, seed=1.0)
    with pytest.raises(UserError, match="table"):
        noise.simplex2(0.5, 0.5, seed=np.zeros(3, dtype=np.int64))
    with pytest.raises(UserError, match="coordinates"):
        noise.simplex2(1j, 0.5)


# ------------------------------------------------------------ inside a user's @njit function
@njit
def _user_field(xs, ys, tbl):
    out = np.empty(xs.size)
    for i in range(xs.size):
        out[i] = noise.simplex2(xs[i], ys[i], tbl) + 0.5 * noise.simplex3(xs[i], ys[i], 0.25, tbl)
    return out


@njit
def _user_constant_seeds(xs):
    out = np.empty(xs.size)
    for i in range(xs.size):
        out[i] = (noise.simplex2(xs[i], 1.5) + noise.simplex4(xs[i], 1, 2, 3, 7)
                  + noise.opensimplex2(xs[i], 0.5, 3) + noise.perlin3(xs[i], 0.5, 0.25, 11))
    return out


def test_user_njit_kernel_calls_gencraft_noise():
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(-40, 40, 300), rng.uniform(-40, 40, 300)
    got = _user_field(xs, ys, noise.table(7))
    assert np.array_equal(got, noise.simplex2(xs, ys, seed=7) + 0.5 * noise.simplex3(xs, ys, 0.25, seed=7))
    expected = (noise.simplex2(xs, 1.5) + noise.simplex4(xs, 1, 2, 3, seed=7)
                + noise.opensimplex2(xs, 0.5, seed=3) + noise.perlin3(xs, 0.5, 0.25, seed=11))
    assert np.array_equal(_user_constant_seeds(xs), expected)


def test_user_njit_kernel_with_a_runtime_seed_is_told_what_to_do():
    @njit
    def bad(x, seed):
        return noise.simplex2(x, x, seed)

    with pytest.raises(TypingError, match=r"noise\.table\(seed\)"):
        bad(0.5, 3)

    @njit
    def bad_array(xs):
        return noise.simplex2(xs, xs)

    with pytest.raises(TypingError, match="scalar coordinates"):
        bad_array(np.zeros(3))


def test_grid_kernels_have_serial_twins():
    for name in ("simplex2_grid", "os2_grid", "fractal2_grid", "fractal3_grid", "fractal4_grid", "fractal2_array",
                 "fractal3_array", "fractal4_array", "curl2_array", "curl3_array", "warp2_array"):
        assert hasattr(_grid, name) and hasattr(_grid, name + "_serial"), name
