"""Weighted Voronoi stippling (Secord 2002): N dots whose local density follows an image.

Adrian Secord, "Weighted Voronoi Stippling", NPAR 2002: start from points
drawn with probability proportional to the density (the darkness to
reproduce), then run Lloyd's method with *weighted* centroids — each point
moves to the density-weighted centroid of its Voronoi cell — until the
points stop moving. Dots crowd where the image is dark and spread where it
is light, evenly spaced like a hand stipple.

As in Secord's paper the Voronoi cells are computed on the pixel grid: each
pixel goes to its nearest point (``scipy.spatial.cKDTree``), and the cell's
weighted centroid is a sum over its pixels (``np.bincount``). ``supersample``
refines that grid when there are many points per pixel.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gencraft.geometry._check import field_image, finite_number, finite_positive, int_in, seed_rng


@dataclass(frozen=True)
class Stippled:
    """Result of :func:`stipple`.

    points: (n, 2) float64 dot centres in canvas units.
    weight: (n,) mean density over the inked pixels of each dot's cell (scale dot radii by
        it, as Secord does).
    movement: (iterations,) mean distance the dots moved in each iteration (it falls as they converge).
    max_movement: (iterations,) the largest move in each iteration.
    """

    points: np.ndarray
    weight: np.ndarray
    movement: np.ndarray
    max_movement: np.ndarray

    @property
    def iterations(self) -> int:
        return len(self.movement)


def _density(density, width, height, n):
    # a callable is sampled a few pixels per dot spacing
    feature = math.sqrt((width or 1.0) * (height or 1.0) / n) / 2
    img = field_image("density", density, width or 1.0, height or 1.0, feature)
    img = np.asarray(img, dtype=np.float64)
    if (img < 0).any():
        raise ValueError("density: expected values >= 0 (darkness to reproduce), got negative values")
    if not img.any():
        raise ValueError("density: expected some density > 0, got an all-zero image")
    return img


def stipple(density, n: int, *, seed, iterations: int = 30, tol: float | None = None,
            width: float | None = None, height: float | None = None, supersample: int = 1) -> Stippled:
    """Place ``n`` dots whose density follows ``density`` (Secord 2002, weighted Voronoi stippling).

    density: a 2-D array (rows, cols) of values >= 0, row 0 at the top — high
        values get many dots — or a callable ``density(x, y)`` over canvas
        coordinates (then ``width`` and ``height`` are required).
    width, height: the canvas the image covers (default: its size in pixels).
    iterations: the most Lloyd steps; stops early when the largest move falls
        below ``tol`` (default: 0.1 % of the mean dot spacing).
    supersample: split each pixel into s × s for finer centroids.
    seed: an int, SeedSequence or numpy Generator (the initial dots).
    """
    n = int_in("n", n, 1, 10_000_000)
    iterations = int_in("iterations", iterations, 0, 10_000)
    supersample = int_in("supersample", supersample, 1, 8)
    if callable(density) and (width is None or height is None):
        raise ValueError("width: a callable density needs width and height")
    if width is not None:
        width = finite_positive("width", width)
    if height is not None:
        height = finite_positive("height", height)
    img = _density(density, width, height, n)
    rows, cols = img.shape
    width = float(cols) if width is None else width
    height = float(rows) if height is None else height
    if supersample > 1:
        img = np.kron(img, np.ones((supersample, supersample)))
        rows, cols = img.shape
    sx, sy = width / cols, height / rows
    tol = 1e-3 * math.sqrt(width * height / n) if tol is None else finite_number("tol", tol)
    rng = seed_rng(seed)

    flat = img.ravel()
    nz = np.flatnonzero(flat > 0)
    w = flat[nz]
    px = ((nz % cols) + 0.5) * sx
    py = ((nz // cols) + 0.5) * sy
    pix = np.column_stack([px, py])

    # initial dots: pixels drawn with probability ∝ density, jittered inside the pixel
    pick = rng.choice(len(nz), size=n, p=w / w.sum())
    pts = pix[pick] + (rng.random((n, 2)) - 0.5) * [sx, sy]

    from scipy.spatial import cKDTree

    moves, biggest = [], []
    mass = np.zeros(n)
    for it in range(iterations + 1):
        _, owner = cKDTree(pts).query(pix, k=1)
        mass = np.bincount(owner, weights=w, minlength=n)
        if it == iterations:
            break
        mx = np.bincount(owner, weights=w * px, minlength=n)
        my = np.bincount(owner, weights=w * py, minlength=n)
        has = mass > 0
        new = pts.copy()
        new[has, 0] = mx[has] / mass[has]
        new[has, 1] = my[has] / mass[has]
        d = np.hypot(*(new - pts).T)
        moves.append(float(d.mean()))
        biggest.append(float(d.max()))
        pts = new
        if d.max() < tol:
            _, owner = cKDTree(pts).query(pix, k=1)
            mass = np.bincount(owner, weights=w, minlength=n)
            break
    count = np.bincount(owner, minlength=n)
    weight = np.where(count > 0, mass / np.maximum(count, 1), 0.0)
    return Stippled(pts, weight, np.array(moves), np.array(biggest))
