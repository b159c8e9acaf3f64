"""Hatching: parallel lines filling a polygon (with holes), cross-hatching, tone by spacing,
and hidden-line removal — the pen-plotter's way of making tone and depth with lines only.

Clipping is shapely's (GEOS), the field's library for polygon overlay (as in
vpype and vsketch): the hatch lines are built in a frame rotated by the hatch
angle, cut against the polygon in one vectorised ``shapely.intersection``,
and rotated back. Tone from an image follows the pen-plotter practice of
varying the spacing (see Paul Haeberli, "Paint by numbers", 1990, and the
line-density hatching of Winkenbach & Salesin, "Computer-generated pen-and-ink
illustration", SIGGRAPH 1994): lines are laid at the finest spacing and each
line is kept only where the image is dark enough for it. The lines are
ranked by a van der Corput sequence, so for any tone the kept lines are
evenly spread — tone d keeps a share ``f0 + (1 - f0) d`` of them, ``f0 =
spacing_min / spacing_max`` — and dark areas get every line.

Hidden-line removal is the painter's algorithm on lines: drawing back to
front, every line is cut by the union of the filled shapes drawn after it,
so nothing shows through a shape in front (the classic plotter landscape).

Segments come back as (M, 2, 2) float64 arrays (start and end points) in
canvas coordinates; general polylines as lists of (k, 2) arrays.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from gencraft.geometry._check import field_image, finite_number, finite_positive, int_in
from gencraft.geometry.polygons import as_shape, lines_to_shapes, shape_polylines

MAX_LINES = 200_000


def _rotate(xy: np.ndarray, angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return xy @ np.array([[c, s], [-s, c]])


def _segments(parts) -> np.ndarray:
    """(M, 2, 2) from shapely line parts (first and last point of each straight run)."""
    out = []
    for g in parts:
        for line in shape_polylines(g):
            if len(line) >= 2 and np.hypot(*(line[-1] - line[0])) > 0:
                out.append([line[0], line[-1]])
    return np.array(out, dtype=np.float64).reshape(-1, 2, 2)


def _line_ys(lo: float, hi: float, spacing: float, offset: float):
    k0 = math.ceil((lo - offset) / spacing)
    k1 = math.floor((hi - offset) / spacing)
    if k1 - k0 + 1 > MAX_LINES:
        raise ValueError(f"spacing: {spacing:g} would make {k1 - k0 + 1} lines across the shape "
                         f"(at most {MAX_LINES}); expected a larger spacing")
    ks = np.arange(k0, k1 + 1)
    return ks, offset + ks * spacing


def hatch(polygon, spacing: float, angle: float = 0.0, *, holes: Sequence | None = None,
          offset: float | None = None, serpentine: bool = True) -> np.ndarray:
    """Parallel lines ``spacing`` apart at ``angle`` (radians, 0 = horizontal) filling a polygon.

    polygon: an (k, 2) array of vertices (plus ``holes``, a list of (k, 2)
        arrays) or a shapely Polygon / MultiPolygon. No line enters a hole.
    offset: the phase: lines lie at ``offset + k·spacing`` across their
        direction, in canvas coordinates, so neighbouring shapes hatched alike
        continue each other's lines (default ``spacing / 2``, which keeps lines
        off edges on a grid of whole multiples of the spacing).
    serpentine: alternate the direction of successive lines (shorter pen
        travel on a plotter).
    Returns (M, 2, 2) segments.
    """
    import shapely

    shape = as_shape("polygon", polygon, holes)
    spacing = finite_positive("spacing", spacing)
    angle = finite_number("angle", angle)
    offset = spacing / 2 if offset is None else finite_number("offset", offset)
    rot = shapely.transform(shape, lambda xy: _rotate(xy, -angle))
    x0, y0, x1, y1 = rot.bounds
    ks, ys = _line_ys(y0, y1, spacing, offset)
    if len(ys) == 0:
        return np.zeros((0, 2, 2))
    coords = np.empty((len(ys), 2, 2))
    coords[:, 0, 0], coords[:, 1, 0] = x0 - 1.0, x1 + 1.0
    coords[:, :, 1] = ys[:, None]
    cut = shapely.intersection(shapely.linestrings(coords), rot)
    segs = []
    for k, g in zip(ks, cut):
        s = _segments([g])
        if len(s):
            s = s[np.argsort(s[:, :, 0].min(axis=1))]
            s.sort(axis=1)  # left to right inside each segment (rotated frame: y equal)
            if serpentine and k % 2:
                s = s[::-1, ::-1]
            segs.append(s)
    if not segs:
        return np.zeros((0, 2, 2))
    out = np.concatenate(segs)
    return _rotate(out.reshape(-1, 2), angle).reshape(-1, 2, 2)


def cross_hatch(polygon, spacing: float, angle: float = 0.0, *, layers: int = 2,
                holes: Sequence | None = None, offset: float | None = None) -> np.ndarray:
    """``layers`` hatchings of the polygon at angles ``angle + i·π/layers`` (2: a square grid)."""
    layers = int_in("layers", layers, 1, 12)
    return np.concatenate([hatch(polygon, spacing, angle + i * math.pi / layers, holes=holes, offset=offset)
                           for i in range(layers)])


def _van_der_corput(k: np.ndarray) -> np.ndarray:
    """Base-2 radical inverse of non-negative integers: an evenly spread ranking of lines."""
    k = k.astype(np.int64).copy()
    out = np.zeros(len(k))
    f = 0.5
    while k.any():
        out += f * (k & 1)
        k >>= 1
        f *= 0.5
    return out


def spacing_map(density, spacing_min: float, spacing_max: float) -> np.ndarray:
    """The local line spacing that :func:`hatch_density` gives a tone image (same shape).

    Tone d in [0, 1] (1 = darkest) keeps a share ``f0 + (1 - f0)·d`` of the
    finest lines, so the spacing is ``spacing_min / (f0 + (1 - f0)·d)`` with
    ``f0 = spacing_min / spacing_max``: ``spacing_max`` in white, ``spacing_min``
    in black.
    """
    spacing_min, spacing_max = _spacings(spacing_min, spacing_max)
    d = np.clip(field_image("density", density, 1.0, 1.0, 1.0).astype(np.float64), 0.0, 1.0)
    f0 = spacing_min / spacing_max
    return spacing_min / (f0 + (1.0 - f0) * d)


def _spacings(spacing_min, spacing_max):
    spacing_min = finite_positive("spacing_min", spacing_min)
    spacing_max = finite_positive("spacing_max", spacing_max)
    if spacing_min > spacing_max:
        raise ValueError(f"spacing_min: expected spacing_min <= spacing_max, got {spacing_min:g} > {spacing_max:g}")
    return spacing_min, spacing_max


def hatch_density(polygon, density, spacing_min: float, spacing_max: float, angle: float = 0.0, *,
                  holes: Sequence | None = None, width: float | None = None, height: float | None = None,
                  step: float | None = None, min_length: float = 0.0, offset: float | None = None) -> np.ndarray:
    """Hatch a polygon with tone: lines closer together where ``density`` is high.

    density: a tone image (rows, cols) in [0, 1] covering the canvas ``width``
        × ``height`` (default: the image's size in pixels), row 0 at the top;
        or a callable ``density(x, y)`` over canvas coordinates (then width and
        height are required).
    spacing_min, spacing_max: the spacing in black and in white (see :func:`spacing_map`).
    step: how finely the tone is sampled along a line (default spacing_min / 2).
    min_length: drop dashes shorter than this (plotter-friendly).
    offset: the phase of the finest lines, as in :func:`hatch`.
    Returns (M, 2, 2) segments, clipped to the polygon (and outside its holes).
    """
    import shapely

    shape = as_shape("polygon", polygon, holes)
    spacing_min, spacing_max = _spacings(spacing_min, spacing_max)
    angle = finite_number("angle", angle)
    offset = spacing_min / 2 if offset is None else finite_number("offset", offset)
    min_length = finite_number("min_length", min_length)
    if callable(density) and (width is None or height is None):
        raise ValueError("width: a callable density needs width and height")
    w_ = finite_positive("width", width) if width is not None else None
    h_ = finite_positive("height", height) if height is not None else None
    img = field_image("density", density, w_ or 1.0, h_ or 1.0, spacing_min)
    img = np.clip(np.asarray(img, dtype=np.float64), 0.0, 1.0)
    rows, cols = img.shape
    width = float(cols) if w_ is None else w_
    height = float(rows) if h_ is None else h_
    step = spacing_min / 2 if step is None else finite_positive("step", step)
    f0 = spacing_min / spacing_max

    rot = shapely.transform(shape, lambda xy: _rotate(xy, -angle))
    x0, y0, x1, y1 = rot.bounds
    ks, ys = _line_ys(y0, y1, spacing_min, offset)
    if len(ys) == 0:
        return np.zeros((0, 2, 2))
    nx = int(math.ceil((x1 - x0) / step)) + 1
    if nx * len(ys) > 50_000_000:
        raise ValueError(f"step: {step:g} would sample {nx * len(ys)} points; expected a larger step")
    xs = x0 + np.arange(nx) * step
    rank = _van_der_corput(ks - ks.min())
    segs = []
    for y, t in zip(ys, rank):
        pts = _rotate(np.column_stack([xs, np.full(nx, y)]), angle)
        i = np.clip((pts[:, 1] / height * rows).astype(np.int64), 0, rows - 1)
        j = np.clip((pts[:, 0] / width * cols).astype(np.int64), 0, cols - 1)
        on = f0 + (1.0 - f0) * img[i, j] > t
        if not on.any():
            continue
        edges = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        a = np.maximum(xs[starts] - step / 2, x0)
        b = np.minimum(xs[ends - 1] + step / 2, x1)
        run = np.empty((len(a), 2, 2))
        run[:, 0, 0], run[:, 1, 0], run[:, :, 1] = a, b, y
        segs.append(run)
    if not segs:
        return np.zeros((0, 2, 2))
    runs = np.concatenate(segs)
    cut = shapely.intersection(shapely.linestrings(runs), rot)
    out = _segments(cut)
    if min_length > 0 and len(out):
        out = out[np.hypot(*(out[:, 1] - out[:, 0]).T) >= min_length]
    return _rotate(out.reshape(-1, 2), angle).reshape(-1, 2, 2)


def clip_lines(lines, polygon, *, holes: Sequence | None = None, inside: bool = True) -> list[np.ndarray]:
    """The parts of polylines inside (or, with ``inside=False``, outside) a polygon."""
    import shapely

    shape = as_shape("polygon", polygon, holes)
    geoms = lines_to_shapes("lines", lines)
    if len(geoms) == 0:
        return []
    cut = shapely.intersection(geoms, shape) if inside else shapely.difference(geoms, shape)
    return shape_polylines(cut)


def hidden_lines(layers: Sequence[tuple[Any, Any]]) -> list[list[np.ndarray]]:
    """Hidden-line removal by the painter's algorithm.

    layers: back to front, each ``(lines, shape)``: the layer's polylines (a
        list of (k, 2) arrays or an (M, k, 2) array) and the filled shape that
        hides what is behind it (a polygon as :func:`hatch` takes it, or None
        for lines that hide nothing).
    Returns, per layer, the visible parts of its lines: each cut by the union
    of the shapes of all later layers. A layer's own shape does not hide its
    own lines.
    """
    import shapely

    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__"):
        raise ValueError(f"layers: expected a sequence of (lines, shape) pairs, got {type(layers).__name__}")
    parsed = []
    for i, layer in enumerate(layers):
        try:
            lines, occluder = layer
        except (TypeError, ValueError):
            raise ValueError(f"layers[{i}]: expected a (lines, shape) pair, got {layer!r:.60}") from None
        geoms = lines_to_shapes(f"layers[{i}] lines", lines)
        shape = None if occluder is None else as_shape(f"layers[{i}] shape", occluder)
        parsed.append((geoms, shape))
    out: list[list[np.ndarray]] = [[] for _ in parsed]
    front = None
    for i in range(len(parsed) - 1, -1, -1):
        geoms, shape = parsed[i]
        if len(geoms):
            visible = geoms if front is None else shapely.difference(geoms, front)
            out[i] = shape_polylines(visible)
        if shape is not None:
            front = shape if front is None else shapely.union(front, shape)
    return out
