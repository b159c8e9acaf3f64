"""Gray–Scott reaction–diffusion on a periodic grid (Pearson 1993, Karl Sims' tutorial).

Two chemicals: ``u`` is fed in at rate ``feed``, ``v`` is removed at rate
``feed + kill``, and ``u + 2v -> 3v`` turns one into the other::

    du/dt = Du ∇²u - u v² + feed (1 - u)
    dv/dt = Dv ∇²v + u v² - (feed + kill) v

:func:`gray_scott` advances both grids by explicit Euler steps, in grid units
(cell spacing 1), with a 5-point Laplacian (``u[i±1, j] + u[i, j±1] - 4u``,
periodic at the edges: the same as ``np.roll``) or Karl Sims' 9-point one
(neighbours 0.2, diagonals 0.05, centre -1). The stencil is a parallel Numba
kernel; its arithmetic is the same, in the same order, as the straightforward
NumPy step (:func:`numpy_step`), so the two agree to rounding, except that
magnitudes below 1e-150 are flushed to zero: a dying pattern would otherwise
decay into subnormal floats, whose arithmetic is ~100x slower.

Stability: explicit Euler on diffusion is stable only while
``dt * max(du, dv) <= 0.25`` (5-point; the Laplacian's largest eigenvalue is
-8) or ``<= 1.25`` (9-point; largest eigenvalue -1.6). :func:`gray_scott`
checks this bound before running and names it.

Presets (:data:`PRESETS`): spots (feed 0.030, kill 0.062), worms (0.058,
0.065), stripes (0.046, 0.063), mitosis (0.0367, 0.0640), coral (0.0545,
0.062) and waves (0.018, 0.051), for the default ``du=0.2097, dv=0.105``
(Pearson's Du = 2e-5, Dv = 1e-5 on his 2.5 x 2.5 domain at 256 cells, in grid
units) and dt = 1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

__all__ = [
    "GrayScottPreset", "PRESETS", "LAPLACIANS", "MAX_STEPS", "PARALLEL_CELLS", "stability_bound",
    "gray_scott", "gray_scott_preset", "seed_grid", "numpy_step",
]

LAPLACIANS = ("5-point", "9-point")
# dt * max(du, dv) must not exceed this (explicit Euler, grid spacing 1)
_BOUND = {"5-point": 0.25, "9-point": 1.25}
MAX_STEPS = 1_000_000
PARALLEL_CELLS = 1024 * 1024
_TINY = 1e-150   # smaller magnitudes are flushed to 0 (far below the 1e-9 agreement with NumPy)


@dataclass(frozen=True)
class GrayScottPreset:
    """Named Gray–Scott parameters: a representative point of one of Pearson's regions."""

    name: str
    feed: float
    kill: float
    region: str       # where it sits in Pearson's (feed, kill) map
    description: str
    du: float = 0.2097
    dv: float = 0.105


# Pearson (1993) sorted the (feed, kill) plane into pattern classes (α … μ;
# Munafo's "xmorphia" maps them in detail). Each preset is a representative
# point of one region, checked at this Laplacian and diffusion scaling by
# tests/test_sim_reaction_diffusion.py (spots stay round and many; mitosis spots
# divide; worms and mazes are elongated; waves never settle).
PRESETS: dict[str, GrayScottPreset] = {p.name: p for p in [
    GrayScottPreset("spots", 0.0300, 0.0620, "mid kill, low feed (Pearson's stable-spot class)",
                    "stable spots that fill the plane, packed hexagonally"),
    GrayScottPreset("worms", 0.0580, 0.0650, "high kill, high feed (Pearson's worm class)",
                    "isolated worms that lengthen at their tips"),
    GrayScottPreset("stripes", 0.0460, 0.0630, "between the worm and maze regions",
                    "labyrinthine stripes: a maze"),
    # Karl Sims' tutorial gives f=.0367, k=.0649 for his 9-point stencil; with this
    # scaling the spots only divide at a slightly lower kill
    GrayScottPreset("mitosis", 0.0367, 0.0640, "edge of the spot region (Pearson's self-replicating spots)",
                    "spots that grow and divide, like cells in mitosis"),
    # Karl Sims' "coral growth" f=.0545, k=.062: fronts that branch out from each seed
    GrayScottPreset("coral", 0.0545, 0.0620, "high feed, mid kill",
                    "branching coral-like fronts spreading from the seeds, ending in a maze"),
    GrayScottPreset("waves", 0.0180, 0.0510, "low feed, low kill (Pearson's chaotic classes)",
                    "restless, chaotic wave fronts that never settle"),
]}


def stability_bound(du: float, dv: float, laplacian: str = "5-point") -> float:
    """The largest stable ``dt`` for these diffusion rates (explicit Euler)."""
    return _BOUND[laplacian] / max(du, dv)


# ------------------------------------------------------------------ kernels
@njit(cache=True)
def _row5(u, v, un, vn, i, du, dv, feed, kill, dt):
    h, w = u.shape
    fk = feed + kill
    im = i - 1 if i > 0 else h - 1
    ip = i + 1 if i < h - 1 else 0
    for j in range(w):
        jm = j - 1 if j > 0 else w - 1
        jp = j + 1 if j < w - 1 else 0
        uc = u[i, j]
        vc = v[i, j]
        # same association as np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1) - 4u
        lu = u[im, j] + u[ip, j] + u[i, jm] + u[i, jp] - 4.0 * uc
        lv = v[im, j] + v[ip, j] + v[i, jm] + v[i, jp] - 4.0 * vc
        uvv = uc * vc * vc
        a = uc + dt * (du * lu - uvv + feed * (1.0 - uc))
        b = vc + dt * (dv * lv + uvv - fk * vc)
        # flush values that would decay into subnormals (100x slower arithmetic)
        un[i, j] = a if abs(a) > _TINY else 0.0
        vn[i, j] = b if abs(b) > _TINY else 0.0


@njit(cache=True)
def _row9(u, v, un, vn, i, du, dv, feed, kill, dt):
    h, w = u.shape
    fk = feed + kill
    im = i - 1 if i > 0 else h - 1
    ip = i + 1 if i < h - 1 else 0
    for j in range(w):
        jm = j - 1 if j > 0 else w - 1
        jp = j + 1 if j < w - 1 else 0
        uc = u[i, j]
        vc = v[i, j]
        lu = (0.2 * (u[im, j] + u[ip, j] + u[i, jm] + u[i, jp])
              + 0.05 * (u[im, jm] + u[im, jp] + u[ip, jm] + u[ip, jp]) - uc)
        lv = (0.2 * (v[im, j] + v[ip, j] + v[i, jm] + v[i, jp])
              + 0.05 * (v[im, jm] + v[im, jp] + v[ip, jm] + v[ip, jp]) - vc)
        uvv = uc * vc * vc
        a = uc + dt * (du * lu - uvv + feed * (1.0 - uc))
        b = vc + dt * (dv * lv + uvv - fk * vc)
        un[i, j] = a if abs(a) > _TINY else 0.0
        vn[i, j] = b if abs(b) > _TINY else 0.0


@njit(cache=True, parallel=True)
def _run_parallel(u, v, du, dv, feed, kill, dt, steps, nine):
    """All steps; each step's rows in parallel (prange), double-buffered."""
    a_u, a_v = u, v
    b_u, b_v = np.empty_like(u), np.empty_like(v)
    h = u.shape[0]
    for _ in range(steps):
        if nine:
            for i in prange(h):
                _row9(a_u, a_v, b_u, b_v, i, du, dv, feed, kill, dt)
        else:
            for i in prange(h):
                _row5(a_u, a_v, b_u, b_v, i, du, dv, feed, kill, dt)
        a_u, b_u = b_u, a_u
        a_v, b_v = b_v, a_v
    return a_u, a_v


@njit(cache=True)
def _run_serial(u, v, du, dv, feed, kill, dt, steps, nine):
    """The same steps on one thread (small grids: no per-step thread barrier)."""
    a_u, a_v = u, v
    b_u, b_v = np.empty_like(u), np.empty_like(v)
    h = u.shape[0]
    for _ in range(steps):
        if nine:
            for i in range(h):
                _row9(a_u, a_v, b_u, b_v, i, du, dv, feed, kill, dt)
        else:
            for i in range(h):
                _row5(a_u, a_v, b_u, b_v, i, du, dv, feed, kill, dt)
        a_u, b_u = b_u, a_u
        a_v, b_v = b_v, a_v
    return a_u, a_v


# --------------------------------------------------------------- reference
def numpy_step(u: np.ndarray, v: np.ndarray, du: float, dv: float, feed: float, kill: float,
               dt: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """One explicit Euler step in plain NumPy (5-point Laplacian, periodic ``np.roll``).

    The reference :func:`gray_scott` is tested and benchmarked against.
    """
    lu = np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1) - 4.0 * u
    lv = np.roll(v, 1, 0) + np.roll(v, -1, 0) + np.roll(v, 1, 1) + np.roll(v, -1, 1) - 4.0 * v
    uvv = u * v * v
    return (u + dt * (du * lu - uvv + feed * (1.0 - u)),
            v + dt * (dv * lv + uvv - (feed + kill) * v))


# ---------------------------------------------------------------- checking
def _number(name: str, value, lo: float | None = None, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    value = float(value)
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if lo is not None and value < lo:
        raise ValueError(f"{name} must be >= {lo}, got {value!r}")
    return value


def _grid(name: str, a) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim != 2 or min(arr.shape) < 3:
        raise ValueError(f"{name} must be a 2-D grid of at least 3x3 cells, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} must be a real-valued numeric array, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64, order="C")  # always a copy: the caller's array is never changed
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{name} must be finite everywhere: found {arr[tuple(bad)]} at index {tuple(bad)}")
    return arr


def gray_scott(u, v, *, du: float, dv: float, feed: float, kill: float, dt: float = 1.0,
               steps: int, laplacian: str = "5-point", parallel: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Advance Gray–Scott by ``steps`` explicit Euler steps on a periodic grid.

    ``u`` and ``v`` are equal-shape 2-D arrays (copied, never modified); the
    result is a new ``(u, v)`` pair of float64 arrays. Raises ValueError for
    NaN/inf in the grids, mismatched shapes, ``dt`` above the stability bound
    ``dt * max(du, dv) <= 0.25`` (5-point) / ``1.25`` (9-point), or more than
    :data:`MAX_STEPS` steps. ``parallel`` picks the multi-threaded stencil
    (rows in parallel, one thread barrier per step) or the single-threaded one;
    the default uses threads from :data:`PARALLEL_CELLS` cells (1024²) up, where
    a step is long enough to pay for the barrier. Both give identical results.
    """
    if laplacian not in LAPLACIANS:
        raise ValueError(f"laplacian must be one of {', '.join(LAPLACIANS)}, got {laplacian!r}")
    u = _grid("u", u)
    v = _grid("v", v)
    if u.shape != v.shape:
        raise ValueError(f"u and v must have the same shape, got {u.shape} and {v.shape}")
    du = _number("du", du, lo=0.0)
    dv = _number("dv", dv, lo=0.0)
    feed = _number("feed", feed, lo=0.0)
    kill = _number("kill", kill, lo=0.0)
    dt = _number("dt", dt, positive=True)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an integer from 0 to {MAX_STEPS:,}, got {steps!r}")
    rate = max(du, dv)
    if rate > 0 and dt * rate > _BOUND[laplacian]:
        raise ValueError(
            f"dt={dt:g} is unstable for du={du:g}, dv={dv:g} with the {laplacian} Laplacian: explicit Euler "
            f"needs dt * max(du, dv) <= {_BOUND[laplacian]} (dt <= {_BOUND[laplacian] / rate:.4g})")
    if steps == 0:
        return u, v
    if parallel is None:
        parallel = u.size >= PARALLEL_CELLS
    run = _run_parallel if parallel else _run_serial
    return run(u, v, du, dv, feed, kill, dt, int(steps), laplacian == "9-point")


def gray_scott_preset(name: str) -> GrayScottPreset:
    """A preset by name (see :data:`PRESETS`); ValueError naming the choices otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown Gray–Scott preset {name!r}: expected one of {', '.join(PRESETS)}") from None


def seed_grid(shape: tuple[int, int], *, seed: int, mask=None, spots: int = 12, radius: float = 0.04,
              noise: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    """A starting state: ``u = 1, v = 0`` everywhere except where ``v`` is seeded.

    ``mask`` (an (H, W) array, bool or [0, 1]: text, a shape, an image's
    darkness) seeds ``v = 0.25 * mask, u = 1 - 0.5 * mask``; without a mask,
    ``spots`` random discs of ``radius`` (share of the short side) are seeded.
    A little uniform noise (``noise``) breaks the symmetry. Random numbers come
    only from ``np.random.default_rng(seed)``.
    """
    if len(shape) != 2 or min(shape) < 3:
        raise ValueError(f"shape must be (height, width) of at least 3x3, got {shape!r}")
    h, w = int(shape[0]), int(shape[1])
    if h * w > 64_000_000:
        raise ValueError(f"shape must have at most 64,000,000 cells, got {h}x{w}")
    rng = np.random.default_rng(seed)
    if mask is not None:
        m = _grid("mask", mask)
        if m.shape != (h, w):
            raise ValueError(f"mask must have shape {(h, w)}, got {m.shape}")
        m = np.clip(m, 0.0, 1.0)
    else:
        if not 0 <= spots <= 10_000:
            raise ValueError(f"spots must be from 0 to 10000, got {spots!r}")
        m = np.zeros((h, w))
        yy, xx = np.mgrid[0:h, 0:w]
        r = max(1.5, radius * min(h, w))
        for cy, cx in zip(rng.uniform(0, h, spots), rng.uniform(0, w, spots)):
            dy = np.minimum(abs(yy - cy), h - abs(yy - cy))
            dx = np.minimum(abs(xx - cx), w - abs(xx - cx))
            m[dy * dy + dx * dx <= r * r] = 1.0
    jitter = rng.uniform(-noise, noise, (2, h, w)) if noise else np.zeros((2, h, w))
    u = np.clip(1.0 - 0.5 * m + jitter[0] * m, 0.0, 1.0)
    v = np.clip(0.25 * m + jitter[1] * m, 0.0, 1.0)
    return u, v
