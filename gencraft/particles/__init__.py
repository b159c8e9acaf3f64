"""Particles, flow fields, attractors and density rendering (Numba engines that return arrays).

- attractors: :func:`clifford`, :func:`dejong`, :func:`iterate` (svensson,
  fractal_dream, bedhead, hopalong, tinkerbell too)
- fields: :class:`NoiseAngleField`, :class:`CurlField`, :class:`GridField`,
  :class:`FunctionField`
- :func:`advect` (Euler/RK2/RK4, parallel; :class:`Forces`), trails as CSR polylines
- :func:`streamlines` (Jobard-Lefer evenly spaced curves)
- seeding: :func:`random_seeds`, :func:`grid_seeds`, :func:`poisson_disc`
- density: :func:`histogram`, :func:`histogram_segments`, :func:`attractor_density`,
  :func:`tone_map`, :func:`shade`, :func:`composite`; :func:`render_attractor` (the CLI's API)
"""
from gencraft.particles.advect import Forces, Trails, advect
from gencraft.particles.attractors import ATTRACTORS, clifford, dejong, iterate
from gencraft.particles.density import (attractor_density, eq_hist, fit_bounds, histogram, histogram_segments,
                                        tone_map)
from gencraft.particles.fields import CurlField, Field, FunctionField, GridField, NoiseAngleField
from gencraft.particles.render import composite, render_attractor, shade
from gencraft.particles.seeding import grid_seeds, poisson_disc, random_seeds
from gencraft.particles.streamlines import streamlines

__all__ = [
    "ATTRACTORS", "clifford", "dejong", "iterate", "Field", "NoiseAngleField", "CurlField", "GridField",
    "FunctionField", "advect", "Forces", "Trails", "streamlines", "random_seeds", "grid_seeds", "poisson_disc",
    "histogram", "histogram_segments", "attractor_density", "fit_bounds", "eq_hist", "tone_map", "shade",
    "composite", "render_attractor",
]
