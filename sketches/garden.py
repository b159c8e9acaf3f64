"""A garden of stochastic 3D L-system plants, depth-sorted and fading into the haze.

Every plant grows from the same small grammar (after ABoP Fig. 1.25), but
each draws its own stochastic choices from its own seeded stream and gets its
own size, turn and tint. The turtle works in 3D (& ^ / \\ pitch and roll; a
gravity tropism bows the branches); all plants are projected for one view and
their segments sorted far to near together, so nearer plants cover farther
ones, and distance fades them into the sky.
"""
from dataclasses import replace

import numpy as np

from gencraft.draw.color import gradient, mix
from gencraft.lsystem import derive, interpret, parse_lsystem
from gencraft.lsystem.draw import Fit, draw_scene
from gencraft.params import Choice, Float, Int

TITLE = "Garden"
SIZE = (1400, 1000)

plants = Int(11, 3, 30, help="how many plants")
growth = Int(6, 3, 7, help="derivation steps: older, bushier plants")
depth = Float(0.8, 0.1, 1.0, help="how deep the garden reaches into the distance")
droop = Float(0.06, 0.0, 0.3, help="gravity tropism: how much branches bow")
elevation = Float(16.0, 0.0, 35.0, help="view elevation in degrees")
season = Choice("summer", ["spring", "summer", "autumn"], help="leaf colours")
haze = Float(0.55, 0.0, 0.9, help="how much distance fades towards the sky")

# One grammar for every plant. A is an apex: it puts out two or three branches
# pitched down (&) and rolled (/) around the stem; ' steps the colour index from
# bark towards shoot, ! thins the branch. F -> S/////F makes old internodes
# lengthen and twist; S -> F L sets a leaf (L, drawn with G) on new wood.
# The numbers after ':' are the probabilities of the alternatives.
GRAMMAR = """
axiom: !FA
angle: 26
width: 1.6
width_scale: 0.68
A -> [&FL!A]/////'[&FL!A]///////'[&FL!A] : 0.55
A -> [&FL!A]////////'[&FL!A]             : 0.30
A -> [&FL!A]////'[^F!A]//////[&FL!A]     : 0.15
F -> S/////F
S -> FL
L -> [^^G]
draw: G
"""
LEAVES = {
    "spring": ["#a9d46f", "#c8e27f", "#7fbf5e", "#f3b7c8", "#e895ad"],
    "summer": ["#2f6b3a", "#3f8a45", "#5f9f49", "#86b857", "#4c7d3b"],
    "autumn": ["#b5532d", "#d9822b", "#e8b13a", "#9c3f26", "#c9a23a"],
}
BARK = ["#3b2a22", "#4a3527", "#5c4432", "#6a5a3c", "#6f7445", "#7b8a4d"]
SKY_TOP, SKY_LOW, GROUND_FAR, GROUND_NEAR = "#b9cdd6", "#f1ebdd", "#ddd6bd", "#c9c09c"


def _plant(system, rng, p, k, x, z, size):
    """One plant as (wood, leaves) turtle results placed in the scene."""
    system = replace(system, angle=float(rng.uniform(20, 34)))  # each plant its own branching angle
    word = derive(system, n=p.growth, rng=rng)   # ... and its own stochastic choices
    wood = interpret(replace(system, draw={"F"}, move={"f", "G"}), word)
    leaves = interpret(replace(system, draw={"G"}, move={"f", "F"}), word)
    leaves = leaves.select(leaves.widths < 0.55)  # no leaves on old, thick wood
    scale = size / max(float(wood.vertices[:, 1].max()), 1e-6)
    place = dict(scale=scale, offset=(x, 0.0, z), yaw=float(rng.uniform(0, 360)))
    wood, leaves = wood.transformed(**place), leaves.transformed(**place)
    return wood, replace(leaves, widths=np.full_like(leaves.widths, 0.62 * scale))  # leaves: round dabs


def draw(c, rng, p):
    w, h = c.size
    system = replace(parse_lsystem(GRAMMAR), tropism=(0.0, -1.0, 0.0, p.droop))
    lay = rng.stream("layout")
    zs = np.sort(-lay.uniform(0.0, 1.0, p.plants) ** 0.8 * p.depth * 3.0)        # far ones first
    xs = (np.arange(p.plants) + lay.uniform(0.1, 0.9, p.plants)) / p.plants * 3.6 - 1.8
    lay.shuffle(xs)
    sizes = lay.uniform(1.1, 1.8, p.plants) * (1.0 - 0.45 * (-zs) / max(p.depth * 3.0, 1e-9))
    palette = LEAVES[p.season]
    parts = []
    for k in range(p.plants):
        prng = rng.stream(f"plant-{k}")
        wood, leaves = _plant(system, prng, p, k, float(xs[k]), float(zs[k]), float(sizes[k]))
        tint = palette[int(prng.integers(len(palette)))]
        greens = [mix(g, tint, float(prng.uniform(0.1, 0.5))) for g in palette]
        parts += [(wood, BARK, 1.0), (leaves, greens, 1.0)]

    view = (0.0, p.elevation)
    # a fixed window onto the garden (3.2 units across); crowns may leave the frame
    fit = Fit(scale=w / 3.2, tx=w / 2, ty=h * 0.95)
    # backdrop: sky down to the horizon (the ground line of the farthest plant), then ground
    e = np.radians(p.elevation)
    horizon = fit.apply(np.array([[0.0, -zs.min() * np.sin(e) + 0.15]]))[0, 1]
    horizon = float(np.clip(horizon, h * 0.3, h * 0.85))
    for i, col in enumerate(gradient([SKY_TOP, SKY_LOW], 48)):
        c.no_stroke().fill(tuple(col)).rect(0, horizon * i / 48, w, horizon / 48 + 1)
    for i, col in enumerate(gradient([mix(GROUND_FAR, SKY_LOW, 0.6), GROUND_NEAR], 48)):
        c.fill(tuple(col)).rect(0, horizon + (h - horizon) * i / 48, w, (h - horizon) / 48 + 1)
    # soft shadows ground each plant
    for k in range(p.plants):
        base = fit.apply(np.array([[xs[k], -zs[k] * np.sin(e)]]))[0]
        r = sizes[k] * fit.scale * 0.17
        c.fill("#4a4230", alpha=0.10 * (1 - 0.6 * (-zs[k]) / max(p.depth * 3.0, 1e-9)))
        c.ellipse(base[0], base[1], r, r * max(np.sin(e), 0.08) * 0.9)
    draw_scene(c, parts, view=view, fit=fit, fog=p.haze, fog_color=SKY_LOW, layers=24)


def features(rng, p):
    density = "sparse" if p.plants < 8 else "thicket" if p.plants > 20 else "grove"
    return {"Season": p.season.title(), "Density": density,
            "Age": {3: "seedling", 4: "young", 5: "young", 6: "grown", 7: "ancient"}[p.growth],
            "Wind": "still" if p.droop < 0.1 else "bowed"}
