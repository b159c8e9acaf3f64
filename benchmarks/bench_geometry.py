"""Geometry engines against the plain loops one writes first.

* Circle packing: gencraft's Numba grid kernel against a plain NumPy
  rejection-sampling loop — draw a centre, measure the free space against
  every placed circle with one vectorised NumPy expression, keep it if a
  circle of at least r_min fits (radius: the free space, capped at r_max).
  Same r_min/r_max, same count of circles; the figure is circles placed per
  second. A second row packs 100,000+ circles to saturation (no baseline can
  finish that in reasonable time).
* Weighted Voronoi stippling: the pixel-to-nearest-dot step through
  ``scipy.spatial.cKDTree`` against a brute-force NumPy argmin over all dots
  (chunked), the same iterations from the same start (identical dots, checked).
* Voronoi cells clipped to a rectangle: the mirrored-sites Qhull diagram
  against ``shapely.voronoi_polygons`` + a per-cell clip and a point-in-cell
  match (GEOS), the same cells (areas checked).

Each pair is interleaved (harness.compare: a warm-up call of each, kept apart
as the first-call time, then A B A B); the ratio is the median of per-pair
ratios with min-max. The brute-force stippling loop takes ~5 s an iteration
at full size, so that pair runs 3 iterations (not 10) and 2 timed pairs.
"""
from __future__ import annotations

import math

import numpy as np

from benchmarks.harness import Result, best_time, compare
from gencraft.geometry import pack_circles, stipple, voronoi_cells


def numpy_rejection(width, height, r_min, r_max, count, seed):
    rng = np.random.default_rng(seed)
    xs, ys, rs = np.empty(count), np.empty(count), np.empty(count)
    n = attempts = 0
    while n < count and attempts < 200 * count:  # bounded: a full page stops it
        attempts += 1
        x, y = rng.random() * width, rng.random() * height
        free = min(r_max, x, y, width - x, height - y)
        if n:
            free = min(free, float(np.min(np.hypot(xs[:n] - x, ys[:n] - y) - rs[:n])))
        if free >= r_min:
            xs[n], ys[n], rs[n] = x, y, free
            n += 1
    return np.column_stack([xs, ys, rs]), attempts


def _packing(quick: bool) -> list[Result]:
    w = h = 1000.0
    r_min, r_max = 2.0, 20.0
    count = 2000 if quick else 5000  # this rectangle holds about 9,400 at saturation
    got = {}

    def ours():
        got["ours"] = pack_circles(w, h, r_min, r_max, seed=1, max_circles=count)

    def base():
        got["base"] = numpy_rejection(w, h, r_min, r_max, count, seed=1)[0]

    t = compare(ours, base, repeats=3)  # the NumPy loop takes ~5 s for 5,000 circles
    assert len(got["ours"]) == len(got["base"]) == count
    rows = [Result("geometry", f"circle packing, first {count:,} circles (r {r_min:g}–{r_max:g} on {w:g}²)",
                   baseline_name="NumPy rejection-sampling loop (vectorised distance to all circles)", goal=">= 20x",
                   timing=t, extra={"circles/s": count / t.ours, "circles/s baseline": count / t.baseline})]
    full = pack_circles(w, h, 1.0, 1.6, seed=1)
    t_full = best_time(lambda: pack_circles(w, h, 1.0, 1.6, seed=1), repeats=1 if quick else 3)
    cover = math.pi * np.sum(full[:, 2] ** 2) / (w * h)
    rows.append(Result("geometry", f"circle packing to saturation: {len(full):,} circles (r 1–1.6 on {w:g}²)",
                       t_full, "—", None, "a few s on one core",
                       {"circles/s": len(full) / t_full, "coverage %": 100 * cover}))
    return rows


def brute_stipple(img, n, seed, iterations):
    """The same Secord iteration with a brute-force nearest-dot search."""
    rows, cols = img.shape
    flat = img.ravel()
    nz = np.flatnonzero(flat > 0)
    w = flat[nz]
    pix = np.column_stack([(nz % cols) + 0.5, (nz // cols) + 0.5])
    rng = np.random.default_rng(seed)
    pts = pix[rng.choice(len(nz), size=n, p=w / w.sum())] + (rng.random((n, 2)) - 0.5)
    for _ in range(iterations):
        owner = np.empty(len(pix), dtype=np.int64)
        for s in range(0, len(pix), 4096):
            chunk = pix[s:s + 4096]
            d = ((chunk[:, None, :] - pts[None, :, :]) ** 2).sum(-1)
            owner[s:s + 4096] = np.argmin(d, axis=1)
        mass = np.bincount(owner, weights=w, minlength=n)
        mx = np.bincount(owner, weights=w * pix[:, 0], minlength=n)
        my = np.bincount(owner, weights=w * pix[:, 1], minlength=n)
        has = mass > 0
        pts = pts.copy()
        pts[has, 0], pts[has, 1] = mx[has] / mass[has], my[has] / mass[has]
    return pts


def _stipple(quick: bool) -> Result:
    # the brute-force side costs ~5 s an iteration at 200², 2,000 dots: 3 iterations, 2 timed pairs
    size, n, iters, repeats = (120, 800, 3, 3) if quick else (200, 2000, 3, 2)
    yy, xx = np.mgrid[0:size, 0:size]
    img = 0.15 + 0.85 * np.exp(-((xx - size / 2) ** 2 + (yy - size / 2) ** 2) / (0.1 * size * size))
    got = {}

    def ours():
        got["ours"] = stipple(img, n, seed=2, iterations=iters, tol=0.0).points

    def base():
        got["base"] = brute_stipple(img, n, 2, iters)

    t = compare(ours, base, repeats=repeats)
    assert np.allclose(got["ours"], got["base"], atol=1e-9), "stipple and the brute-force loop disagree"
    return Result("geometry", f"weighted Voronoi stippling, {n:,} dots, {size}² image, {iters} iterations",
                  baseline_name="brute-force NumPy nearest dot (chunked argmin)", goal=">= 5x", timing=t,
                  extra={"ms/iteration": 1e3 * t.ours / iters})


def shapely_cells(p, box):
    import shapely

    x0, y0, x1, y1 = box
    rect = shapely.box(x0, y0, x1, y1)
    polys = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(p), extend_to=rect))
    clipped = shapely.intersection(polys, rect)
    # GEOS returns the cells in its own order: match each to the site it contains
    tree = shapely.STRtree(clipped)
    idx = tree.query(shapely.points(p), predicate="within")
    order = np.empty(len(p), dtype=np.int64)
    order[idx[0]] = idx[1]
    return clipped[order]


def _voronoi(quick: bool) -> Result:
    import shapely

    n = 2000 if quick else 20_000
    box = (0.0, 0.0, 1000.0, 1000.0)
    p = np.random.default_rng(3).random((n, 2)) * 1000
    got = {}

    def ours():
        got["ours"] = voronoi_cells(p, box)

    def base():
        got["base"] = shapely_cells(p, box)

    t = compare(ours, base, repeats=3 if quick else 5)
    ours_area = np.array([shapely.Polygon(c).area for c in got["ours"]])
    assert np.allclose(ours_area, shapely.area(got["base"]), rtol=1e-6)
    return Result("geometry", f"Voronoi cells clipped to a rectangle, {n:,} sites",
                  baseline_name="shapely.voronoi_polygons + clip + match (GEOS)",
                  goal="parity (wraps SciPy's Qhull)", timing=t, extra={"k cells/s": n / t.ours / 1e3})


def run(quick: bool, device: str) -> list[Result]:
    return [*_packing(quick), _stipple(quick), _voronoi(quick)]
