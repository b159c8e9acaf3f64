"""Vector fields that particles follow: noise angles, curl noise, sampled grids, your own function.

A field is data, not code: every built-in field packs into
``(kind, fp, grid, perm)`` — a kind code, float parameters, a (T, H, W, 2)
vector grid and noise tables — and one Numba function, :func:`velocity`,
evaluates any of them. That keeps the advection kernels compiled once and
cached. A user-written Numba function ``f(x, y, t) -> (vx, vy)`` is also a
field (:class:`FunctionField`); kernels are re-specialised for it.

Fields may vary in time: noise fields move through a third noise dimension
(``time_scale``), grids interpolate linearly between time slices.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from gencraft.errors import UserError
from gencraft.particles._noise import noise2, noise3, perm_for_seed

NOISE_ANGLE, CURL, GRID, FUNCTION = 0, 1, 2, 3

_EMPTY_GRID = np.zeros((1, 1, 1, 2))
_EMPTY_PERM = np.zeros(1, dtype=np.int64)


@njit(cache=True, inline="always")
def _fbm(u, v, w, timed, perm, octaves, lacunarity, gain):
    total = 0.0
    norm = 0.0
    amp = 1.0
    f = 1.0
    for o in range(octaves):
        # offset octaves so they do not share a lattice origin
        if timed:
            n = noise3(u * f + 17.31 * o, v * f - 9.13 * o, w, perm)
        else:
            n = noise2(u * f + 17.31 * o, v * f - 9.13 * o, perm)
        total += amp * n
        norm += amp
        amp *= gain
        f *= lacunarity
    return total / norm


@njit(cache=True)
def _grid_sample(grid, fp, x, y, t):
    nt, h, w = grid.shape[0], grid.shape[1], grid.shape[2]
    # pixel centres: grid[j, i] sits at x0 + (i + 0.5) * dx
    gx = (x - fp[0]) / (fp[2] - fp[0]) * w - 0.5
    gy = (y - fp[1]) / (fp[3] - fp[1]) * h - 0.5
    gx = min(max(gx, 0.0), w - 1.0)
    gy = min(max(gy, 0.0), h - 1.0)
    i0 = min(int(gx), w - 2) if w > 1 else 0
    j0 = min(int(gy), h - 2) if h > 1 else 0
    i1 = i0 + 1 if w > 1 else 0
    j1 = j0 + 1 if h > 1 else 0
    fx = gx - i0
    fy = gy - j0
    if nt > 1:
        gt = (t - fp[4]) / (fp[5] - fp[4]) * (nt - 1)
        gt = min(max(gt, 0.0), nt - 1.0)
        k0 = min(int(gt), nt - 2)
        ft = gt - k0
    else:
        k0 = 0
        ft = 0.0
    vx = 0.0
    vy = 0.0
    for dk in range(2 if nt > 1 else 1):
        wt = (1.0 - ft) if dk == 0 else ft
        g = grid[k0 + dk]
        ax = g[j0, i0, 0] * (1 - fx) + g[j0, i1, 0] * fx
        bx = g[j1, i0, 0] * (1 - fx) + g[j1, i1, 0] * fx
        ay = g[j0, i0, 1] * (1 - fx) + g[j0, i1, 1] * fx
        by = g[j1, i0, 1] * (1 - fx) + g[j1, i1, 1] * fx
        vx += wt * (ax * (1 - fy) + bx * fy)
        vy += wt * (ay * (1 - fy) + by * fy)
    return vx, vy


@njit(cache=True)
def velocity(x, y, t, kind, fp, grid, perm):
    """Velocity of a built-in field at (x, y) and time t."""
    if kind == NOISE_ANGLE:
        # fp: scale, turns, speed, time_scale, angle_offset, octaves, lacunarity, gain
        timed = fp[3] != 0.0
        if fp[5] == 1.0 and not timed:  # the common case, without the octave loop
            n = noise2(x * fp[0], y * fp[0], perm)
        else:
            n = _fbm(x * fp[0], y * fp[0], t * fp[3], timed, perm, int(fp[5]), fp[6], fp[7])
        a = n * fp[1] * 2.0 * math.pi + fp[4]
        return fp[2] * math.cos(a), fp[2] * math.sin(a)
    elif kind == CURL:
        # fp: scale, speed, time_scale, eps, octaves, lacunarity, gain
        timed = fp[2] != 0.0
        u = x * fp[0]
        v = y * fp[0]
        w = t * fp[2]
        e = fp[3]
        o = int(fp[4])
        dndu = (_fbm(u + e, v, w, timed, perm, o, fp[5], fp[6]) - _fbm(u - e, v, w, timed, perm, o, fp[5], fp[6])) / (2 * e)
        dndv = (_fbm(u, v + e, w, timed, perm, o, fp[5], fp[6]) - _fbm(u, v - e, w, timed, perm, o, fp[5], fp[6])) / (2 * e)
        return fp[1] * dndv, -fp[1] * dndu
    else:
        return _grid_sample(grid, fp, x, y, t)


@njit(cache=True)
def _sample_many(xs, ys, t, kind, fp, grid, perm):
    out = np.empty((xs.size, 2))
    for i in range(xs.size):
        out[i, 0], out[i, 1] = velocity(xs[i], ys[i], t, kind, fp, grid, perm)
    return out


def _positive(name, value):
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"{name} must be a positive finite number, got {value!r}")
    return value


def _finite(name, value):
    value = float(value)
    if not math.isfinite(value):
        raise UserError(f"{name} must be a finite number, got {value!r}")
    return value


def _octaves(octaves):
    if isinstance(octaves, bool) or int(octaves) != octaves or not 1 <= int(octaves) <= 12:
        raise UserError(f"octaves must be an integer from 1 to 12, got {octaves!r}")
    return int(octaves)


class Field:
    """A built-in vector field: ``kind`` + packed arrays, evaluated by :func:`velocity`."""

    kind: int
    fp: np.ndarray
    grid: np.ndarray = _EMPTY_GRID
    perm: np.ndarray = _EMPTY_PERM
    fn = None

    def packed(self):
        return self.kind, self.fp, self.grid, self.perm

    def sample(self, x, y, t: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Velocities at points (any shapes that broadcast) -> (vx, vy)."""
        x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        flat = _sample_many(np.ascontiguousarray(x).ravel(), np.ascontiguousarray(y).ravel(),
                            float(t), *self.packed())
        return flat[:, 0].reshape(x.shape), flat[:, 1].reshape(x.shape)

    def angles(self, x, y, t: float = 0.0) -> np.ndarray:
        """Direction of the field (radians) at points."""
        vx, vy = self.sample(x, y, t)
        return np.arctan2(vy, vx)


class NoiseAngleField(Field):
    """Tyler Hobbs' flow field: noise picks an angle, every vector has length ``speed``.

    ``scale`` is noise frequency per unit of x/y (e.g. 0.002 per pixel),
    ``turns`` how many full turns the noise range [-1, 1] spans (0.5-1.5 gives
    gentle to swirly fields), ``time_scale`` > 0 makes it drift with t.
    """

    kind = NOISE_ANGLE

    def __init__(self, seed: int = 0, scale: float = 0.003, turns: float = 1.0, speed: float = 1.0,
                 time_scale: float = 0.0, angle_offset: float = 0.0, octaves: int = 1,
                 lacunarity: float = 2.0, gain: float = 0.5):
        self.fp = np.array([_positive("noise scale", scale), _finite("turns", turns), _finite("speed", speed),
                            _finite("time_scale", time_scale), _finite("angle_offset", angle_offset),
                            _octaves(octaves), _finite("lacunarity", lacunarity), _finite("gain", gain)])
        self.perm = perm_for_seed(seed)


class CurlField(Field):
    """Curl noise: the curl of an fBm potential, so it is divergence-free (no sinks).

    Particles swirl without bunching up; ``speed`` multiplies the gradient
    measured in noise units.
    """

    kind = CURL

    def __init__(self, seed: int = 0, scale: float = 0.003, speed: float = 1.0, time_scale: float = 0.0,
                 octaves: int = 1, lacunarity: float = 2.0, gain: float = 0.5, eps: float = 1e-3):
        self.fp = np.array([_positive("noise scale", scale), _finite("speed", speed),
                            _finite("time_scale", time_scale), _positive("eps", eps), _octaves(octaves),
                            _finite("lacunarity", lacunarity), _finite("gain", gain)])
        self.perm = perm_for_seed(seed)


class GridField(Field):
    """A sampled field, bilinearly interpolated (and linearly in time).

    ``vectors`` is (H, W, 2) or time-varying (T, H, W, 2); cell (j, i) is the
    vector at the centre of that cell of ``bounds`` (x0, y0, x1, y1). Outside
    the bounds the edge values hold. ``times`` = (t0, t1) spans the T slices.
    """

    kind = GRID

    def __init__(self, vectors: np.ndarray, bounds=(0.0, 0.0, 1.0, 1.0), times=(0.0, 1.0)):
        g = np.asarray(vectors, dtype=np.float64)
        if g.ndim == 3:
            g = g[None]
        if g.ndim != 4 or g.shape[-1] != 2 or min(g.shape[:3]) < 1:
            raise UserError(f"grid field must be (H, W, 2) or (T, H, W, 2), got shape {np.shape(vectors)}")
        bad = ~np.isfinite(g)
        if bad.any():
            where = tuple(int(v) for v in np.argwhere(bad)[0])
            raise UserError(f"grid field has NaN/inf values (first at index {where}): fields must be finite")
        x0, y0, x1, y1 = (_finite("grid bounds", v) for v in bounds)
        if not (x1 > x0 and y1 > y0):
            raise UserError(f"grid bounds must have x1 > x0 and y1 > y0, got {tuple(bounds)!r}")
        t0, t1 = (_finite("grid times", v) for v in times)
        if g.shape[0] > 1 and not t1 > t0:
            raise UserError(f"grid times must have t1 > t0, got {tuple(times)!r}")
        self.grid = np.ascontiguousarray(g)
        self.fp = np.array([x0, y0, x1, y1, t0, t1])

    @classmethod
    def from_angles(cls, angles: np.ndarray, bounds=(0.0, 0.0, 1.0, 1.0), speed: float = 1.0, times=(0.0, 1.0)):
        """An angle grid (radians, (H, W) or (T, H, W)) as unit vectors times ``speed``."""
        a = np.asarray(angles, dtype=np.float64)
        return cls(np.stack([np.cos(a), np.sin(a)], axis=-1) * speed, bounds, times)

    @classmethod
    def from_field(cls, field: Field, bounds, shape=(256, 256), t: float = 0.0):
        """Sample another field on a (H, W) grid (a cheap stand-in for costly fields)."""
        h, w = shape
        x0, y0, x1, y1 = bounds
        xs = x0 + (np.arange(w) + 0.5) * (x1 - x0) / w
        ys = y0 + (np.arange(h) + 0.5) * (y1 - y0) / h
        vx, vy = field.sample(xs[None, :], ys[:, None], t)
        return cls(np.stack([vx, vy], axis=-1), bounds)


class FunctionField(Field):
    """Your own Numba function ``f(x, y, t) -> (vx, vy)`` (decorate it with ``@njit``).

    Kernels are compiled for each function (a second or two, not cached on
    disk); NaN velocities stop the particle and raise a UserError.
    """

    kind = FUNCTION

    def __init__(self, fn):
        if not hasattr(fn, "py_func"):
            raise UserError("a function field needs a Numba-compiled function: decorate it with @numba.njit")
        self.fn = fn
        self.fp = np.zeros(1)

    def sample(self, x, y, t: float = 0.0):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        vx = np.empty(x.shape)
        vy = np.empty(x.shape)
        for idx in np.ndindex(x.shape):
            vx[idx], vy[idx] = self.fn(float(x[idx]), float(y[idx]), float(t))
        return vx, vy


def specialise(pyfuncs: dict, field: Field):
    """Compiled kernels for ``field``: the cached ones, or copies calling the user function.

    ``pyfuncs`` maps global names to plain Python functions that call the
    global ``velocity``; for a :class:`FunctionField` each is re-created with
    ``velocity`` bound to the user's function and compiled (in dependency
    order given by the dict).
    """
    import types

    from numba import njit as _njit

    fn = field.fn
    key = ("_specialised", id(fn))
    cache = getattr(fn, "__dict__", {})
    if key in cache:
        return cache[key]

    @_njit
    def user_velocity(x, y, t, kind, fp, grid, perm):
        return fn(x, y, t)

    new_globals = {"velocity": user_velocity}
    out = {}
    for name, (py, parallel) in pyfuncs.items():
        g = dict(py.__globals__)
        g.update(new_globals)
        clone = types.FunctionType(py.__code__, g, py.__name__, py.__defaults__, py.__closure__)
        compiled = _njit(parallel=parallel)(clone)
        new_globals[name] = compiled
        out[name] = compiled
    try:
        fn.__dict__[key] = out
    except (AttributeError, TypeError):
        pass
    return out
