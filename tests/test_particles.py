"""Particles: attractor formulas, fields, advection, stop rules, forces, seeding, streamlines, CLI."""
from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit

from gencraft.errors import UserError
from gencraft.particles import (ATTRACTORS, CurlField, Forces, FunctionField, GridField, NoiseAngleField, advect,
                                clifford, dejong, grid_seeds, iterate, poisson_disc, random_seeds, streamlines)
from gencraft.particles.advect import LEFT_REGION, RAN_OUT, STALLED


# ----------------------------------------------------------------- attractors
def test_clifford_first_iterates_match_formula_exactly():
    a, b, c, d = -1.4, 1.6, 1.0, 0.7
    x, y = clifford(a, b, c, d, 6, x0=0.1, y0=-0.2)
    assert x.dtype == np.float64 and y.dtype == np.float64 and x.shape == (6,)
    px, py = 0.1, -0.2
    for k in range(6):  # simultaneous update: both from the previous point
        px, py = math.sin(a * py) + c * math.cos(a * px), math.sin(b * px) + d * math.cos(b * py)
        assert x[k] == px and y[k] == py


def test_dejong_first_iterates_match_formula_exactly():
    a, b, c, d = 1.641, 1.902, 0.316, 1.525
    x, y = dejong(a, b, c, d, 5)
    px, py = 0.0, 0.0  # default start point is not among the returned iterates
    for k in range(5):
        px, py = math.sin(a * py) - math.cos(b * px), math.sin(c * px) - math.cos(d * py)
        assert (x[k], y[k]) == (px, py)


@pytest.mark.parametrize("name,formula", [
    ("svensson", lambda a, b, c, d, x, y: (d * math.sin(a * x) - math.sin(b * y), c * math.cos(a * x) + math.cos(b * y))),
    ("fractal_dream", lambda a, b, c, d, x, y: (math.sin(b * y) + c * math.sin(b * x), math.sin(a * x) + d * math.sin(a * y))),
    ("tinkerbell", lambda a, b, c, d, x, y: (x * x - y * y + a * x + b * y, 2 * x * y + c * x + d * y)),
])
def test_more_attractors_follow_their_formulas(name, formula):
    params = ATTRACTORS[name].defaults
    x, y = iterate(name, params, 3, 0.3, -0.1)
    px, py = 0.3, -0.1
    for k in range(3):
        px, py = formula(*params, px, py)
        assert x[k] == pytest.approx(px, abs=1e-15) and y[k] == pytest.approx(py, abs=1e-15)


def test_attractor_bad_input():
    with pytest.raises(UserError, match="unknown attractor 'cliford'.*did you mean 'clifford'"):
        iterate("cliford", None, 10)
    with pytest.raises(UserError, match="non-negative integer"):
        clifford(1, 1, 1, 1, -5)
    with pytest.raises(UserError, match="finite"):
        dejong(float("nan"), 1, 1, 1, 5)
    assert clifford(1, 1, 1, 1, 0)[0].shape == (0,)


# --------------------------------------------------------------------- fields
def test_noise_angle_field_is_the_noise_angle_at_constant_speed():
    from gencraft.noise.kernels import perm_for_seed, simplex2_at

    f = NoiseAngleField(seed=4, scale=0.01, turns=0.75, speed=2.5, angle_offset=0.3)
    xs, ys = np.array([3.0, 120.5, -40.0]), np.array([7.0, 9.5, 300.0])
    vx, vy = f.sample(xs, ys)
    assert np.allclose(np.hypot(vx, vy), 2.5)
    perm = perm_for_seed(4)
    for i in range(3):
        a = simplex2_at(xs[i] * 0.01, ys[i] * 0.01, perm) * 0.75 * 2 * math.pi + 0.3
        assert vx[i] == pytest.approx(2.5 * math.cos(a), abs=1e-12)
        assert vy[i] == pytest.approx(2.5 * math.sin(a), abs=1e-12)


def test_time_varying_noise_field_changes_with_t():
    f = NoiseAngleField(seed=1, scale=0.01, time_scale=1.0)
    a0, a1 = f.angles(np.arange(10.0), 0.0, t=0.0), f.angles(np.arange(10.0), 0.0, t=0.5)
    assert not np.allclose(a0, a1)
    assert np.array_equal(a0, f.angles(np.arange(10.0), 0.0, t=0.0))


def test_curl_field_is_divergence_free():
    f = CurlField(seed=2, scale=0.02, octaves=2)
    x, y, e = np.linspace(0, 200, 25), np.linspace(5, 150, 25), 1e-3
    dvx_dx = (f.sample(x + e, y)[0] - f.sample(x - e, y)[0]) / (2 * e)
    dvy_dy = (f.sample(x, y + e)[1] - f.sample(x, y - e)[1]) / (2 * e)
    # each term is large, their sum (the divergence) vanishes up to finite-difference error
    assert np.abs(dvx_dx).max() > 0.05
    assert np.abs(dvx_dx + dvy_dy).max() < 1e-4 * np.abs(dvx_dx).max()


def test_grid_field_bilinear_and_time_interpolation():
    vec = np.zeros((2, 2, 2))
    vec[..., 0] = [[0.0, 1.0], [2.0, 3.0]]  # vx at the four cell centres
    vec[..., 1] = 5.0
    g = GridField(vec, bounds=(0, 0, 2, 2))
    vx, vy = g.sample([0.5, 1.5, 1.0, 1.0, -9.0], [0.5, 0.5, 1.0, 0.75, 0.5])
    assert np.allclose(vx, [0.0, 1.0, 1.5, 1.0, 0.0]) and np.allclose(vy, 5.0)
    timed = GridField(np.stack([vec, vec + 10.0]), bounds=(0, 0, 2, 2), times=(0.0, 4.0))
    assert timed.sample(0.5, 0.5, t=1.0)[0] == pytest.approx(2.5)
    angles = GridField.from_angles(np.full((3, 3), math.pi / 2), bounds=(0, 0, 3, 3), speed=2.0)
    assert np.allclose(np.array(angles.sample(1.2, 2.2)), [0.0, 2.0])


def test_grid_field_rejects_nan_and_bad_shape():
    bad = np.ones((4, 4, 2))
    bad[2, 1, 0] = np.nan
    with pytest.raises(UserError, match=r"NaN.*\(0, 2, 1, 0\)"):
        GridField(bad)
    with pytest.raises(UserError, match="must be"):
        GridField(np.ones((4, 4)))
    with pytest.raises(UserError, match="noise scale"):
        NoiseAngleField(scale=0)


# ------------------------------------------------------------------ advection
def _rotation_field():
    s = np.linspace(-4, 4, 161)
    xx, yy = np.meshgrid(s, s)
    return GridField(np.stack([-yy, xx], axis=-1), bounds=(-4.025, -4.025, 4.025, 4.025))


def test_euler_matches_hand_integration_and_rk4_is_accurate():
    f = NoiseAngleField(seed=9, scale=0.05)
    tr = advect(f, [[1.0, 2.0]], steps=5, step=0.5, method="euler")
    x, y = 1.0, 2.0
    for k in range(5):
        vx, vy = f.sample(x, y)
        x, y = x + 0.5 * float(vx), y + 0.5 * float(vy)
        assert tuple(tr[0][k + 1]) == pytest.approx((x, y), abs=1e-12)
    rot = _rotation_field()  # linear, so bilinear interpolation is exact: circles
    ends = {m: advect(rot, [[1.0, 0.0]], steps=100, step=2 * math.pi / 100, method=m).final[0]
            for m in ("euler", "rk2", "rk4")}
    err = {m: abs(math.hypot(*p) - 1.0) for m, p in ends.items()}
    assert err["rk4"] < 1e-7 < err["rk2"] < err["euler"]
    assert ends["rk4"] == pytest.approx([1.0, 0.0], abs=1e-6)


def test_trails_are_csr_polylines_and_stop_on_leaving_region():
    uniform = GridField(np.tile([1.0, 0.0], (2, 2, 1)), bounds=(0, 0, 10, 10))
    tr = advect(uniform, [[1.0, 5.0], [8.5, 5.0]], steps=20, step=1.0, bounds=(0, 0, 10, 10))
    assert list(tr.offsets) == [0, 11, 14] and tr.coords.shape == (14, 2)
    assert list(tr.status) == [LEFT_REGION, LEFT_REGION] and list(tr.steps) == [10, 2]
    assert tr[1][-1][0] == pytest.approx(10.5)  # the first point outside ends the trail
    full = advect(uniform, [[0.0, 0.0]], steps=7, step=0.1)
    assert full.status[0] == RAN_OUT and len(full[0]) == 8
    still = advect(GridField(np.zeros((2, 2, 2))), [[1.0, 1.0]], steps=5, step=1.0, min_speed=1e-6)
    assert still.status[0] == STALLED and still.steps[0] == 0
    assert np.array_equal(advect(uniform, [[1.0, 5.0]], steps=20, step=1.0, bounds=(0, 0, 10, 10),
                                 record=False).final, tr.final[:1])


def test_advection_bad_input_is_a_clear_user_error():
    f = NoiseAngleField()
    for step in (0, -1.0, float("nan")):
        with pytest.raises(UserError, match="step must be a positive number"):
            advect(f, [[0.0, 0.0]], steps=3, step=step)
    with pytest.raises(UserError, match="unknown integration method 'rk5'"):
        advect(f, [[0.0, 0.0]], method="rk5")
    with pytest.raises(UserError, match=r"would need .* GB"):
        advect(f, np.zeros((2_000_000, 2)), steps=1_000_000)  # 32 TB of trails: refused before allocating
    with pytest.raises(UserError, match="NaN"):
        advect(f, [[np.nan, 0.0]])


@njit(cache=True)
def _swirl_or_nan(x, y, t):
    if x * x + y * y > 4.0:
        return math.nan, math.nan
    return -y, x


@pytest.mark.slow  # compiles kernels for a user function (a few seconds)
def test_user_numba_function_field_and_nan_detection():
    f = FunctionField(_swirl_or_nan)
    tr = advect(f, [[1.0, 0.0]], steps=200, step=2 * math.pi / 200, method="rk4")
    assert math.hypot(*tr.final[0]) == pytest.approx(1.0, abs=1e-8)
    with pytest.raises(UserError, match="NaN/inf velocity for particle 1"):
        advect(f, [[1.0, 0.0], [3.0, 0.0]], steps=5, step=0.1)
    with pytest.raises(UserError, match="njit"):
        FunctionField(lambda x, y, t: (0.0, 0.0))


def test_forces_attract_repel_drag_and_jitter_is_seeded():
    zero = GridField(np.zeros((2, 2, 2)))
    pull = advect(zero, [[5.0, 0.0]], steps=50, step=0.1, forces=Forces(attractors=[(0.0, 0.0, 2.0, 0.5)]))
    push = advect(zero, [[5.0, 0.0]], steps=50, step=0.1, forces=Forces(attractors=[(0.0, 0.0, -2.0, 0.5)]))
    assert pull.final[0, 0] < 4.0 < 5.5 < push.final[0, 0]
    assert abs(pull.final[0, 1]) < 1e-12
    # inertia: a constant force accelerates; drag caps the speed at force / drag
    push_x = GridField(np.tile([1.0, 0.0], (2, 2, 1)))
    coast = advect(push_x, [[0.0, 0.0]], steps=100, step=0.1, method="rk4", forces=Forces(inertia=True))
    assert coast.final[0, 0] == pytest.approx(0.5 * 10.0 ** 2 + 10.0, rel=1e-9)  # v0 = field at start
    dragged = advect(push_x, [[0.0, 0.0]], steps=2000, step=0.05, forces=Forces(drag=2.0))
    last = dragged[0]
    assert (last[-1, 0] - last[-2, 0]) / 0.05 == pytest.approx(0.5, rel=1e-3)
    j1 = advect(zero, np.zeros((3, 2)), steps=10, step=0.1, forces=Forces(jitter=1.0, jitter_seed=7))
    j2 = advect(zero, np.zeros((3, 2)), steps=10, step=0.1, forces=Forces(jitter=1.0, jitter_seed=7))
    j3 = advect(zero, np.zeros((3, 2)), steps=10, step=0.1, forces=Forces(jitter=1.0, jitter_seed=8))
    assert np.array_equal(j1.coords, j2.coords) and not np.array_equal(j1.coords, j3.coords)
    assert len(np.unique(j1.final[:, 0])) == 3  # particles get independent noise


# -------------------------------------------------------------------- seeding
def test_seeding_random_grid_poisson():
    rng = np.random.default_rng(0)
    pts = random_seeds(500, (10, 20, 30, 60), rng)
    assert pts.shape == (500, 2) and pts[:, 0].min() >= 10 and pts[:, 1].max() <= 60
    g = grid_seeds(4, 2, (0, 0, 8, 4))
    assert g.shape == (8, 2) and np.allclose(g[:4], [[1, 1], [3, 1], [5, 1], [7, 1]])
    p = poisson_disc(5.0, (0, 0, 100, 100), seed=3)
    d = np.hypot(*(p[:, None, :] - p[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    assert d.min() >= 5.0 and len(p) > 200  # blue noise: dense, never too close
    assert np.array_equal(p, poisson_disc(5.0, (0, 0, 100, 100), seed=3))
    with pytest.raises(UserError, match="radius"):
        poisson_disc(0, (0, 0, 1, 1))


# ---------------------------------------------------------------- streamlines
def test_streamlines_are_evenly_spaced_and_fill_the_region():
    f = NoiseAngleField(seed=5, scale=0.01, turns=0.8)
    d_sep, d_test = 12.0, 0.5
    coords, offsets = streamlines(f, (0, 0, 240, 240), d_sep, d_test=d_test, step=3.0)
    assert len(offsets) > 10 and offsets[-1] == len(coords)
    line = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    d = np.hypot(coords[:, None, 0] - coords[None, :, 0], coords[:, None, 1] - coords[None, :, 1])
    other = line[:, None] != line[None, :]
    assert d[other].min() >= d_test * d_sep - 1e-9  # curves never come closer than d_test
    gx, gy = np.meshgrid(np.arange(6, 240, 12.0), np.arange(6, 240, 12.0))
    probe = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    near = np.hypot(probe[:, None, 0] - coords[None, :, 0], probe[:, None, 1] - coords[None, :, 1]).min(axis=1)
    assert near.max() < 1.5 * d_sep  # no holes
    steps = np.hypot(*np.diff(coords, axis=0).T)[np.diff(line) == 0]
    assert np.allclose(steps, 3.0, rtol=0.05)  # normalised direction: points a step apart


def test_streamlines_bad_input():
    f = NoiseAngleField()
    with pytest.raises(UserError, match="step must be a positive number"):
        streamlines(f, (0, 0, 10, 10), d_sep=-1)
    with pytest.raises(UserError, match="d_test"):
        streamlines(f, (0, 0, 10, 10), d_sep=1, d_test=2)
    with pytest.raises(UserError, match="bounds"):
        streamlines(f, (0, 0, -10, 10), d_sep=1)


# ------------------------------------------------------------------------ CLI
def test_cli_attractor_writes_png_with_recipe(run_cli, tmp_path):
    from gencraft.provenance import read_recipe

    out = tmp_path / "a.png"
    r = run_cli("attractor", "clifford", "--params", "-1.4,1.6,1.0,0.7", "-n", "2e5", "--size", "160x120",
                "-o", out, "--tone", "log", "--palette", "sea")
    assert r.returncode == 0, r.stderr
    recipe = read_recipe(out)
    assert recipe["attractor"] == "clifford" and recipe["n"] == 200_000 and recipe["params"] == [-1.4, 1.6, 1.0, 0.7]
    from PIL import Image
    assert Image.open(out).size == (160, 120)


@pytest.mark.parametrize("args,message", [
    (["nope"], "unknown attractor 'nope'"),
    (["dejong", "--params", "1,2"], "takes 4 parameters"),
    (["dejong", "--tone", "gamma"], "unknown tone mapping 'gamma'"),
    (["dejong", "-n", "lots"], "-n 'lots'"),
    (["dejong", "--palette", "nope"], "unknown palette"),
])
def test_cli_attractor_bad_input_exits_2_without_output(run_cli, tmp_path, args, message):
    out = tmp_path / "x.png"
    count = [] if "-n" in args else ["-n", "1000"]
    r = run_cli("attractor", *args, *count, "-o", out, "--size", "50x50")
    assert r.returncode == 2 and message in r.stderr and r.stderr.count("\n") == 1
    assert not out.exists()


# ------------------------------------------------------------------- sketches
@pytest.mark.parametrize("name,params", [("flow", {}), ("flow", {"field": "curl", "colours": "sea"}),
                                         ("attractor", {"millions": 1}), ("attractor", {"kind": "dejong", "millions": 1})])
def test_particle_sketches_render_deterministically_with_features(name, params):
    from gencraft.render import render
    from gencraft.seeds import parse_seed
    from gencraft.sketch import load_sketch

    from .conftest import SKETCHES

    sk = load_sketch(SKETCHES / f"{name}.py")
    a = render(sk, params, seed=3, size=(320, 320))
    b = render(sk, params, seed=3, size=(320, 320))
    assert np.array_equal(a.rgba, b.rgba)
    background = a.rgba[0, 0]
    assert (a.rgba != background).any(axis=-1).mean() > 0.1  # plenty drawn beyond the paper
    feats = sk.call_features(parse_seed(3).rng(), a.params)
    assert feats and all(isinstance(v, (str, int, float)) for v in feats.values())


@pytest.mark.parametrize("kw", [dict(scale=0.01, turns=0.7), dict(scale=0.02, turns=1.3, speed=2.0, angle_offset=0.4),
                                dict(scale=0.01, octaves=3), dict(scale=0.01, time_scale=0.5)])
def test_euler_fast_path_gives_exactly_the_field_sampled_by_hand(kw):
    """The hot Euler loop inlines the plain noise field: values must not move by one ulp."""
    f = NoiseAngleField(seed=4, **kw)
    seeds = np.random.default_rng(2).uniform(0, 300, (64, 2))
    tr = advect(f, seeds, steps=30, step=0.5)
    x, y = seeds[:, 0].copy(), seeds[:, 1].copy()
    for k in range(30):
        vx, vy = f.sample(x, y, t=k * 0.5)
        x, y = x + 0.5 * vx, y + 0.5 * vy
    assert np.array_equal(tr.final, np.stack([x, y], axis=1))
