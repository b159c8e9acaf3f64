"""Circle packing: non-overlapping circles, grown to fit, on a spatial grid (Numba).

The method is the one generative artists reach for (Tyler Hobbs, "Circle
packing", 2016; the "grow until it touches" variant of random sequential
adsorption): draw a random centre, measure the free space around it — the
distance to the nearest circle, the rectangle's edge and the mask's edge —
and place a circle there whose radius is that free space, capped at the
local largest radius. Big circles land first, smaller ones fill the gaps
between them, so the packing gets dense (well over half the area).

Two grids keep it fast (100,000 circles in about a second on one core):

* every circle is registered in the grid cells it overlaps, so "how far is
  the nearest circle" scans only rings of cells around the centre and stops
  as soon as the ring lies further away than the best answer so far;
* a cell in which no new centre can be valid (it lies wholly within
  ``r + r_min + margin`` of a placed circle, or outside the mask) is dropped
  from the list centres are drawn from, so late draws are not wasted on
  covered space. A cell that keeps failing is dropped too, which bounds the
  work: at most ``cells × max_fails + circles`` attempts, ever.

Random numbers come from ``np.random.default_rng(seed)`` in batches handed to
the kernel; the kernel itself draws nothing, so a seed gives the same packing
everywhere.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
from numba import njit

from gencraft.geometry._check import finite_positive, field_image, seed_rng

_MAX_CELLS = 4_000_000
_BATCH = 1 << 15


@njit(cache=True)
def _lookup(img, sx, sy, x, y):
    h, w = img.shape
    i = int(y / sy)
    j = int(x / sx)
    if i < 0:
        i = 0
    elif i >= h:
        i = h - 1
    if j < 0:
        j = 0
    elif j >= w:
        j = w - 1
    return img[i, j]


@njit(cache=True)
def _free_radius(px, py, f, r_min, margin, h, gw, gh, head, nxt, val, circles):
    """min(f, distance from (px, py) to every circle's edge minus margin); early exit below r_min."""
    cx = min(max(int(px / h), 0), gw - 1)
    cy = min(max(int(py / h), 0), gh - 1)
    k = 0
    while True:
        if k >= 1 and (k - 1) * h >= f + margin:
            break
        if cx - k < 0 and cy - k < 0 and cx + k >= gw and cy + k >= gh:
            break
        for iy in range(cy - k, cy + k + 1):
            if iy < 0 or iy >= gh:
                continue
            edge_row = iy == cy - k or iy == cy + k
            step = 1 if edge_row else 2 * k
            ix = cx - k
            while ix <= cx + k:
                if 0 <= ix < gw:
                    e = head[iy * gw + ix]
                    while e >= 0:
                        j = val[e]
                        d = math.hypot(px - circles[j, 0], py - circles[j, 1]) - circles[j, 2] - margin
                        if d < f:
                            f = d
                            if f < r_min:
                                return f
                        e = nxt[e]
                ix += step
        k += 1
    return f


@njit(cache=True)
def _kill(cell, live, pos, st):
    p = pos[cell]
    if p < 0:
        return
    last = live[st[2] - 1]
    live[p] = last
    pos[last] = p
    pos[cell] = -1
    st[2] -= 1


@njit(cache=True)
def _pack_kernel(width, height, r_min, margin, h, gw, gh, head, nxt, val, circles, live, pos, fails,
                 dist, dsx, dsy, rmax_img, rsx, rsy, r_max, max_fails, max_circles, rand, start, st):
    """Consume draws rand[start:]; st = [n circles, n entries, n live]. Returns (status, next index).

    status 0: draws used up; 1: finished (no live cells, or max_circles); 2: need more circle
    capacity; 3: need more grid-entry capacity.
    """
    n = rand.shape[0]
    span = int(2.0 * r_max / h) + 3
    worst_entries = span * span
    i = start
    while i < n:
        if st[2] <= 0 or st[0] >= max_circles:
            return 1, i
        if st[0] >= circles.shape[0]:
            return 2, i
        if st[1] + worst_entries > val.shape[0]:
            return 3, i
        cell = live[min(int(rand[i, 0] * st[2]), st[2] - 1)]
        cx = cell % gw
        cy = cell // gw
        px = (cx + rand[i, 1]) * h
        py = (cy + rand[i, 2]) * h
        i += 1
        # the cap: local largest radius, the rectangle, the mask
        f = _lookup(rmax_img, rsx, rsy, px, py)
        f = min(f, px, py, width - px, height - py)
        f = min(f, _lookup(dist, dsx, dsy, px, py))
        if f >= r_min:
            f = _free_radius(px, py, f, r_min, margin, h, gw, gh, head, nxt, val, circles)
        if f < r_min:
            fails[cell] += 1
            if fails[cell] >= max_fails:
                _kill(cell, live, pos, st)
            continue
        r = f
        k = st[0]
        circles[k, 0] = px
        circles[k, 1] = py
        circles[k, 2] = r
        st[0] += 1
        # register in every cell the disc overlaps
        x0 = max(int((px - r) / h), 0)
        x1 = min(int((px + r) / h), gw - 1)
        y0 = max(int((py - r) / h), 0)
        y1 = min(int((py + r) / h), gh - 1)
        for iy in range(y0, y1 + 1):
            for ix in range(x0, x1 + 1):
                nx_ = min(max(px, ix * h), (ix + 1) * h)
                ny_ = min(max(py, iy * h), (iy + 1) * h)
                if (nx_ - px) ** 2 + (ny_ - py) ** 2 <= r * r:
                    c = iy * gw + ix
                    e = st[1]
                    val[e] = k
                    nxt[e] = head[c]
                    head[c] = e
                    st[1] += 1
        # drop cells where no future centre can be valid (wholly within r + r_min + margin)
        R = r + r_min + margin
        R2 = R * R
        x0 = max(int((px - R) / h), 0)
        x1 = min(int((px + R) / h), gw - 1)
        y0 = max(int((py - R) / h), 0)
        y1 = min(int((py + R) / h), gh - 1)
        for iy in range(y0, y1 + 1):
            for ix in range(x0, x1 + 1):
                c = iy * gw + ix
                if pos[c] < 0:
                    continue
                fx = max(abs(ix * h - px), abs((ix + 1) * h - px))
                fy = max(abs(iy * h - py), abs((iy + 1) * h - py))
                if fx * fx + fy * fy <= R2:
                    _kill(c, live, pos, st)
    return 0, i


def _mask_distance(mask, width: float, height: float, r_min: float):
    """(distance image in canvas units, pixel width, pixel height); a conservative inside distance."""
    from scipy.ndimage import distance_transform_edt

    img = field_image("mask", mask, width, height, r_min)
    if img.dtype != bool:
        img = img > 0.5
    if not img.any():
        raise ValueError("mask: expected a mask with some inside area (True / > 0.5), got an empty mask")
    mh, mw = img.shape
    sx, sy = width / mw, height / mh
    padded = np.pad(img, 1, constant_values=False)
    d = distance_transform_edt(padded, sampling=(sy, sx))[1:-1, 1:-1]
    # from a pixel centre to the nearest outside pixel centre, less a pixel diagonal: a lower bound
    d = d - math.hypot(sx, sy)
    d[~img] = -1.0
    return np.ascontiguousarray(d, dtype=np.float64), sx, sy


def pack_circles(width: float, height: float, r_min: float, r_max: float, *, seed,
                 mask=None, max_circles: int | None = None, margin: float = 0.0,
                 radius_field: "np.ndarray | Callable | None" = None, max_fails: int = 24) -> np.ndarray:
    """Pack non-overlapping circles into a ``width`` × ``height`` rectangle.

    Returns a float64 array (N, 3) of x, y, r in placement order (the big ones
    come first). Guarantees: every pair is at least ``r1 + r2 + margin`` apart,
    every circle lies inside the rectangle (and inside ``mask``), and every
    radius is in ``[r_min, r_max]``. With ``r_min`` at 1 % of the width and a
    spread of radii the circles cover well over half the area; with one
    radius (``r_min == r_max``) random packing jams near 54 % (Feder 1980).

    Follows the "grow to fit" circle packing of Tyler Hobbs ("Circle packing",
    2016) — random sequential adsorption where each circle takes the free space
    around its centre — on a uniform grid (Numba).

    mask: where circles may go, as a 2-D boolean or float image (row 0 at the
        top, stretched over the rectangle; > 0.5 counts as inside), or a
        callable ``mask(x, y) -> array`` over arrays of canvas coordinates.
    radius_field: the local largest radius, as an image or callable giving
        values in [0, 1]: a circle at (x, y) is at most
        ``r_min + (r_max - r_min) * radius_field(x, y)``.
    max_circles: stop after this many circles.
    max_fails: failed draws a grid cell may absorb before it is dropped
        (higher: denser and slower).
    seed: an int, a ``numpy.random.SeedSequence`` or a ``numpy.random.Generator``.
    """
    width = finite_positive("width", width)
    height = finite_positive("height", height)
    r_min = finite_positive("r_min", r_min)
    r_max = finite_positive("r_max", r_max)
    if r_min > r_max:
        raise ValueError(f"r_min: expected r_min <= r_max, got r_min={r_min:g} > r_max={r_max:g}")
    if 2 * r_min > min(width, height):
        raise ValueError(f"r_min: expected at most half the shorter side ({min(width, height) / 2:g}), "
                         f"got {r_min:g}")
    margin = float(margin)
    if not math.isfinite(margin) or margin < 0:
        raise ValueError(f"margin: expected a finite number >= 0, got {margin!r}")
    if max_circles is None:
        max_circles = 2**62
    elif isinstance(max_circles, bool) or not isinstance(max_circles, (int, np.integer)) or max_circles < 0:
        raise ValueError(f"max_circles: expected a non-negative integer or None, got {max_circles!r}")
    if isinstance(max_fails, bool) or not isinstance(max_fails, (int, np.integer)) or not 1 <= max_fails <= 10_000:
        raise ValueError(f"max_fails: expected an integer in [1, 10000], got {max_fails!r}")
    rng = seed_rng(seed)

    h = max(r_min, math.sqrt(width * height / _MAX_CELLS))
    gw, gh = max(1, math.ceil(width / h)), max(1, math.ceil(height / h))

    if mask is None:
        dist, dsx, dsy = np.full((1, 1), np.inf), width, height
    else:
        dist, dsx, dsy = _mask_distance(mask, width, height, r_min)
    if radius_field is None:
        rmax_img, rsx, rsy = np.full((1, 1), r_max), width, height
    else:
        f = field_image("radius_field", radius_field, width, height, r_min).astype(np.float64)
        if not np.isfinite(f).all():
            raise ValueError("radius_field: expected finite values in [0, 1], got NaN or inf")
        rmax_img = r_min + (r_max - r_min) * np.clip(f, 0.0, 1.0)
        rsx, rsy = width / f.shape[1], height / f.shape[0]

    # live cells: those whose box meets the valid centre range and the mask
    xs = (np.arange(gw) + 0.5) * h
    ys = (np.arange(gh) + 0.5) * h
    ok_x = ((np.arange(gw) + 1) * h >= r_min) & (np.arange(gw) * h <= width - r_min)
    ok_y = ((np.arange(gh) + 1) * h >= r_min) & (np.arange(gh) * h <= height - r_min)
    ok = ok_y[:, None] & ok_x[None, :]
    if mask is not None:
        di = np.clip((ys / dsy).astype(np.int64), 0, dist.shape[0] - 1)
        dj = np.clip((xs / dsx).astype(np.int64), 0, dist.shape[1] - 1)
        slack = h * math.sqrt(0.5) + math.hypot(dsx, dsy)
        ok &= dist[di[:, None], dj[None, :]] + slack >= r_min
        if not ok.any():
            raise ValueError(f"mask: no part of the mask is wide enough for a circle of r_min={r_min:g}")
    live = np.flatnonzero(ok.ravel()).astype(np.int64)
    pos = np.full(gw * gh, -1, dtype=np.int64)
    pos[live] = np.arange(len(live))
    live = np.concatenate([live, np.zeros(gw * gh - len(live), dtype=np.int64)])
    fails = np.zeros(gw * gh, dtype=np.int32)
    head = np.full(gw * gh, -1, dtype=np.int64)
    cap_e = 4 * gw * gh + 4096
    nxt = np.empty(cap_e, dtype=np.int64)
    val = np.empty(cap_e, dtype=np.int64)
    bound = int(0.9069 * width * height / (math.pi * r_min * r_min)) + 16
    circles = np.empty((min(bound, max_circles, 4096), 3), dtype=np.float64)
    st = np.array([0, 0, int(ok.sum())], dtype=np.int64)

    while True:
        rand = rng.random((_BATCH, 3))
        start = 0
        while True:
            status, start = _pack_kernel(width, height, r_min, margin, h, gw, gh, head, nxt, val, circles,
                                         live, pos, fails, dist, dsx, dsy, rmax_img, rsx, rsy, r_max,
                                         max_fails, max_circles, rand, start, st)
            if status == 2:
                circles = np.concatenate([circles, np.empty_like(circles)])
            elif status == 3:
                nxt = np.concatenate([nxt, np.empty_like(nxt)])
                val = np.concatenate([val, np.empty_like(val)])
            else:
                break
        if status == 1:
            break
    if st[0] == 0 and mask is not None:
        raise ValueError(f"mask: no part of the mask is wide enough for a circle of r_min={r_min:g}")
    return circles[: st[0]].copy()


def coverage(circles: np.ndarray, width: float, height: float) -> float:
    """Share of the rectangle the circles cover (they must not overlap)."""
    circles = np.asarray(circles, dtype=np.float64)
    return float(np.pi * np.sum(circles[:, 2] ** 2) / (width * height)) if len(circles) else 0.0
