"""Simulation and material engines: reaction–diffusion, differential growth,
watercolour layering, and the paper-and-grain finishing pass.

Like every engine package these take arrays and explicit seeds and return
arrays; they never draw and never touch global random state::

    from gencraft import sim
    u, v = sim.seed_grid((256, 256), seed=1)
    p = sim.PRESETS["coral"]
    u, v = sim.gray_scott(u, v, du=p.du, dv=p.dv, feed=p.feed, kill=p.kill, steps=4000)

    g = sim.grow(sim.circle(40, 20.0), steps=300, seed=2, snapshots=[100, 200, 300])
    g.points, g.snapshots                        # never self-intersecting

    wash = sim.watercolour(sim.regular_polygon(10, 200, (500, 500)), seed=3, layers=40)
    wash.polygons, wash.holes                    # per layer: polygon, texture-mask discs

    img = sim.paper_finish(rgba_uint8, seed=4, fibre=0.5, grain=0.3, vignette=0.3)
    sim.finish_paper(canvas, seed=4, fibre=0.5)  # in a sketch's draw(): the same, in place

Modules: ``reaction_diffusion`` (Gray–Scott, parallel Numba stencil),
``growth`` (differential growth, spatial hash), ``watercolour`` (Hobbs'
recursive polygon deformation), ``material`` (paper fibre, grain, vignette).
"""
from gencraft.sim.growth import Growth, circle, grow, self_intersections
from gencraft.sim.material import finish_paper, paper_finish, paper_texture
from gencraft.sim.reaction_diffusion import (
    PRESETS, GrayScottPreset, gray_scott, gray_scott_preset, numpy_step, seed_grid, stability_bound,
)
from gencraft.sim.watercolour import Wash, deform, regular_polygon, watercolour

__all__ = [
    "gray_scott", "gray_scott_preset", "GrayScottPreset", "PRESETS", "seed_grid", "numpy_step",
    "stability_bound",
    "grow", "Growth", "circle", "self_intersections",
    "watercolour", "Wash", "deform", "regular_polygon",
    "paper_finish", "paper_texture", "finish_paper",
]
