"""Evenly spaced streamlines (Jobard & Lefer 1997): curves that never crowd.

Each streamline is traced forwards and backwards from a seed with a
*normalised* field direction (so points are ``step`` apart), and stops when
it leaves the region, stalls, reaches ``max_steps``, or comes closer than
``d_test`` to any accepted streamline (its own points included, except those
just behind it). New seeds are taken ``d_sep`` to either side of accepted
streamlines, as in the paper, then from the caller's seed list; a seed
closer than ``d_sep`` to existing lines is skipped. Distances are looked up
in a uniform grid of ``d_sep`` cells, so the cost is linear in points.

This is inherently sequential (each curve depends on the earlier ones), so
it is one single-threaded Numba kernel.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from gencraft.errors import UserError
from gencraft.particles.advect import check_method, check_step
from gencraft.particles.fields import Field, specialise, velocity


@njit(cache=True)
def _direction(x, y, t, kind, fp, grid, perm, sign, min_speed):
    vx, vy = velocity(x, y, t, kind, fp, grid, perm)
    s = math.sqrt(vx * vx + vy * vy)
    if not (s > min_speed) or not math.isfinite(s):
        return 0.0, 0.0, False
    return sign * vx / s, sign * vy / s, True


@njit(cache=True)
def _advance(x, y, t, h, method, kind, fp, grid, perm, sign, min_speed):
    """One normalised step along the field; ok=False where it stalls or is NaN."""
    a1, b1, ok = _direction(x, y, t, kind, fp, grid, perm, sign, min_speed)
    if not ok or method == 0:
        return x + h * a1, y + h * b1, ok
    a2, b2, ok = _direction(x + 0.5 * h * a1, y + 0.5 * h * b1, t, kind, fp, grid, perm, sign, min_speed)
    if not ok or method == 1:
        return x + h * a2, y + h * b2, ok
    a3, b3, ok = _direction(x + 0.5 * h * a2, y + 0.5 * h * b2, t, kind, fp, grid, perm, sign, min_speed)
    if not ok:
        return x, y, ok
    a4, b4, ok = _direction(x + h * a3, y + h * b3, t, kind, fp, grid, perm, sign, min_speed)
    return x + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4), y + h / 6 * (b1 + 2 * b2 + 2 * b3 + b4), ok


@njit(cache=True)
def _too_close(x, y, dist, line, idx, skip, bx0, by0, cell, ncx, ncy, head, nxt, px, py, pline, pidx):
    cx = int((x - bx0) / cell)
    cy = int((y - by0) / cell)
    r = int(math.ceil(dist / cell))
    d2 = dist * dist
    for gy in range(max(cy - r, 0), min(cy + r, ncy - 1) + 1):
        for gx in range(max(cx - r, 0), min(cx + r, ncx - 1) + 1):
            p = head[gy * ncx + gx]
            while p >= 0:
                if not (pline[p] == line and abs(pidx[p] - idx) < skip):
                    dx = px[p] - x
                    dy = py[p] - y
                    if dx * dx + dy * dy < d2:
                        return True
                p = nxt[p]
    return False


@njit(cache=True)
def _grow(a, n):
    b = np.empty(max(n, 2 * a.size), dtype=a.dtype)
    b[: a.size] = a
    return b


@njit(cache=True)
def _streamlines(seeds, kind, fp, grid, perm, t, h, method, d_sep, d_test, max_steps, min_points,
                 bounds, min_speed, max_lines, seed_every):
    bx0, by0, bx1, by1 = bounds[0], bounds[1], bounds[2], bounds[3]
    cell = d_sep
    ncx = max(1, int(math.ceil((bx1 - bx0) / cell)))
    ncy = max(1, int(math.ceil((by1 - by0) / cell)))
    head = np.full(ncx * ncy, -1, dtype=np.int64)
    cap = 1024
    px = np.empty(cap)
    py = np.empty(cap)
    pline = np.empty(cap, dtype=np.int64)
    pidx = np.empty(cap, dtype=np.int64)
    nxt = np.empty(cap, dtype=np.int64)
    npts = 0
    # accepted lines: [start, end) into the point arrays, in trace order
    line_start = np.empty(64, dtype=np.int64)
    line_end = np.empty(64, dtype=np.int64)
    line_fwd = np.empty(64, dtype=np.int64)  # number of forward points (incl. seed)
    nlines = 0
    skip = int(2.0 * d_test / h) + 2
    queue = 0          # next accepted line whose sides we seed from
    qpos = 0           # position along that line
    next_user = 0
    while nlines < max_lines:
        # --- pick a seed: sides of accepted lines first (Jobard-Lefer), then the user's list
        found = False
        sx = 0.0
        sy = 0.0
        while not found and queue < nlines:
            s0 = line_start[queue]
            s1 = line_end[queue]
            while qpos < 2 * (s1 - s0):
                k = s0 + qpos // 2
                side = 1.0 if qpos % 2 == 0 else -1.0
                qpos += seed_every * 2 if qpos % 2 == 1 else 1
                ux, uy, ok = _direction(px[k], py[k], t, kind, fp, grid, perm, 1.0, min_speed)
                if not ok:
                    continue
                cx = px[k] - side * uy * d_sep
                cy = py[k] + side * ux * d_sep
                if cx < bx0 or cy < by0 or cx >= bx1 or cy >= by1:
                    continue
                if not _too_close(cx, cy, d_sep * 0.999, -1, 0, 0, bx0, by0, cell, ncx, ncy, head, nxt, px, py, pline, pidx):
                    sx = cx
                    sy = cy
                    found = True
                    break
            if not found:
                queue += 1
                qpos = 0
        while not found and next_user < seeds.shape[0]:
            cx = seeds[next_user, 0]
            cy = seeds[next_user, 1]
            next_user += 1
            if cx < bx0 or cy < by0 or cx >= bx1 or cy >= by1 or not (math.isfinite(cx) and math.isfinite(cy)):
                continue
            if not _too_close(cx, cy, d_sep, -1, 0, 0, bx0, by0, cell, ncx, ncy, head, nxt, px, py, pline, pidx):
                sx = cx
                sy = cy
                found = True
        if not found:
            break
        # --- trace: seed, forwards, backwards; points go into the grid as they are made
        start = npts
        line = nlines
        nfwd = 0
        for direction in range(2):
            sign = 1.0 if direction == 0 else -1.0
            x = sx
            y = sy
            idx = 0  # signed step number along the line: + forwards, - backwards
            for k in range(max_steps + 1):
                if k > 0:
                    x, y, ok = _advance(x, y, t, h, method, kind, fp, grid, perm, sign, min_speed)
                    if not ok or not (math.isfinite(x) and math.isfinite(y)):
                        break
                    if x < bx0 or y < by0 or x >= bx1 or y >= by1:
                        break
                    idx = idx + 1 if direction == 0 else idx - 1
                    if _too_close(x, y, d_test, line, idx, skip, bx0, by0, cell, ncx, ncy, head, nxt, px, py, pline, pidx):
                        break
                elif direction == 1:
                    continue  # the seed point is already stored
                if npts >= px.size:
                    px = _grow(px, npts + 1)
                    py = _grow(py, npts + 1)
                    pline = _grow(pline, npts + 1)
                    pidx = _grow(pidx, npts + 1)
                    nxt = _grow(nxt, npts + 1)
                px[npts] = x
                py[npts] = y
                pline[npts] = line
                pidx[npts] = idx
                c = min(int((y - by0) / cell), ncy - 1) * ncx + min(int((x - bx0) / cell), ncx - 1)
                nxt[npts] = head[c]
                head[c] = npts
                npts += 1
                if direction == 0:
                    nfwd += 1
        if npts - start < min_points:
            # roll back: pop this line's points from their cells, newest first
            for p in range(npts - 1, start - 1, -1):
                c = min(int((py[p] - by0) / cell), ncy - 1) * ncx + min(int((px[p] - bx0) / cell), ncx - 1)
                head[c] = nxt[p]
            npts = start
            continue
        if nlines >= line_start.size:
            line_start = _grow(line_start, nlines + 1)
            line_end = _grow(line_end, nlines + 1)
            line_fwd = _grow(line_fwd, nlines + 1)
        line_start[nlines] = start
        line_end[nlines] = npts
        line_fwd[nlines] = nfwd
        nlines += 1
    # --- assemble polylines in path order: backward points reversed, then forward
    offsets = np.zeros(nlines + 1, dtype=np.int64)
    coords = np.empty((npts, 2))
    o = 0
    for L in range(nlines):
        s0 = line_start[L]
        s1 = line_end[L]
        f = line_fwd[L]
        for p in range(s1 - 1, s0 + f - 1, -1):
            coords[o, 0] = px[p]
            coords[o, 1] = py[p]
            o += 1
        for p in range(s0, s0 + f):
            coords[o, 0] = px[p]
            coords[o, 1] = py[p]
            o += 1
        offsets[L + 1] = o
    return coords, offsets


_KERNELS = {"_direction": (_direction.py_func, False), "_advance": (_advance.py_func, False),
            "_streamlines": (_streamlines.py_func, False)}


def streamlines(field: Field, bounds, d_sep: float, step: float | None = None, d_test: float = 0.5,
                seeds: np.ndarray | None = None, max_steps: int = 2000, min_points: int = 3,
                method: str = "rk2", t: float = 0.0, min_speed: float = 1e-9,
                max_lines: int = 1_000_000, seed_every: int = 1, fill: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced streamlines of ``field`` inside ``bounds`` -> CSR (coords, offsets).

    ``d_sep``: distance between neighbouring curves; ``d_test``: fraction of
    d_sep at which a growing curve stops (0.5 in the paper, smaller gives
    longer curves); ``step``: point spacing (default d_sep / 4);
    ``seeds``: (S, 2) extra seed points, tried in order after the
    paper's side seeds run out (the first one starts the first curve);
    with ``fill`` a grid of seeds ``d_sep`` apart follows, so regions the
    side seeds never reach (beyond sinks, behind walls) are filled too.
    """
    bounds = np.array(bounds, dtype=np.float64)
    if bounds.shape != (4,) or not np.isfinite(bounds).all() or not (bounds[2] > bounds[0] and bounds[3] > bounds[1]):
        raise UserError(f"bounds must be finite (x0, y0, x1, y1) with x1 > x0 and y1 > y0, got {bounds.tolist()!r}")
    d_sep = check_step(d_sep) if d_sep is not None else None
    h = check_step(step if step is not None else d_sep / 4)
    d_test = float(d_test)
    if not 0 < d_test <= 1:
        raise UserError(f"d_test is a fraction of d_sep in (0, 1], got {d_test!r}")
    cells = ((bounds[2] - bounds[0]) / d_sep) * ((bounds[3] - bounds[1]) / d_sep)
    if cells > 5e7:
        raise UserError(f"d_sep={d_sep} is too small for the region: {cells:,.0f} grid cells (limit 50,000,000)")
    m = check_method(method)
    if seeds is None:
        seeds = np.array([[(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2]])
    seeds = np.asarray(seeds, dtype=np.float64).reshape(-1, 2)
    if fill:
        nx = max(1, int((bounds[2] - bounds[0]) / d_sep))
        ny = max(1, int((bounds[3] - bounds[1]) / d_sep))
        gx, gy = np.meshgrid(bounds[0] + (np.arange(nx) + 0.5) * (bounds[2] - bounds[0]) / nx,
                             bounds[1] + (np.arange(ny) + 0.5) * (bounds[3] - bounds[1]) / ny)
        seeds = np.concatenate([seeds, np.stack([gx.ravel(), gy.ravel()], axis=-1)])
    seeds = np.ascontiguousarray(seeds)
    k = {"_streamlines": _streamlines} if field.fn is None else specialise(_KERNELS, field)
    coords, offsets = k["_streamlines"](seeds, *field.packed(), float(t), h, m, d_sep, d_test * d_sep,
                                        int(max_steps), int(min_points), bounds, float(min_speed),
                                        int(max_lines), max(1, int(seed_every)))
    return coords, offsets
