"""Noise for sketches: OpenSimplex, Perlin, fBm, domain warping, curl, loops.

Every function takes scalars or NumPy arrays (broadcast against each other like
a ufunc) and an explicit integer ``seed``; scalars in give a float out, arrays
in give an array of the broadcast shape. Nothing here keeps global state.
NaN or infinite coordinates give NaN at that sample.

    from gencraft import noise
    v = noise.simplex2(0.5, 0.5, seed=3)                 # == opensimplex seed 3
    h = noise.fbm(xs[None, :], ys[:, None], octaves=6)   # (ny, nx) field
    vx, vy = noise.curl2(px, py, seed=1)                 # divergence-free flow
    tile = noise.tileable2(u, v, period=4)               # seamless texture
    f = noise.loop2(x, y, t, radius=0.7)                 # f(t=0) == f(t=1)

Bases (``base=``): ``"simplex"`` (OpenSimplex, equal to the ``opensimplex``
package), ``"opensimplex2"`` (KdotJPG's faster successor, 2D) and ``"perlin"``
(improved Perlin noise; seed 0 is Perlin's reference table). Fractal sums are
normalised by the sum of amplitudes: ``fbm`` stays in the base range (about
[-1, 1]), ``ridged`` and ``turbulence`` are in [0, 1].

Speed where sketches call noise:

- **Per point from Python** (a p5-style loop): ``simplex2(x, y, seed=s)`` with
  float coordinates and an int seed goes straight to the compiled scalar kernel
  (no arrays, no threads), as fast as ``opensimplex.noise2``.
- **Arrays**: below ``PARALLEL_MIN`` noise evaluations they are computed in the
  calling thread (a parallel region costs more than it saves, most of all on a
  busy machine), through the kernel's compiled entry point (no per-call type
  dispatch); larger ones use every Numba thread. Both give the same bits.
  Outer products such as ``simplex3(x[None, None, :], y[None, :, None],
  z[:, None, None])`` (the layout of ``opensimplex.noise3array``) run on the
  axes, without materialising full coordinate arrays; ``simplex2(x[None, :],
  y[:, None])`` (``noise2array``'s layout) is recognised first, in a few
  attribute reads, so an 8x8 grid costs a few µs a call.
- **Inside your own ``@numba.njit`` code**: call ``noise.simplex2``,
  ``simplex3``, ``simplex4``, ``opensimplex2`` and ``perlin3`` per point with
  scalar coordinates; they compile into your kernel. Pass a table made once
  outside (``tbl = noise.table(seed)``) as the seed, or a constant seed (or
  none: seed 0)::

      from numba import njit
      from gencraft import noise

      @njit
      def heights(xs, ys, tbl):
          out = np.empty(xs.size)
          for i in range(xs.size):
              out[i] = noise.simplex2(xs[i], ys[i], tbl)   # kernel speed
          return out

      heights(xs, ys, noise.table(7))   # == noise.simplex2(xs, ys, seed=7)

  Fractal sums, curl and warping for Numba code are in
  ``gencraft.noise.kernels`` (``fbm2_at``, ``fractal2_at``, ``curl2_at`` ...),
  which take the same table.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np

import numba

from gencraft.noise import grid as _grid
from gencraft.noise.fractal import (
    MODE_FBM, MODE_RIDGED, MODE_TURBULENCE, OS2, PERLIN, SIMPLEX,
    fractal2_at as _fractal2_at, fractal3_at as _fractal3_at, fractal4_at as _fractal4_at,
)
from gencraft.noise.os2 import os2_2d_at as _os2_at
from gencraft.noise.perlin import perlin3_seeded_at as _perlin3_at
from gencraft.noise.simplex import simplex2_at as _simplex2_at, simplex3_at as _simplex3_at, \
    simplex4_at as _simplex4_at
from gencraft.noise.tables import _CACHE as _TABLES, OFF_SEED, PERM_SIZE, perm_for_seed, shared_table
from gencraft.errors import UserError, did_you_mean

__all__ = [
    "simplex2", "simplex3", "simplex4", "opensimplex2", "perlin3",
    "fbm", "ridged", "turbulence", "warp", "curl2", "curl3",
    "tileable2", "loop2", "simplex2_grid", "opensimplex2_grid", "fbm_grid",
    "table", "BASES", "PARALLEL_MIN",
]

BASES = {"simplex": SIMPLEX, "opensimplex2": OS2, "perlin": PERLIN}
_DIMS = {SIMPLEX: (2, 3, 4), OS2: (2,), PERLIN: (2, 3)}
MAX_OCTAVES = 64
#: arrays needing fewer noise evaluations than this (2D-sample units: a 3D
#: sample counts 2, a 4D one 4, each octave once) are computed in the calling
#: thread; larger ones in parallel. Same values either way.
PARALLEL_MIN = 16384
_COST = {2: 1, 3: 2, 4: 4}
_F64 = np.dtype(np.float64)


def _serial(work: int) -> bool:
    return work < PARALLEL_MIN or numba.get_num_threads() < 2


def _pick(name: str, work: int):
    """The kernel `name` of grid.py, or its serial twin for small work.

    A serial twin is handed out as its compiled entry point once it has run
    (``_lazy_serial``): small arrays are where per-call overhead shows, and
    Numba's type dispatch is ~0.3 µs of a ~2 µs call. Safe because each kernel
    always gets the same types here: C-contiguous float64 coordinate arrays
    (``_outer2``, ``_grid_axes``, ``_coords``, ``_axis``), the int64 table from
    ``_seed_table``, float64 outputs made here, Python ints and floats from the
    checks. (Inputs may be read-only, which Numba types apart; the kernels
    only read them.)
    """
    if not _serial(work):
        return getattr(_grid, name)
    fn = _SERIAL.get(name)
    return fn if fn is not None else _lazy_serial(name)


def table(seed: int = 0) -> np.ndarray:
    """The lookup table for ``seed`` (one int64 array; see ``gencraft.noise.tables``).

    Pass it as ``seed=`` to any function here (saves the seed lookup in a hot
    loop), or into your own ``@numba.njit`` function and on to ``noise.simplex2``
    and friends there. A fresh array each call.
    """
    return perm_for_seed(seed)


# ---------------------------------------------------------------- validation
def _seed_table(seed) -> np.ndarray:
    if type(seed) is int:  # a seed seen before: one dict lookup (~0.05 µs, not ~0.6)
        t = _TABLES.get(seed)
        if t is not None:
            return t
    if isinstance(seed, np.ndarray):
        if seed.dtype != np.int64 or seed.shape != (PERM_SIZE,) or not seed.flags.c_contiguous:
            raise UserError(f"a noise table must be noise.table(seed) (int64, length {PERM_SIZE}); "
                            f"got an array of {seed.dtype} with shape {seed.shape}")
        return seed
    return shared_table(seed)  # raises UserError for a non-integer seed


def _scalar(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise UserError(f"noise coordinates must be real numbers or arrays of them ({exc})") from None


def _base(base, dims: int) -> int:
    if base not in BASES:
        raise UserError(f"unknown noise base {base!r}; expected one of {', '.join(BASES)}"
                        + did_you_mean(str(base), list(BASES)))
    kind = BASES[base]
    if dims not in _DIMS[kind]:
        raise UserError(f"noise base {base!r} has no {dims}D version; use base='simplex'")
    return kind


def _octaves(octaves) -> int:
    if isinstance(octaves, bool) or not isinstance(octaves, (int, np.integer)) \
            or not 1 <= octaves <= MAX_OCTAVES:
        raise UserError(f"octaves must be an integer from 1 to {MAX_OCTAVES}, got {octaves!r}")
    return int(octaves)


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise UserError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _finite(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise UserError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _fractal_args(octaves, lacunarity, gain) -> tuple[int, float, float]:
    return _octaves(octaves), _positive("lacunarity", lacunarity), _positive("gain", gain)


# ---------------------------------------------------------------- broadcasting
def _coords(*values):
    """Broadcast coordinates; return (2D C-contiguous float arrays, shape, scalar?).

    Arrays that are already C-contiguous float64 of one shape (the common case)
    are only reshaped: ``np.broadcast_arrays`` alone costs more than noise on a
    small array."""
    shape = getattr(values[0], "shape", None)
    if shape and all(type(v) is np.ndarray and v.shape == shape and v.dtype is _F64 and v.flags.c_contiguous
                     for v in values):
        return [v.reshape(_flat(shape)) for v in values], shape, False
    scalar = all(np.ndim(v) == 0 for v in values)
    try:
        arrays = [np.asarray(v, dtype=np.float64) for v in values]
    except (TypeError, ValueError) as exc:
        raise UserError(f"noise coordinates must be real numbers or arrays of them ({exc})") from None
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = " and ".join(str(np.shape(a)) for a in arrays)
        raise UserError(f"noise coordinates of shapes {shapes} do not broadcast together") from None
    shape = arrays[0].shape
    flat = _flat(shape)
    return [np.ascontiguousarray(a).reshape(flat) for a in arrays], shape, scalar


def _flat(shape) -> tuple:
    """The 2D shape the array kernels see: rows of the last axis."""
    if len(shape) == 2:
        return shape
    if len(shape) < 2:
        return 1, math.prod(shape)
    return math.prod(shape[:-1]), shape[-1]


def _finish(out: np.ndarray, shape, scalar: bool):
    return float(out.reshape(-1)[0]) if scalar else out.reshape(shape)


def _grid_axes(values):
    """(1-D axes in x, y, z, w order, result shape) when the coordinates broadcast as
    an outer product with coordinate i varying only along axis -(i + 1) of the result
    (x last: ``x[None, :]``, ``y[:, None]``; the layout of opensimplex's
    ``noise3array``), each axis being a coordinate's values or a single value;
    else None. Such grids run the grid kernels on the axes, without
    materialising full coordinate arrays.

    Written for speed (it runs on every array call): a float64 array passes
    with an identity test.
    """
    arrays = [v if type(v) is np.ndarray else np.asarray(v) for v in values]
    nd = max(a.ndim for a in arrays)
    shape = [1] * nd
    axes = []
    for i, a in enumerate(arrays):
        n = a.size
        if n != 1:  # it varies along one axis only: axis -(i + 1) of itself and of the result
            k = a.ndim - 1 - i
            if k < 0 or a.shape[k] != n:
                return None
            shape[nd - 1 - i] = n
        if a.dtype is not _F64:
            if a.dtype.kind not in "fiu":
                return None
            a = a.astype(np.float64)
        axes.append(a.ravel())  # C-contiguous: a view when `a` is, else a copy
    return axes, tuple(shape)


def _outer2(x, y):
    """``_grid_axes`` for the commonest 2D grid, ``x[None, :]`` by ``y[:, None]`` of
    float64 arrays (the ``noise2array`` layout), else None. Tested first, in a
    few attribute reads: on a small grid the general test costs more than the noise."""
    if type(x) is np.ndarray and type(y) is np.ndarray and x.dtype is _F64 and y.dtype is _F64:
        xs, ys = x.shape, y.shape
        if len(xs) == 2 == len(ys) and xs[0] == 1 == ys[1]:
            return (x.ravel(), y.ravel()), (ys[0], xs[1])
    return None


def _fractal(coords, seed, kind, mode, octaves, lacunarity, gain):
    perm = _seed_table(seed)
    dims = len(coords)
    grid = _outer2(*coords) if dims == 2 else None  # the commonest grid, by the cheapest test
    if grid is None:
        if all(c.ndim == 0 if type(c) is np.ndarray else np.ndim(c) == 0 for c in coords):  # one sample: no arrays
            c = [_scalar(v) for v in coords]
            if dims == 2:
                return _fractal2_at(kind, mode, c[0], c[1], perm, octaves, lacunarity, gain)
            if dims == 3:
                return _fractal3_at(kind, mode, c[0], c[1], c[2], perm, octaves, lacunarity, gain)
            return _fractal4_at(mode, c[0], c[1], c[2], c[3], perm, octaves, lacunarity, gain)
        grid = _grid_axes(coords)
    if grid is not None:
        axes, shape = grid
        work = math.prod(shape) * octaves * _COST[dims]
        if not work:
            return np.empty(shape)
        if dims == 2:
            if octaves == 1 and kind == SIMPLEX and mode == MODE_FBM:
                # plain simplex2: the 3-argument kernel, same bits (one octave is
                # 0.0 + noise(x*1.0 + 0.0, ...) / 1.0, which can only turn -0.0 into 0.0)
                out = _pick("simplex2_grid", work)(*axes, perm)
            else:
                out = _pick("fractal2_grid", work)(*axes, perm, kind, mode, octaves, lacunarity, gain)
        elif dims == 3:
            out = _pick("fractal3_grid", work)(*axes, perm, kind, mode, octaves, lacunarity, gain)
        else:
            out = _pick("fractal4_grid", work)(*axes, perm, mode, octaves, lacunarity, gain)
        return out if out.shape == shape else out.reshape(shape)
    arrays, shape, scalar = _coords(*coords)
    out = np.empty(arrays[0].shape, dtype=np.float64)
    if out.size:
        work = out.size * octaves * _COST[dims]
        if dims == 2:
            _pick("fractal2_array", work)(*arrays, perm, kind, mode, octaves, lacunarity, gain, out)
        elif dims == 3:
            _pick("fractal3_array", work)(*arrays, perm, kind, mode, octaves, lacunarity, gain, out)
        else:
            _pick("fractal4_array", work)(*arrays, perm, mode, octaves, lacunarity, gain, out)
    return _finish(out, shape, scalar)


# ---------------------------------------------------------------- base noises
# Each base noise starts with the per-point fast path: float coordinates and an
# int seed already seen go straight to the compiled scalar kernel, which is
# what a sketch's Python loop hits. The kernel is called through its compiled
# entry point, skipping Numba's per-call type dispatch (a third of a 0.3 µs
# call): the checks above it guarantee the argument types it was compiled for.
# simplex2 then tries noise2array's grid layout (``x[None, :]``, ``y[:, None]``),
# which goes to the grid kernel without ``_fractal``'s general tests (on an 8x8
# grid those cost about as much as the 64 samples).
def _entry_point(dispatcher, *args):
    """(The compiled function behind `dispatcher` for these argument types, the
    dispatcher's result). Falls back to the dispatcher itself if Numba offers no
    entry point or it does not give the same result on a second call."""
    result = dispatcher(*args)
    try:
        fn = dispatcher.overloads[tuple(dispatcher.typeof_pyval(a) for a in args)].entry_point
        again = fn(*args)
        if isinstance(result, np.ndarray):
            same = np.array_equal(again, result, equal_nan=True)
        else:
            same = again == result or result != result
        return (fn if same else dispatcher), result
    except Exception:  # noqa: BLE001 - an optimisation; the dispatcher always works
        return dispatcher, result


def _lazy(name: str, dispatcher):
    def first_call(*args):
        fn, result = _entry_point(dispatcher, *args)
        globals()[name] = fn
        return result
    return first_call


_s2_fast = _lazy("_s2_fast", _simplex2_at)
_s3_fast = _lazy("_s3_fast", _simplex3_at)
_s4_fast = _lazy("_s4_fast", _simplex4_at)
_os2_fast = _lazy("_os2_fast", _os2_at)
_p3_fast = _lazy("_p3_fast", _perlin3_at)

_SERIAL: dict = {}  # grid.py kernel name -> compiled entry point of its serial twin (see _pick)


def _lazy_serial(name: str):
    """The serial twin of grid.py's `name` for one call through its dispatcher,
    which records the compiled entry point that ``_pick`` hands out from then on."""
    dispatcher = getattr(_grid, name + "_serial")

    def first_call(*args):
        fn, result = _entry_point(dispatcher, *args)
        _SERIAL[name] = fn
        return result
    first_call.__name__ = dispatcher.py_func.__name__
    return first_call


def simplex2(x, y, seed: int = 0):
    """OpenSimplex 2D, equal to ``opensimplex.OpenSimplex(seed).noise2(x, y)``; about [-1, 1]."""
    if type(x) is float and type(y) is float and type(seed) is int:
        t = _TABLES.get(seed)
        if t is not None:
            return _s2_fast(x, y, t)
    grid = _outer2(x, y)
    if grid is not None:  # same bits as _fractal's route, for less Python
        (xs, ys), _ = grid
        return _pick("simplex2_grid", xs.size * ys.size)(xs, ys, _seed_table(seed))
    return _fractal((x, y), seed, SIMPLEX, MODE_FBM, 1, 1.0, 1.0)


def simplex3(x, y, z, seed: int = 0):
    """OpenSimplex 3D, equal to ``opensimplex`` ``noise3``; about [-1, 1]."""
    if type(x) is float and type(y) is float and type(z) is float and type(seed) is int:
        t = _TABLES.get(seed)
        if t is not None:
            return _s3_fast(x, y, z, t)
    return _fractal((x, y, z), seed, SIMPLEX, MODE_FBM, 1, 1.0, 1.0)


def simplex4(x, y, z, w, seed: int = 0):
    """OpenSimplex 4D, equal to ``opensimplex`` ``noise4``; about [-1, 1]."""
    if type(x) is float and type(y) is float and type(z) is float and type(w) is float and type(seed) is int:
        t = _TABLES.get(seed)
        if t is not None:
            return _s4_fast(x, y, z, w, t)
    return _fractal((x, y, z, w), seed, SIMPLEX, MODE_FBM, 1, 1.0, 1.0)


def opensimplex2(x, y, seed: int = 0):
    """OpenSimplex2 2D (KdotJPG): smoother, faster successor; about [-1, 1]."""
    if type(x) is float and type(y) is float and type(seed) is int:
        t = _TABLES.get(seed)
        if t is not None:
            return _os2_fast(x, y, seed)
    return _fractal((x, y), seed, OS2, MODE_FBM, 1, 1.0, 1.0)


def perlin3(x, y, z, seed: int = 0):
    """Ken Perlin's improved noise (2002). Seed 0 is the reference permutation,
    so values equal the Java reference ``ImprovedNoise.noise``; about [-1, 1]."""
    if type(x) is float and type(y) is float and type(z) is float and type(seed) is int:
        t = _TABLES.get(seed)
        if t is not None:
            return _p3_fast(x, y, z, t)
    return _fractal((x, y, z), seed, PERLIN, MODE_FBM, 1, 1.0, 1.0)


# ---------------------------------------------------------------- fractal sums
def _fractal_api(mode):
    def fn(x, y, z=None, w=None, *, seed: int = 0, octaves: int = 4, lacunarity: float = 2.0,
           gain: float = 0.5, base: str = "simplex"):
        if w is not None and z is None:
            raise UserError("a w coordinate needs a z coordinate too")
        coords = tuple(c for c in (x, y, z, w) if c is not None)
        kind = _base(base, len(coords))
        octaves, lacunarity, gain = _fractal_args(octaves, lacunarity, gain)
        return _fractal(coords, seed, kind, mode, octaves, lacunarity, gain)
    return fn


fbm = _fractal_api(MODE_FBM)
fbm.__name__ = fbm.__qualname__ = "fbm"
fbm.__doc__ = """Fractal Brownian motion: sum of ``octaves`` octaves of base noise, octave i at
frequency ``lacunarity**i`` and amplitude ``gain**i``, divided by the sum of
amplitudes (so it stays in the base range, about [-1, 1]). Pass 2, 3 or 4
coordinates (4D only for base='simplex')."""

ridged = _fractal_api(MODE_RIDGED)
ridged.__name__ = ridged.__qualname__ = "ridged"
ridged.__doc__ = """Ridged multifractal: octaves of ``(1 - |noise|)**2``, normalised; in [0, 1],
sharp crests where the base noise crosses zero (mountain ridges, veins)."""

turbulence = _fractal_api(MODE_TURBULENCE)
turbulence.__name__ = turbulence.__qualname__ = "turbulence"
turbulence.__doc__ = """Perlin's turbulence: octaves of ``|noise|``, normalised; in [0, 1] (billows,
fire, creases along zero crossings)."""


def warp(x, y, *, seed: int = 0, levels: int = 2, strength: float = 4.0, octaves: int = 4,
         lacunarity: float = 2.0, gain: float = 0.5, base: str = "simplex", detail: bool = False):
    """Domain warping as Inigo Quilez describes it: ``fbm(p + strength * q(p))`` with
    ``q = (fbm(p), fbm(p + (5.2, 1.3)))``; with ``levels=2`` the warp is itself warped
    through ``r = (fbm(p + s*q + (1.7, 9.2)), fbm(p + s*q + (8.3, 2.8)))`` and the result
    is ``fbm(p + s*r)``. ``detail=True`` returns ``(f, qx, qy, rx, ry)`` (useful for
    colouring: IQ tints by ``|q|`` and ``r``); otherwise just ``f``.
    """
    kind = _base(base, 2)
    octaves, lacunarity, gain = _fractal_args(octaves, lacunarity, gain)
    if isinstance(levels, bool) or levels not in (1, 2):
        raise UserError(f"warp levels must be 1 or 2, got {levels!r}")
    strength = _finite("strength", strength)
    arrays, shape, scalar = _coords(x, y)
    perm = _seed_table(seed)
    outs = [np.empty(arrays[0].shape, dtype=np.float64) for _ in range(5)]
    if outs[0].size:
        _pick("warp2_array", outs[0].size * octaves * (2 + 3 * int(levels)))(
            *arrays, perm, kind, int(levels), strength, octaves, lacunarity, gain, *outs)
    result = tuple(_finish(o, shape, scalar) for o in outs)
    return result if detail else result[0]


# ---------------------------------------------------------------- curl noise
def curl2(x, y, *, seed: int = 0, octaves: int = 1, lacunarity: float = 2.0, gain: float = 0.5,
          base: str = "simplex", eps: float = 1e-3):
    """Divergence-free 2D velocity (Bridson et al. 2007): the curl
    ``(dpsi/dy, -dpsi/dx)`` of a noise (or fBm) potential psi, by central
    differences of step ``eps``. Returns ``(vx, vy)``."""
    kind = _base(base, 2)
    octaves, lacunarity, gain = _fractal_args(octaves, lacunarity, gain)
    eps = _positive("eps", eps)
    arrays, shape, scalar = _coords(x, y)
    perm = _seed_table(seed)
    vx = np.empty(arrays[0].shape, dtype=np.float64)
    vy = np.empty_like(vx)
    if vx.size:
        _pick("curl2_array", vx.size * octaves * 4)(*arrays, perm, kind, eps, octaves, lacunarity, gain, vx, vy)
    return _finish(vx, shape, scalar), _finish(vy, shape, scalar)


def curl3(x, y, z, *, seed: int = 0, octaves: int = 1, lacunarity: float = 2.0, gain: float = 0.5,
          base: str = "simplex", eps: float = 1e-3):
    """Divergence-free 3D velocity: curl of a vector potential whose three
    components are the same noise at three far-apart offsets. Returns ``(vx, vy, vz)``.
    Legacy OpenSimplex 3D has tiny (~1e-8) value jumps on some cell faces, so the
    discrete divergence can spike at a few samples; ``base="perlin"`` (C2-smooth)
    cancels everywhere."""
    kind = _base(base, 3)
    octaves, lacunarity, gain = _fractal_args(octaves, lacunarity, gain)
    eps = _positive("eps", eps)
    arrays, shape, scalar = _coords(x, y, z)
    perm = _seed_table(seed)
    outs = [np.empty(arrays[0].shape, dtype=np.float64) for _ in range(3)]
    if outs[0].size:
        _pick("curl3_array", outs[0].size * octaves * 24)(*arrays, perm, kind, eps, octaves, lacunarity, gain, *outs)
    return tuple(_finish(o, shape, scalar) for o in outs)


# ---------------------------------------------------------------- periodic and looping
def _mode(mode: str) -> int:
    modes = {"fbm": MODE_FBM, "ridged": MODE_RIDGED, "turbulence": MODE_TURBULENCE}
    if mode not in modes:
        raise UserError(f"unknown fractal mode {mode!r}; expected one of {', '.join(modes)}"
                        + did_you_mean(str(mode), list(modes)))
    return modes[mode]


def tileable2(x, y, period=1.0, *, seed: int = 0, octaves: int = 1, lacunarity: float = 2.0,
              gain: float = 0.5, mode: str = "fbm"):
    """2D noise that repeats: ``f(x + px, y) == f(x, y + py) == f(x, y)`` (exactly when
    ``x mod px`` is exact, e.g. pixel grids; to rounding otherwise).

    ``period`` is a number or ``(px, py)`` in noise units. Why 4D: the plane is
    wrapped onto a flat torus ``(cos, sin)`` x ``(cos, sin)`` in 4D and sampled
    there with OpenSimplex 4D, so there are no seams and no mirroring; each
    axis's circle has circumference equal to its period, so features keep the
    size they have in ``simplex2``. Any lacunarity tiles (octaves scale in 4D).
    """
    px, py = (period, period) if np.ndim(period) == 0 else tuple(period)
    px, py = _positive("period", px), _positive("period", py)
    octaves, lacunarity, gain = _fractal_args(octaves, lacunarity, gain)
    m = _mode(mode)
    arrays, shape, scalar = _coords(x, y)
    ax = np.mod(arrays[0], px) * (2.0 * math.pi / px)  # mod first: exact repeats, no
    ay = np.mod(arrays[1], py) * (2.0 * math.pi / py)  # precision loss far from 0
    rx, ry = px / (2.0 * math.pi), py / (2.0 * math.pi)
    coords = (rx * np.cos(ax), rx * np.sin(ax), ry * np.cos(ay), ry * np.sin(ay))
    out = _fractal(coords, seed, SIMPLEX, m, octaves, lacunarity, gain)
    return float(out.reshape(-1)[0]) if scalar else np.asarray(out).reshape(shape)


def loop2(x, y, t, *, radius: float = 0.5, seed: int = 0, octaves: int = 1,
          lacunarity: float = 2.0, gain: float = 0.5, mode: str = "fbm"):
    """2D noise that animates in ``t`` and loops with period 1: ``f(t) == f(t + 1)``
    exactly (t is reduced mod 1 first). The time axis is a circle of ``radius``
    (noise units) in the z-w plane of OpenSimplex 4D; a larger radius means
    more change over one loop."""
    radius = _positive("radius", radius)
    octaves, lacunarity, gain = _fractal_args(octaves, lacunarity, gain)
    m = _mode(mode)
    arrays, shape, scalar = _coords(x, y, t)
    phase = np.mod(arrays[2], 1.0) * (2.0 * math.pi)
    coords = (arrays[0], arrays[1], radius * np.cos(phase), radius * np.sin(phase))
    out = _fractal(coords, seed, SIMPLEX, m, octaves, lacunarity, gain)
    return float(out.reshape(-1)[0]) if scalar else np.asarray(out).reshape(shape)


# ---------------------------------------------------------------- grids (fast paths)
def _axis(name: str, v) -> np.ndarray:
    a = np.ascontiguousarray(v, dtype=np.float64)
    if a.ndim != 1:
        raise UserError(f"{name} must be a 1-D array of coordinates, got shape {a.shape}")
    return a


def simplex2_grid(xs, ys, seed: int = 0) -> np.ndarray:
    """OpenSimplex 2D on the grid ``xs`` x ``ys`` -> shape (len(ys), len(xs)),
    the same layout and values as ``opensimplex.noise2array``."""
    xs, ys = _axis("xs", xs), _axis("ys", ys)
    return _pick("simplex2_grid", xs.size * ys.size)(xs, ys, _seed_table(seed))


def opensimplex2_grid(xs, ys, seed: int = 0) -> np.ndarray:
    """OpenSimplex2 2D on the grid ``xs`` x ``ys`` -> shape (len(ys), len(xs))."""
    xs, ys = _axis("xs", xs), _axis("ys", ys)
    return _pick("os2_grid", xs.size * ys.size)(xs, ys, np.int64(_seed_table(seed)[OFF_SEED]))


def fbm_grid(xs, ys, *, seed: int = 0, octaves: int = 4, lacunarity: float = 2.0,
             gain: float = 0.5, base: str = "simplex", mode: str = "fbm") -> np.ndarray:
    """Fused fractal sum on the grid ``xs`` x ``ys`` -> (len(ys), len(xs)), all octaves
    in one parallel pass; equal to ``fbm(xs[None, :], ys[:, None], ...)``."""
    kind = _base(base, 2)
    octaves, lacunarity, gain = _fractal_args(octaves, lacunarity, gain)
    xs, ys = _axis("xs", xs), _axis("ys", ys)
    return _pick("fractal2_grid", xs.size * ys.size * octaves)(xs, ys, _seed_table(seed), kind, _mode(mode),
                                                               octaves, lacunarity, gain)


from gencraft.noise import jit as _jit  # noqa: E402,F401  (registers the @njit versions of the functions above)
