"""Density rendering: bin millions of points into a 2-D histogram, tone-map, colour.

This is datashader's pipeline in miniature: *aggregate* (count points per
pixel, Numba, parallel), *transform* (linear / log / cbrt / eq_hist so that
a 1e8-point attractor whose busiest pixel holds a million hits still shows
its faint filaments) and *colour-map* (an OKLab ramp through palette colours;
empty pixels stay transparent so the result composites onto any background
with ``Canvas.image``).

Huge attractor orbits never exist as arrays: :func:`attractor_density`
iterates the map and bins each point at once, so 1e8 points cost only the
histogram's memory.
"""
from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange

from gencraft.errors import UserError, did_you_mean
from gencraft.particles.attractors import resolve, step
from gencraft.particles.memory import ensure_fits

TONES = ("linear", "log", "cbrt", "eq_hist")


# --------------------------------------------------------------- aggregation
def fit_bounds(x: np.ndarray, y: np.ndarray, width: int, height: int, pad: float = 0.04,
               quantile: float = 0.0) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) around the points, padded, with the canvas's aspect ratio.

    ``quantile`` > 0 ignores that fraction of outliers on each side.
    """
    fin = np.isfinite(x) & np.isfinite(y)
    x, y = x[fin], y[fin]
    if len(x) == 0:
        return (-1.0, -1.0, 1.0, 1.0)
    if quantile > 0:
        lo_x, hi_x = np.quantile(x, [quantile, 1 - quantile])
        lo_y, hi_y = np.quantile(y, [quantile, 1 - quantile])
    else:
        lo_x, hi_x, lo_y, hi_y = x.min(), x.max(), y.min(), y.max()
    cx, cy = (lo_x + hi_x) / 2, (lo_y + hi_y) / 2
    sx = max(hi_x - lo_x, 1e-12) * (1 + 2 * pad)
    sy = max(hi_y - lo_y, 1e-12) * (1 + 2 * pad)
    # grow the short side so one data unit is the same number of pixels both ways
    if sx / width > sy / height:
        sy = sx * height / width
    else:
        sx = sy * width / height
    return (float(cx - sx / 2), float(cy - sy / 2), float(cx + sx / 2), float(cy + sy / 2))


@njit(cache=True, parallel=True)
def _hist_points(x, y, w, weighted, x0, y0, kx, ky, width, height, nthreads):
    n = x.size
    bufs = np.zeros((nthreads, height, width))
    chunk = (n + nthreads - 1) // nthreads
    for t in prange(nthreads):
        buf = bufs[t]
        for k in range(t * chunk, min(n, (t + 1) * chunk)):
            fx = (x[k] - x0) * kx
            fy = (y[k] - y0) * ky
            if fx >= 0.0 and fy >= 0.0 and fx < width and fy < height:
                buf[int(fy), int(fx)] += w[k] if weighted else 1.0
    out = bufs[0]
    for t in range(1, nthreads):
        out += bufs[t]
    return out


def _bounds_scale(bounds, width, height):
    x0, y0, x1, y1 = (float(v) for v in bounds)
    if not (x1 > x0 and y1 > y0) or not all(map(math.isfinite, (x0, y0, x1, y1))):
        raise UserError(f"density bounds must be finite (x0, y0, x1, y1) with x1 > x0 and y1 > y0, got {bounds!r}")
    return x0, y0, width / (x1 - x0), height / (y1 - y0)


def _check_size(width, height):
    if int(width) < 1 or int(height) < 1:
        raise UserError(f"density size must be positive, got {width}x{height}")
    threads = numba.get_num_threads()
    ensure_fits(int(width) * int(height) * 8 * (threads + 1), f"a {width}x{height} histogram")
    return int(width), int(height), threads


def histogram(x: np.ndarray, y: np.ndarray, width: int, height: int, bounds=None,
              weights: np.ndarray | None = None) -> np.ndarray:
    """Count (or sum ``weights`` of) points per pixel: float64 (height, width).

    ``bounds`` (x0, y0, x1, y1) maps to the pixel grid (y grows downwards, like
    the canvas); by default the points' own bounds with the canvas aspect.
    """
    x = np.ascontiguousarray(x, dtype=np.float64).ravel()
    y = np.ascontiguousarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise UserError(f"x and y must have the same length, got {x.size} and {y.size}")
    width, height, threads = _check_size(width, height)
    bounds = fit_bounds(x, y, width, height) if bounds is None else bounds
    x0, y0, kx, ky = _bounds_scale(bounds, width, height)
    w = np.zeros(1) if weights is None else np.ascontiguousarray(weights, dtype=np.float64).ravel()
    if weights is not None and w.size != x.size:
        raise UserError(f"weights must have one value per point ({x.size}), got {w.size}")
    return _hist_points(x, y, w, weights is not None, x0, y0, kx, ky, width, height, threads)


@njit(cache=True, parallel=True)
def _hist_segments(coords, offsets, x0, y0, kx, ky, width, height, nthreads):
    m = offsets.size - 1
    bufs = np.zeros((nthreads, height, width))
    chunk = (m + nthreads - 1) // nthreads
    for t in prange(nthreads):
        buf = bufs[t]
        for i in range(t * chunk, min(m, (t + 1) * chunk)):
            for k in range(offsets[i], offsets[i + 1] - 1):
                ax = (coords[k, 0] - x0) * kx
                ay = (coords[k, 1] - y0) * ky
                bx = (coords[k + 1, 0] - x0) * kx
                by = (coords[k + 1, 1] - y0) * ky
                length = math.sqrt((bx - ax) ** 2 + (by - ay) ** 2)
                if not math.isfinite(length):
                    continue
                ns = int(math.ceil(length / 0.5)) + 1 if length > 0 else 1
                wgt = length / ns if length > 0 else 0.0
                for s in range(ns):
                    u = (s + 0.5) / ns
                    fx = ax + u * (bx - ax)
                    fy = ay + u * (by - ay)
                    if fx >= 0.0 and fy >= 0.0 and fx < width and fy < height:
                        buf[int(fy), int(fx)] += wgt
    out = bufs[0]
    for t in range(1, nthreads):
        out += bufs[t]
    return out


def histogram_segments(coords: np.ndarray, offsets: np.ndarray, width: int, height: int,
                       bounds=None) -> np.ndarray:
    """Line length per pixel of polylines in CSR layout (coords (N,2), offsets (M+1,))."""
    coords = np.ascontiguousarray(coords, dtype=np.float64).reshape(-1, 2)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    width, height, threads = _check_size(width, height)
    bounds = (0.0, 0.0, float(width), float(height)) if bounds is None else bounds
    x0, y0, kx, ky = _bounds_scale(bounds, width, height)
    return _hist_segments(coords, offsets, x0, y0, kx, ky, width, height, threads)


@njit(cache=True, parallel=True)
def _attractor_hist(code, a, b, c, d, starts, per_orbit, burn, x0, y0, kx, ky, width, height, nthreads):
    """Bin orbits into per-thread histograms, a chunk of iterates at a time.

    Iterating (a dependent chain of sin/cos) and scattering counts into a
    multi-megabyte histogram (cache/TLB misses) are done in separate loops
    over a small index buffer: the scatter loop then keeps many misses in
    flight, which is 2-3x faster than interleaving them at 2000x2000.
    """
    norbits = starts.shape[0]
    bufs = np.zeros((nthreads, height * width), dtype=np.uint32)
    diverged = np.zeros(norbits, dtype=np.int64)
    for t in prange(nthreads):
        buf = bufs[t]
        idx = np.empty(4096, dtype=np.int64)
        for o in range(t, norbits, nthreads):
            x = starts[o, 0]
            y = starts[o, 1]
            for _ in range(burn):
                x, y = step(code, a, b, c, d, x, y)
            left = per_orbit[o]
            while left > 0 and diverged[o] == 0:
                m = min(left, idx.size)
                cnt = 0
                for _ in range(m):
                    x, y = step(code, a, b, c, d, x, y)
                    fx = (x - x0) * kx
                    fy = (y - y0) * ky
                    if fx >= 0.0 and fy >= 0.0 and fx < width and fy < height:
                        idx[cnt] = int(fy) * width + int(fx)
                        cnt += 1
                    elif not (math.isfinite(x) and math.isfinite(y)):
                        diverged[o] = 1
                        break
                for j in range(cnt):
                    buf[idx[j]] += 1
                left -= m
    out = bufs[0].astype(np.float64)
    for t in range(1, nthreads):
        out += bufs[t]
    return out.reshape(height, width), diverged


def attractor_density(name: str, params=None, n: int = 10_000_000, width: int = 1000, height: int = 1000,
                      bounds=None, orbits: int = 16, burn: int = 1000, x0: float | None = None,
                      y0: float | None = None) -> tuple[np.ndarray, tuple]:
    """Bin n points of an attractor into a (height, width) float64 histogram.

    The n points are spread over ``orbits`` independent orbits (started near
    the start point, first ``burn`` iterates of each dropped) that run in
    parallel; counts are integers, so the result does not depend on the
    thread count. No point arrays are kept: memory is the histogram's.
    Returns (histogram, bounds).
    """
    s, params, (a, b, c, d) = resolve(name, params, n)
    width, height, threads = _check_size(width, height)
    orbits = max(1, int(orbits))
    sx = s.start[0] if x0 is None else float(x0)
    sy = s.start[1] if y0 is None else float(y0)
    if bounds is None:
        from gencraft.particles.attractors import _iterate
        px, py = _iterate(s.code, a, b, c, d, 200_000 + burn, sx, sy)
        px, py = px[burn:], py[burn:]
        if not (np.isfinite(px).all() and np.isfinite(py).all()):
            raise UserError(f"attractor {s.name!r} with parameters {params!r} diverges to infinity")
        bounds = fit_bounds(px, py, width, height, pad=0.05, quantile=1e-4)
    bx0, by0, kx, ky = _bounds_scale(bounds, width, height)
    starts = np.empty((orbits, 2))
    for o in range(orbits):  # tiny deterministic offsets: same attractor, different orbits
        starts[o] = (sx + 1e-3 * o, sy - 7e-4 * o)
    per = np.full(orbits, n // orbits, dtype=np.int64)
    per[: n % orbits] += 1
    hist, diverged = _attractor_hist(s.code, a, b, c, d, starts, per, int(burn), bx0, by0, kx, ky,
                                     width, height, threads)
    if diverged.any():
        raise UserError(f"attractor {s.name!r} with parameters {params!r} diverges to infinity")
    return hist, tuple(bounds)


# ---------------------------------------------------------------- tone mapping
def eq_hist(data: np.ndarray, mask: np.ndarray | None = None, nbins: int = 256 * 256) -> np.ndarray:
    """Histogram equalisation as datashader does it: each value -> its CDF rank.

    Integer counts use their exact distinct values; floats use ``nbins`` bins.
    Masked values come back NaN.
    """
    data = np.asarray(data, dtype=np.float64)
    sel = data[~mask] if mask is not None else data.ravel()
    if sel.size == 0:
        return np.full(data.shape, np.nan)
    vmin, vmax = float(sel.min()), float(sel.max())
    if np.array_equal(sel, np.round(sel)) and vmax - vmin < 2e7:
        hist = np.bincount((sel - vmin).astype(np.int64))
        centers = np.arange(vmin, vmax + 1)
        keep = hist > 0  # interpolate between values that occur, as np.unique would
        hist, centers = hist[keep], centers[keep]
    else:
        hist, edges = np.histogram(sel, bins=nbins)
        centers = (edges[:-1] + edges[1:]) / 2
    cdf = hist.cumsum().astype(np.float64)
    cdf /= cdf[-1]
    out = np.interp(data, centers, cdf)
    return out if mask is None else np.where(mask, np.nan, out)


def tone_map(agg: np.ndarray, how: str = "eq_hist", span: tuple[float, float] | None = None) -> np.ndarray:
    """Aggregate -> values in [0, 1] (NaN where the aggregate is zero/empty).

    ``how``: 'linear', 'log' (log1p), 'cbrt', or 'eq_hist'. Like datashader,
    the transformed non-empty values are then rescaled so the faintest
    non-empty pixel maps to 0 and the densest to 1 (or ``span`` in data units).
    """
    if how not in TONES:
        raise UserError(f"unknown tone mapping {how!r}{did_you_mean(str(how), TONES)}: expected one of {', '.join(TONES)}")
    agg = np.asarray(agg, dtype=np.float64)
    if np.isnan(agg).any() or np.isinf(agg).any():
        raise UserError("density aggregate contains NaN or infinity")
    mask = agg <= 0
    if mask.all():
        return np.full(agg.shape, np.nan)
    if how == "eq_hist":
        out = eq_hist(agg, mask)
        lo, hi = np.nanmin(out), np.nanmax(out)
    else:
        f = {"linear": lambda v: v, "log": np.log1p, "cbrt": np.cbrt}[how]
        out = np.where(mask, np.nan, f(np.maximum(agg, 0)))
        if span is not None:
            lo, hi = float(f(np.float64(span[0]))), float(f(np.float64(span[1])))
        else:
            lo, hi = np.nanmin(out), np.nanmax(out)
    if hi > lo:
        out = (out - lo) / (hi - lo)
    else:
        out = np.where(mask, np.nan, 1.0)
    return np.clip(out, 0.0, 1.0)
