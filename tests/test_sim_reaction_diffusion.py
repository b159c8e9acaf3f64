"""Gray–Scott: equal to the plain NumPy explicit Euler step, stable-bound checks, presets."""
import numpy as np
import pytest

from gencraft import sim
from gencraft.sim.reaction_diffusion import numpy_step


def _reference(u, v, p, steps, dt=1.0):
    for _ in range(steps):
        u, v = numpy_step(u, v, p.du, p.dv, p.feed, p.kill, dt)
    return u, v


def _numpy9(u, v, du, dv, feed, kill, dt):
    def lap(a):
        adj = np.roll(a, 1, 0) + np.roll(a, -1, 0) + np.roll(a, 1, 1) + np.roll(a, -1, 1)
        diag = (np.roll(np.roll(a, 1, 0), 1, 1) + np.roll(np.roll(a, 1, 0), -1, 1)
                + np.roll(np.roll(a, -1, 0), 1, 1) + np.roll(np.roll(a, -1, 0), -1, 1))
        return 0.2 * adj + 0.05 * diag - a
    uvv = u * v * v
    return (u + dt * (du * lap(u) - uvv + feed * (1 - u)),
            v + dt * (dv * lap(v) + uvv - (feed + kill) * v))


@pytest.mark.parametrize("name", ["spots", "mitosis", "coral"])
def test_equals_numpy_reference_after_500_steps(name):
    p = sim.PRESETS[name]
    u, v = sim.seed_grid((48, 64), seed=3, spots=5, radius=0.1)   # non-square: rows/cols not swapped
    U, V = sim.gray_scott(u, v, du=p.du, dv=p.dv, feed=p.feed, kill=p.kill, steps=500)
    ru, rv = _reference(u, v, p, 500)
    assert U.dtype == np.float64 and U.shape == (48, 64)
    assert np.abs(U - ru).max() < 1e-9 and np.abs(V - rv).max() < 1e-9
    assert np.abs(V - v).max() > 0.01        # it really evolved


def test_nine_point_laplacian_equals_numpy():
    u, v = sim.seed_grid((40, 40), seed=1, spots=3, radius=0.15)
    U, V = sim.gray_scott(u, v, du=1.0, dv=0.5, feed=0.0545, kill=0.062, steps=200, laplacian="9-point")
    a, b = u, v
    for _ in range(200):
        a, b = _numpy9(a, b, 1.0, 0.5, 0.0545, 0.062, 1.0)
    assert np.abs(U - a).max() < 1e-9 and np.abs(V - b).max() < 1e-9


def test_periodic_edges_and_inputs_untouched():
    u = np.ones((16, 16))
    v = np.zeros((16, 16))
    v[0, 0] = 0.5          # a corner seed diffuses across all four edges
    u0, v0 = u.copy(), v.copy()
    U, V = sim.gray_scott(u, v, du=0.2, dv=0.1, feed=0.03, kill=0.06, steps=3)
    assert (u == u0).all() and (v == v0).all()
    assert V[-1, -1] > 0 and V[0, -1] > 0 and V[-1, 0] > 0
    assert V[8, 8] == 0.0
    # symmetric under the periodic wrap: (i, j) and (-i, -j) agree
    assert np.allclose(V, np.roll(np.flip(V), 1, (0, 1)))


def test_zero_steps_returns_copies():
    u, v = np.ones((5, 5)), np.zeros((5, 5))
    U, V = sim.gray_scott(u, v, du=0.2, dv=0.1, feed=0.03, kill=0.06, steps=0)
    assert U is not u and (U == u).all() and (V == v).all()


def test_unstable_dt_names_the_bound():
    u, v = np.ones((8, 8)), np.zeros((8, 8))
    with pytest.raises(ValueError, match=r"dt \* max\(du, dv\) <= 0.25") as e:
        sim.gray_scott(u, v, du=0.2097, dv=0.105, feed=0.03, kill=0.06, dt=1.5, steps=10)
    assert "dt=1.5" in str(e.value) and "1.192" in str(e.value)   # 0.25 / 0.2097
    with pytest.raises(ValueError, match=r"<= 1.25"):
        sim.gray_scott(u, v, du=1.0, dv=0.5, feed=0.03, kill=0.06, dt=1.3, steps=10, laplacian="9-point")
    assert sim.stability_bound(0.2, 0.1) == pytest.approx(1.25)
    # exactly at the bound is allowed
    sim.gray_scott(u, v, du=0.25, dv=0.1, feed=0.03, kill=0.06, dt=1.0, steps=1)


@pytest.mark.parametrize("bad, match", [
    (dict(u=np.full((8, 8), np.nan)), r"u must be finite"),
    (dict(v=np.full((8, 9), 0.0)), r"same shape"),
    (dict(u=np.ones(8)), r"u must be a 2-D grid"),
    (dict(steps=-1), r"steps must be an integer"),
    (dict(steps=10**9), r"steps must be an integer from 0 to 1,000,000"),
    (dict(feed=float("inf")), r"feed must be a finite number"),
    (dict(du=-0.1), r"du must be >= 0"),
    (dict(laplacian="7-point"), r"laplacian must be one of 5-point, 9-point"),
])
def test_bad_input(bad, match):
    args = dict(u=np.ones((8, 8)), v=np.zeros((8, 8)), du=0.2, dv=0.1, feed=0.03, kill=0.06, steps=5)
    args.update(bad)
    with pytest.raises(ValueError, match=match):
        sim.gray_scott(args.pop("u"), args.pop("v"), **args)


def test_presets_documented():
    assert {"spots", "worms", "stripes", "mitosis", "coral"} <= set(sim.PRESETS)
    for p in sim.PRESETS.values():
        assert 0 < p.feed < 0.1 and 0.04 < p.kill < 0.07 and p.description and p.region
    import gencraft.sim.reaction_diffusion as rd
    doc = " ".join(rd.__doc__.split())
    for p in sim.PRESETS.values():   # the module docstring lists every preset's feed/kill
        entry = doc[doc.index(p.name + " ("):][:40]
        assert f"{p.feed:g}" in entry and f"{p.kill:g}" in entry, entry
    with pytest.raises(ValueError, match="unknown Gray–Scott preset 'spotz'"):
        sim.gray_scott_preset("spotz")


def test_seed_grid_mask_and_determinism():
    mask = np.zeros((20, 30))
    mask[5:10, 5:25] = 1.0
    u, v = sim.seed_grid((20, 30), seed=4, mask=mask, noise=0.0)
    assert (v[mask == 0] == 0).all() and (u[mask == 0] == 1).all()
    assert np.allclose(v[mask == 1], 0.25) and np.allclose(u[mask == 1], 0.5)
    a = sim.seed_grid((20, 30), seed=4)
    b = sim.seed_grid((20, 30), seed=4)
    c = sim.seed_grid((20, 30), seed=5)
    assert (a[1] == b[1]).all() and not (a[1] == c[1]).all()
    state = np.random.get_state()[1].copy()
    sim.seed_grid((20, 30), seed=4)
    assert (np.random.get_state()[1] == state).all()      # global random state untouched
    with pytest.raises(ValueError, match=r"mask must have shape \(20, 30\)"):
        sim.seed_grid((20, 30), seed=1, mask=np.ones((3, 3)))


def _blobs(v, level=0.15):
    from scipy import ndimage
    lab, n = ndimage.label(v > level, structure=np.ones((3, 3)))
    sizes = np.bincount(lab.ravel())[1:]
    return n, sizes


@pytest.mark.slow
def test_presets_make_their_pattern_class():
    def run(name, steps):
        p = sim.PRESETS[name]
        u, v = sim.seed_grid((160, 160), seed=5, spots=6, radius=0.05)
        return [sim.gray_scott(u, v, du=p.du, dv=p.dv, feed=p.feed, kill=p.kill, steps=s)[1] for s in steps]

    (spots,) = run("spots", [8000])
    n, sizes = _blobs(spots)
    assert n > 60 and sizes.max() < 4 * np.median(sizes)            # many similar round spots
    a, b = run("mitosis", [1000, 4000])
    assert _blobs(b)[0] > 2 * _blobs(a)[0] >= 10                    # spots divide
    (stripes,) = run("stripes", [8000])
    n, sizes = _blobs(stripes)
    assert sizes.max() > 300 and (stripes > 0.15).mean() > 0.25     # long connected stripes
    (worms,) = run("worms", [8000])
    n, sizes = _blobs(worms)
    assert 1 <= n < 40 and (worms > 0.15).mean() < 0.2              # few isolated worms
    w1, w2 = run("waves", [6000, 6100])
    assert np.abs(w2 - w1).mean() > 0.005                           # still moving
    s1, s2 = run("spots", [7900, 8000])
    assert np.abs(s2 - s1).mean() < np.abs(w2 - w1).mean() / 5      # spots settle, waves do not


def test_parallel_and_serial_kernels_agree_exactly():
    u, v = sim.seed_grid((40, 56), seed=8, spots=4, radius=0.12)
    p = sim.PRESETS["stripes"]
    args = dict(du=p.du, dv=p.dv, feed=p.feed, kill=p.kill, steps=300)
    a = sim.gray_scott(u, v, parallel=True, **args)
    b = sim.gray_scott(u, v, parallel=False, **args)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    c = sim.gray_scott(u, v, parallel=True, laplacian="9-point", **{**args, "du": 1.0, "dv": 0.5})
    d = sim.gray_scott(u, v, parallel=False, laplacian="9-point", **{**args, "du": 1.0, "dv": 0.5})
    assert np.array_equal(c[1], d[1])
