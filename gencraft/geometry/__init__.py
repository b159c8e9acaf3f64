"""Geometry engines: circle packing, recursive subdivision, Voronoi/Delaunay, stippling, hatching.

Arrays in, arrays out, explicit seeds (an int, a ``numpy.random.SeedSequence``
or a ``numpy.random.Generator`` such as a sketch's ``rng.stream("layout")``);
nothing here draws, and nothing touches global random state::

    from gencraft.geometry import pack_circles, subdivide, voronoi_cells, stipple, hatch

    circles = pack_circles(800, 800, 3, 60, seed=7)          # (N, 3) x, y, r
    cells = subdivide(800, 800, seed=7, max_depth=5)          # Cells: polygons, depth, cell_id
    polys = voronoi_cells(points, (0, 0, 800, 800))           # one (k, 2) polygon per point
    dots = stipple(darkness, 5000, seed=7).points             # (n, 2), Secord 2002
    lines = hatch(polygon, 6.0, angle=0.6)                    # (M, 2, 2) segments

Bad input is a ValueError naming the argument and what was expected; every
iterative routine has a bound.
"""
from gencraft.geometry.hatching import clip_lines, cross_hatch, hatch, hatch_density, hidden_lines, spacing_map
from gencraft.geometry.packing import coverage, pack_circles
from gencraft.geometry.polygons import polygon_area, polygon_areas, polygon_centroid
from gencraft.geometry.stipple import Stippled, stipple
from gencraft.geometry.subdivision import Cells, subdivide
from gencraft.geometry.voronoi import Relaxed, delaunay, delaunay_edges, lloyd, voronoi_cells

__all__ = [
    "pack_circles", "coverage",
    "subdivide", "Cells",
    "delaunay", "delaunay_edges", "voronoi_cells", "lloyd", "Relaxed",
    "stipple", "Stippled",
    "hatch", "cross_hatch", "hatch_density", "spacing_map", "clip_lines", "hidden_lines",
    "polygon_area", "polygon_areas", "polygon_centroid",
]
