"""Polygon helpers shared by the engines: areas, centroids, and turning input into shapely shapes.

Polygons travel as (k, 2) float64 arrays of vertices (not closed: the last
vertex is not a copy of the first). Where holes or clipping are involved the
engines use shapely 2 (GEOS), the field's library for polygon overlay.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from gencraft.geometry._check import finite_number, points2d


def polygon_area(poly: np.ndarray) -> float:
    """Signed area by the shoelace formula (positive when counter-clockwise in y-up axes)."""
    p = np.asarray(poly, dtype=np.float64)
    x, y = p[:, 0], p[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def polygon_areas(polys: np.ndarray) -> np.ndarray:
    """Absolute areas of a stack of polygons (N, k, 2) with the same vertex count."""
    p = np.asarray(polys, dtype=np.float64)
    x, y = p[..., 0], p[..., 1]
    return 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=-1) - y * np.roll(x, -1, axis=-1), axis=-1))


def polygon_centroid(poly: np.ndarray) -> np.ndarray:
    """Area centroid of a simple polygon (falls back to the vertex mean when degenerate)."""
    p = np.asarray(poly, dtype=np.float64)
    x, y = p[:, 0], p[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    a = cross.sum() / 2.0
    if abs(a) < 1e-300:
        return p.mean(axis=0)
    return np.array([np.sum((x + xn) * cross), np.sum((y + yn) * cross)]) / (6.0 * a)


def as_shape(name: str, polygon: Any, holes: Sequence | None = None):
    """A valid shapely Polygon/MultiPolygon from an array of vertices (+ holes) or a shapely shape.

    Degenerate (fewer than 3 vertices, zero area), self-intersecting or
    non-finite input is a ValueError naming ``name``.
    """
    import shapely
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.base import BaseGeometry

    if isinstance(polygon, BaseGeometry):
        if holes:
            raise ValueError(f"holes: give holes inside the shapely {name}, not separately")
        shape = polygon
        if not isinstance(shape, (Polygon, MultiPolygon)):
            raise ValueError(f"{name}: expected a Polygon or MultiPolygon, got {shape.geom_type}")
    else:
        shell = points2d(name, polygon, min_count=3)
        rings = [points2d("holes", h, min_count=3) for h in (holes or [])]
        shape = Polygon(shell, rings)
    if shape.is_empty or not np.isfinite(shapely.get_coordinates(shape)).all():
        raise ValueError(f"{name}: expected a polygon with finite vertices, got an empty or non-finite one")
    if not shape.is_valid:
        raise ValueError(f"{name}: expected a simple polygon, got an invalid one ({shapely.is_valid_reason(shape)})")
    if shape.area <= 1e-12 * max(1.0, shape.length ** 2):
        raise ValueError(f"{name}: expected a polygon with area > 0, got a degenerate one (area {shape.area:g})")
    return shape


def rect_bounds(name: str, bounds: Any) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) with x0 < x1 and y0 < y1."""
    try:
        x0, y0, x1, y1 = (finite_number(name, v) for v in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected (x0, y0, x1, y1) with x0 < x1 and y0 < y1, got {bounds!r}") from None
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"{name}: expected (x0, y0, x1, y1) with x0 < x1 and y0 < y1, got {bounds!r}")
    return x0, y0, x1, y1


def shape_polylines(geom) -> list[np.ndarray]:
    """Every LineString part of a shapely geometry (or array of geometries) as a (k, 2) array."""
    import shapely

    parts = shapely.get_parts(np.atleast_1d(np.asarray(geom, dtype=object)))
    out = []
    for part in parts:
        if part.geom_type == "LineString" and not part.is_empty:
            c = shapely.get_coordinates(part)
            if len(c) >= 2:
                out.append(c)
        elif part.geom_type in ("MultiLineString", "GeometryCollection"):
            out.extend(shape_polylines(part))
    return out


def lines_to_shapes(name: str, lines: Any):
    """Polylines — a list of (k, 2) arrays or an (M, k, 2) array — as an array of LineStrings."""
    import shapely

    if isinstance(lines, np.ndarray) and lines.ndim == 3:
        if lines.shape[-1] != 2 or lines.shape[1] < 2:
            raise ValueError(f"{name}: expected (M, k, 2) polylines with k >= 2, got shape {lines.shape}")
        if not np.isfinite(lines).all():
            raise ValueError(f"{name}: expected finite coordinates, got NaN or inf")
        return shapely.linestrings(lines)
    out = []
    for i, line in enumerate(lines):
        p = points2d(f"{name}[{i}]", line, min_count=2)
        out.append(shapely.linestrings(p))
    return np.array(out, dtype=object)
