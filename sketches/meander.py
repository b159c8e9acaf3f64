"""Meander — one line that grows, folds and never crosses itself (differential growth).

After Anders Hoff's "differential line": every node of a polyline pushes
away its neighbours in space, pulls towards its neighbours along the line, and
long segments split, so the line lengthens and has to fold to fit
(gencraft.sim.grow; a guard undoes any move that would make it cross). What is
left is one unbroken stroke, a single pen path for a plotter: render to .svg
for the plotter, .png for the screen (with a faint paper texture), .gif for the
growth itself. The still (and frame 0) is the grown line; the other frames
replay the growth from the first shape.
"""
import numpy as np

from gencraft import Bool, Choice, Float, Int
from gencraft.sim import circle, finish_paper, grow

SIZE = (1600, 1600)
KIND = "a meandering line"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)
FRAMES = 40
FPS = 12

start = Choice("seed", ["seed", "ring", "band", "pebble"], weights=[3, 3, 2, 2], trait="Start",
               help="the first line: a small circle, a wide ring, an open band, an oval")
character = Choice("meander", ["meander", "brain", "lace"], weights=[4, 3, 2], trait="Character",
                   help="the balance of forces: how the line folds")
points = Int(6000, 2500, 12000, step=500, vary="triangular", trait="Density",
             bands={"sparse": 5000, "balanced": 7500, "dense": None},
             help="how many nodes the line grows to (its length)")
ink = Choice("sepia", ["sepia", "indigo", "graphite", "vermilion", "moonlight"], weights=[4, 3, 3, 2, 1],
             trait="Ink", help="pen and paper")
echo = Bool(False, chance=0.2, trait="Echo", help="a second pen, slightly off register (riso-style)")
pen = Float(1.1, 0.4, 3.0, step=0.1, help="pen width in pixels at 1600 px")
margin = Float(0.1, 0.03, 0.25, step=0.01, help="paper margin as a share of the size")
placing = Choice("centred", ["centred", "drifting", "small"], weights=[3, 2, 2], trait="Composition",
                 help="where the line sits: filling the sheet, pushed to one side, or small in open paper")
fibre = Float(0.35, 0.0, 1.0, step=0.05, help="paper fibre texture (raster only)")
grain = Float(0.15, 0.0, 1.0, step=0.05, help="print grain (raster only)")

INKS = {  # paper, pen, second pen (echo)
    "sepia": ("#f3ecdf", "#4a2f1f", "#d98c5f"),
    "indigo": ("#eff0ea", "#22335a", "#e0785a"),
    "graphite": ("#f4f3ef", "#2a2a2c", "#3f8fb0"),
    "vermilion": ("#f6efe6", "#b8372a", "#2f5d8a"),
    "moonlight": ("#171a22", "#e9e2cf", "#c4563f"),
}
FORCES = {
    "meander": dict(repulsion=0.05, attraction=0.5, growth=0.01),
    "brain": dict(repulsion=0.02, attraction=0.6, growth=0.03),
    "lace": dict(repulsion=0.08, attraction=0.3, growth=0.01),
}
_cache = {}


def start_line(rng, kind):
    """(points, closed) in simulation units (segments about 1 long)."""
    if kind == "seed":
        return circle(40, 7.0, phase=rng.uniform(0, 6.3)), True
    if kind == "ring":
        return circle(420, 70.0, phase=rng.uniform(0, 6.3)), True
    if kind == "pebble":
        c = circle(90, 16.0, phase=rng.uniform(0, 6.3))
        a = rng.uniform(0, np.pi)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        return (c * [1.0, 0.45]) @ rot.T, True
    x = np.linspace(-60, 60, 90)
    return np.column_stack([x, 1.5 * np.sin(x / 9.0 + rng.uniform(0, 6.3))]), False


def placement(rng, how):
    """(share of the sheet the line may fill, (u, v) where its box sits in the free room)."""
    if how == "centred":
        return 1.0, (0.5, 0.5)
    if how == "drifting":
        side = rng.integers(4)
        along = rng.uniform(0.2, 0.8)
        return 0.72, [(0.0, along), (1.0, along), (along, 0.0), (along, 1.0)][side]
    return 0.45, tuple(rng.uniform(0.15, 0.85, 2))


def simulate(rng, p):
    """The growth, cached for all frames of one render (same seed and parameters)."""
    seed = rng.stream("growth").seed_int()
    key = (seed, p.start, p.character, p.points)
    if key not in _cache:
        pts, closed = start_line(rng.stream("start"), p.start)
        every = 10
        g = grow(pts, steps=6000, seed=seed, closed=closed, max_edge=2.0, max_points=p.points,
                 on_limit="stop", snapshots=range(0, 6001, every), **FORCES[p.character])
        _cache.clear()
        _cache[key] = g
    return _cache[key]


def draw(c, rng, p, frame=0):
    paper, pen_colour, echo_colour = INKS[p.ink]
    c.background(paper)
    g = simulate(rng, p)
    final = g.points
    lo, hi = final.min(0), final.max(0)
    m = p.margin * c.min_side
    share, (u, v) = placement(rng.stream("place"), p.placing)
    box = np.array([c.width - 2 * m, c.height - 2 * m]) * share
    scale = min(box[0] / max(hi[0] - lo[0], 1e-9), box[1] / max(hi[1] - lo[1], 1e-9))
    # the box's free room is shared out by (u, v): 0.5 centres it, 0 or 1 pushes it to a side
    room = np.array([c.width - 2 * m, c.height - 2 * m]) - scale * (hi - lo)
    corner = np.array([m, m]) + room * np.array([u, v])
    centre = corner - scale * lo

    def to_canvas(q):
        return q * scale + centre

    width = max(p.pen * c.min_side / 1600, 0.9)  # never thinner than a pixel can show
    if frame % FRAMES == 0:
        line = final
    else:  # replay: frame k of the loop shows the growth k/FRAMES of the way
        k = frame % FRAMES
        line = g.snapshots[min(len(g.snapshots) - 1, int(round(k / FRAMES * (len(g.snapshots) - 1))))]
    c.no_fill()
    if p.echo:  # the same path in a second pen, off register by a fixed small offset
        shift = 0.004 * c.min_side * np.array([np.cos(0.7), np.sin(0.7)])
        c.stroke(echo_colour, width=width * 1.6, alpha=0.85, cap="round", join="round")
        c.polyline(to_canvas(line) + shift, closed=g.closed)
    c.stroke(pen_colour, width=width, cap="round", join="round")
    c.polyline(to_canvas(line), closed=g.closed)
    finish_paper(c, rng.stream("paper").seed_int(), fibre=p.fibre, grain=p.grain, vignette=0.0)
