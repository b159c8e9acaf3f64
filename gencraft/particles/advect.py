"""Particle advection: N particles x T steps through a field, in parallel.

Every particle is independent, so the kernel runs ``prange`` over particles
and is deterministic whatever the thread count (jitter noise comes from a
counter-based hash of (seed, particle, step), not from a shared generator).

Motion is *kinematic* by default (dx/dt = field + attractor pulls, integrated
with Euler, RK2 or RK4) or *inertial* when ``Forces.inertia`` is set or
``drag`` > 0 (the field is a force: dv/dt = field + pulls - drag v).

Trails come back as polylines in CSR layout (``coords`` (P, 2) and
``offsets`` (N+1,)), which is exactly what ``Canvas.polylines`` draws.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field as dc_field

import numpy as np
from numba import njit, prange

from gencraft.errors import UserError, did_you_mean
from gencraft.particles._noise import noise2
from gencraft.particles.fields import NOISE_ANGLE, Field, specialise, velocity
from gencraft.particles.memory import ensure_fits

METHODS = {"euler": 0, "rk2": 1, "rk4": 2}
# why a particle stopped
RAN_OUT, LEFT_REGION, STALLED, BAD_FIELD = 0, 1, 2, 3
STATUS_NAMES = ("max_steps", "left_region", "stalled", "nan")


@dataclass
class Forces:
    """Extra forces on particles.

    ``attractors``: (K, 3) or (K, 4) rows (x, y, strength[, softening]); the
    pull is strength * d / (|d|^2 + softening^2) toward the point, so a
    negative strength repels. ``drag`` (per unit time) and ``inertia`` make
    particles carry momentum. ``jitter`` adds Gaussian noise of that many
    units per sqrt(time), seeded by ``jitter_seed``.
    """

    attractors: np.ndarray | list = dc_field(default_factory=lambda: np.zeros((0, 4)))
    drag: float = 0.0
    jitter: float = 0.0
    jitter_seed: int = 0
    inertia: bool = False

    def packed(self):
        a = np.asarray(self.attractors, dtype=np.float64)
        a = np.zeros((0, 4)) if a.size == 0 else np.atleast_2d(a)
        if a.ndim == 2 and a.shape[1] == 3:
            a = np.concatenate([a, np.full((len(a), 1), 1.0)], axis=1)
        if a.ndim != 2 or a.shape[1] != 4 or not np.isfinite(a).all():
            raise UserError(f"attractors must be finite (K, 3|4) rows of x, y, strength[, softening], got shape {a.shape}")
        for name in ("drag", "jitter"):
            v = float(getattr(self, name))
            if not math.isfinite(v) or v < 0:
                raise UserError(f"{name} must be a non-negative number, got {v!r}")
        inertial = bool(self.inertia or self.drag > 0)
        return np.ascontiguousarray(a), float(self.drag), float(self.jitter), int(self.jitter_seed), inertial


NO_FORCES = Forces()


@dataclass
class Trails:
    """Particle paths as CSR polylines plus where and why each particle stopped."""

    coords: np.ndarray    # (P, 2) float64
    offsets: np.ndarray   # (N + 1,) int64: trail i is coords[offsets[i]:offsets[i+1]]
    final: np.ndarray     # (N, 2) last positions
    status: np.ndarray    # (N,) int8: RAN_OUT, LEFT_REGION, STALLED, BAD_FIELD
    steps: np.ndarray     # (N,) steps taken

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> np.ndarray:
        return self.coords[self.offsets[i]:self.offsets[i + 1]]


# ------------------------------------------------------------------ kernels
@njit(cache=True, inline="always")
def _mix64(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def gauss_pair(seed, i, k):
    """Two standard normals from the hash of (seed, i, k): same inputs, same numbers."""
    z = _mix64(np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(i))
    z = _mix64(z + np.uint64(k) * np.uint64(0xD1B54A32D192ED03) + np.uint64(1))
    u1 = ((z >> np.uint64(11)) + np.uint64(1)) * (1.0 / 9007199254740993.0)
    z2 = _mix64(z + np.uint64(0x632BE59BD9B4E019))
    u2 = (z2 >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    r = math.sqrt(-2.0 * math.log(u1))
    return r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)


@njit(cache=True)
def _deriv(x, y, vx, vy, t, kind, fp, grid, perm, attr, drag, inertial):
    fx, fy = velocity(x, y, t, kind, fp, grid, perm)
    for a in range(attr.shape[0]):
        dx = attr[a, 0] - x
        dy = attr[a, 1] - y
        k = attr[a, 2] / (dx * dx + dy * dy + attr[a, 3] * attr[a, 3])
        fx += k * dx
        fy += k * dy
    if inertial:
        return vx, vy, fx - drag * vx, fy - drag * vy
    return fx, fy, 0.0, 0.0


@njit(cache=True)
def _step(x, y, vx, vy, t, h, method, kind, fp, grid, perm, attr, drag, inertial):
    """One integrator step of the 4-D state (x, y, vx, vy); returns the new state."""
    a1, b1, c1, d1 = _deriv(x, y, vx, vy, t, kind, fp, grid, perm, attr, drag, inertial)
    if method == 0:
        return x + h * a1, y + h * b1, vx + h * c1, vy + h * d1
    a2, b2, c2, d2 = _deriv(x + 0.5 * h * a1, y + 0.5 * h * b1, vx + 0.5 * h * c1, vy + 0.5 * h * d1,
                            t + 0.5 * h, kind, fp, grid, perm, attr, drag, inertial)
    if method == 1:
        return x + h * a2, y + h * b2, vx + h * c2, vy + h * d2
    a3, b3, c3, d3 = _deriv(x + 0.5 * h * a2, y + 0.5 * h * b2, vx + 0.5 * h * c2, vy + 0.5 * h * d2,
                            t + 0.5 * h, kind, fp, grid, perm, attr, drag, inertial)
    a4, b4, c4, d4 = _deriv(x + h * a3, y + h * b3, vx + h * c3, vy + h * d3,
                            t + h, kind, fp, grid, perm, attr, drag, inertial)
    s = h / 6.0
    return (x + s * (a1 + 2 * a2 + 2 * a3 + a4), y + s * (b1 + 2 * b2 + 2 * b3 + b4),
            vx + s * (c1 + 2 * c2 + 2 * c3 + c4), vy + s * (d1 + 2 * d2 + 2 * d3 + d4))


@njit(cache=True, parallel=True)
def _advect(x0, y0, t0, h, nsteps, method, kind, fp, grid, perm, attr, drag, jitter, jseed, inertial,
            bounds, min_speed, record, out):
    n = x0.size
    final = np.empty((n, 2))
    status = np.zeros(n, dtype=np.int8)
    steps = np.zeros(n, dtype=np.int64)
    sj = jitter * math.sqrt(h)
    for i in prange(n):
        x = x0[i]
        y = y0[i]
        vx = 0.0
        vy = 0.0
        if inertial:
            vx, vy = velocity(x, y, t0, kind, fp, grid, perm)
        if record:
            out[i, 0, 0] = x
            out[i, 0, 1] = y
        st = RAN_OUT
        k = 0
        if method == 0 and not inertial and attr.shape[0] == 0 and sj == 0.0:
            # plain Euler through the field: the hot loop of flow-field sketches, kept lean
            # velocity()'s common case, inlined below (it was 1/3 of a step's time)
            plain_noise = kind == NOISE_ANGLE and fp[5] == 1.0 and fp[3] == 0.0
            scale, turns, speed, offset = 0.0, 0.0, 0.0, 0.0
            if plain_noise:
                scale, turns, speed, offset = fp[0], fp[1], fp[2], fp[4]
            while k < nsteps:
                if plain_noise:  # the same operations as velocity(), so the same values
                    a = noise2(x * scale, y * scale, perm) * turns * 2.0 * math.pi + offset
                    fx = speed * math.cos(a)
                    fy = speed * math.sin(a)
                else:
                    fx, fy = velocity(x, y, t0 + k * h, kind, fp, grid, perm)
                nx = x + h * fx
                ny = y + h * fy
                if not (math.isfinite(nx) and math.isfinite(ny)):
                    st = BAD_FIELD
                    break
                if min_speed > 0.0 and math.hypot(fx, fy) < min_speed:
                    st = STALLED
                    break
                x = nx
                y = ny
                k += 1
                if record:
                    out[i, k, 0] = x
                    out[i, k, 1] = y
                if x < bounds[0] or y < bounds[1] or x > bounds[2] or y > bounds[3]:
                    st = LEFT_REGION
                    break
            nsteps_i = 0  # skip the general loop below
        else:
            nsteps_i = nsteps
        while k < nsteps_i:
            t = t0 + k * h
            nx, ny, nvx, nvy = _step(x, y, vx, vy, t, h, method, kind, fp, grid, perm, attr, drag, inertial)
            if sj > 0.0:
                gx, gy = gauss_pair(jseed, i, k)
                nx += sj * gx
                ny += sj * gy
            if not (math.isfinite(nx) and math.isfinite(ny) and math.isfinite(nvx) and math.isfinite(nvy)):
                st = BAD_FIELD
                break
            if min_speed > 0.0 and math.hypot(nx - x, ny - y) < min_speed * h:
                st = STALLED
                break
            x, y, vx, vy = nx, ny, nvx, nvy
            k += 1
            if record:
                out[i, k, 0] = x
                out[i, k, 1] = y
            if x < bounds[0] or y < bounds[1] or x > bounds[2] or y > bounds[3]:
                st = LEFT_REGION
                break
        final[i, 0] = x
        final[i, 1] = y
        status[i] = st
        steps[i] = k
    return final, status, steps


@njit(cache=True)
def _compact(out, steps):
    n = steps.size
    offsets = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        offsets[i + 1] = offsets[i] + steps[i] + 1
    coords = np.empty((offsets[n], 2))
    for i in range(n):
        o = offsets[i]
        for k in range(steps[i] + 1):
            coords[o + k, 0] = out[i, k, 0]
            coords[o + k, 1] = out[i, k, 1]
    return coords, offsets


_KERNELS = {"_deriv": (_deriv.py_func, False), "_step": (_step.py_func, False), "_advect": (_advect.py_func, True)}


def kernels_for(field: Field) -> dict:
    """The advection kernels for a field (cached built-ins, or specialised for a FunctionField)."""
    if field.fn is None:
        return {"_deriv": _deriv, "_step": _step, "_advect": _advect}
    return specialise(_KERNELS, field)


def check_step(step) -> float:
    h = float(step)
    if not math.isfinite(h) or h <= 0:
        raise UserError(f"step must be a positive number, got {step!r}")
    return h


def check_method(method: str) -> int:
    if method not in METHODS:
        raise UserError(f"unknown integration method {method!r}{did_you_mean(str(method), METHODS)}: "
                        f"expected one of {', '.join(METHODS)}")
    return METHODS[method]


def advect(field: Field, seeds: np.ndarray, steps: int = 100, step: float = 1.0, method: str = "euler",
           bounds=None, forces: Forces = NO_FORCES, t0: float = 0.0, min_speed: float = 0.0,
           record: bool = True) -> Trails:
    """Move particles from ``seeds`` (N, 2) through ``field`` for up to ``steps`` steps of size ``step``.

    A particle stops early when it leaves ``bounds`` (x0, y0, x1, y1) — its
    last point is the first one outside — or moves slower than ``min_speed``.
    With ``record=False`` only the final positions are kept (no trail memory).
    Raises UserError for a bad step/method, NaN seeds, a field that returns
    NaN, or trails that would not fit in memory.
    """
    h = check_step(step)
    m = check_method(method)
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise UserError(f"steps must be a non-negative integer, got {steps!r}")
    steps = int(steps)
    seeds = np.asarray(seeds, dtype=np.float64).reshape(-1, 2)
    if not np.isfinite(seeds).all():
        raise UserError("seed positions contain NaN or infinity")
    n = len(seeds)
    b = np.array([-np.inf, -np.inf, np.inf, np.inf] if bounds is None else bounds, dtype=np.float64)
    if b.shape != (4,) or np.isnan(b).any():
        raise UserError(f"bounds must be (x0, y0, x1, y1), got {bounds!r}")
    ensure_fits(n * 64, f"{n:,} particles")
    if record:
        ensure_fits(n * (steps + 1) * 16 * 2, f"trails of {n:,} particles x {steps + 1:,} points")
        out = np.empty((n, steps + 1, 2))
    else:
        out = np.empty((1, 1, 2))
    attr, drag, jitter, jseed, inertial = forces.packed()
    k = kernels_for(field)
    x0 = np.ascontiguousarray(seeds[:, 0])
    y0 = np.ascontiguousarray(seeds[:, 1])
    final, status, nsteps = k["_advect"](x0, y0, float(t0), h, steps, m, *field.packed(), attr, drag, jitter,
                                         jseed, inertial, b, float(min_speed), record, out)
    bad = np.nonzero(status == BAD_FIELD)[0]
    if len(bad):
        i = int(bad[0])
        raise UserError(f"the field gave NaN/inf velocity for particle {i} near ({final[i, 0]:.4g}, "
                        f"{final[i, 1]:.4g}) after {int(nsteps[i])} steps: fields must be finite")
    if record:
        coords, offsets = _compact(out, nsteps)
        del out
    else:
        coords, offsets = final.copy(), np.arange(n + 1, dtype=np.int64)
    return Trails(coords, offsets, final, status, nsteps)
