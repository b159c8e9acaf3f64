"""Where particles and streamlines start: random, grid, or Poisson-disc points.

All take ``bounds`` (x0, y0, x1, y1) and return (N, 2) float64 arrays;
randomness comes from an explicit generator or integer seed, never global
state.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from gencraft.errors import UserError
from gencraft.particles.advect import _mix64


def _bounds(bounds):
    b = np.asarray(bounds, dtype=np.float64)
    if b.shape != (4,) or not np.isfinite(b).all() or not (b[2] > b[0] and b[3] > b[1]):
        raise UserError(f"bounds must be finite (x0, y0, x1, y1) with x1 > x0 and y1 > y0, got {bounds!r}")
    return b


def _count(name, n):
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise UserError(f"{name} must be a non-negative integer, got {n!r}")
    return int(n)


def random_seeds(n: int, bounds, rng: np.random.Generator) -> np.ndarray:
    """n uniformly random points in bounds."""
    n = _count("number of seeds", n)
    b = _bounds(bounds)
    from gencraft.particles.memory import ensure_fits
    ensure_fits(n * 16, f"{n:,} seed points")
    return np.stack([rng.uniform(b[0], b[2], n), rng.uniform(b[1], b[3], n)], axis=-1)


def grid_seeds(nx: int, ny: int, bounds, jitter: float = 0.0, rng: np.random.Generator | None = None) -> np.ndarray:
    """An nx x ny grid of cell centres, optionally jittered by ``jitter`` cells (needs rng)."""
    nx, ny = _count("nx", nx), _count("ny", ny)
    b = _bounds(bounds)
    dx, dy = (b[2] - b[0]) / max(nx, 1), (b[3] - b[1]) / max(ny, 1)
    gx, gy = np.meshgrid(b[0] + (np.arange(nx) + 0.5) * dx, b[1] + (np.arange(ny) + 0.5) * dy)
    pts = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    if jitter:
        if rng is None:
            raise UserError("grid jitter needs an rng")
        pts += rng.uniform(-0.5, 0.5, pts.shape) * jitter * np.array([dx, dy])
    return pts


@njit(cache=True)
def _uniform(state):
    state[0] = state[0] + np.uint64(0x9E3779B97F4A7C15)
    return (_mix64(state[0]) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def _poisson(bx0, by0, bx1, by1, r, k, seed, max_points):
    """Bridson's algorithm (2007): O(N) blue-noise sampling with a background grid."""
    state = np.array([np.uint64(seed)], dtype=np.uint64)
    cell = r / math.sqrt(2.0)
    ncx = int(math.ceil((bx1 - bx0) / cell))
    ncy = int(math.ceil((by1 - by0) / cell))
    grid = np.full(ncx * ncy, -1, dtype=np.int64)
    pts = np.empty((min(max_points, ncx * ncy), 2))
    active = np.empty(pts.shape[0], dtype=np.int64)
    x = bx0 + _uniform(state) * (bx1 - bx0)
    y = by0 + _uniform(state) * (by1 - by0)
    pts[0, 0] = x
    pts[0, 1] = y
    grid[min(int((y - by0) / cell), ncy - 1) * ncx + min(int((x - bx0) / cell), ncx - 1)] = 0
    active[0] = 0
    n = 1
    na = 1
    r2 = r * r
    while na > 0 and n < pts.shape[0]:
        j = int(_uniform(state) * na)
        p = active[j]
        placed = False
        for _ in range(k):
            ang = 2 * math.pi * _uniform(state)
            rad = r * math.sqrt(1.0 + 3.0 * _uniform(state))  # uniform in the annulus [r, 2r]
            cx = pts[p, 0] + rad * math.cos(ang)
            cy = pts[p, 1] + rad * math.sin(ang)
            if cx < bx0 or cy < by0 or cx >= bx1 or cy >= by1:
                continue
            gx = int((cx - bx0) / cell)
            gy = int((cy - by0) / cell)
            ok = True
            for yy in range(max(gy - 2, 0), min(gy + 3, ncy)):
                for xx in range(max(gx - 2, 0), min(gx + 3, ncx)):
                    q = grid[yy * ncx + xx]
                    if q >= 0 and (pts[q, 0] - cx) ** 2 + (pts[q, 1] - cy) ** 2 < r2:
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                pts[n, 0] = cx
                pts[n, 1] = cy
                grid[gy * ncx + gx] = n
                active[na] = n
                na += 1
                n += 1
                placed = True
                break
        if not placed:
            active[j] = active[na - 1]
            na -= 1
    return pts[:n].copy()


def poisson_disc(radius: float, bounds, seed: int = 0, k: int = 30) -> np.ndarray:
    """Blue-noise points in bounds, no two closer than ``radius`` (Bridson)."""
    b = _bounds(bounds)
    r = float(radius)
    if not math.isfinite(r) or r <= 0:
        raise UserError(f"Poisson-disc radius must be a positive number, got {radius!r}")
    cells = ((b[2] - b[0]) / r * math.sqrt(2)) * ((b[3] - b[1]) / r * math.sqrt(2))
    if cells > 5e7:
        raise UserError(f"Poisson-disc radius {r} is too small for the bounds: ~{cells:,.0f} grid cells (limit 50,000,000)")
    return _poisson(b[0], b[1], b[2], b[3], r, int(k), int(seed) & (2**63 - 1), 10**9)
