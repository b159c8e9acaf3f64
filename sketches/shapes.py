"""Shapes — flat shapes of one colour scattered on paper, without overlaps.

A test fixture, not art: kept out of the gallery and the edition bar.
A deliberately plain sketch with a categorical colour and a categorical shape:
it is what `gencraft explore` is tested on ("red circles" must be found among
6 colours x 5 shapes) and a small example of rejection sampling.
"""
import math

from gencraft import Choice, Colour, Float, Int, mix

SIZE = (1200, 1200)

COLOURS = {
    "red": "#d7263d",
    "orange": "#f28a1e",
    "yellow": "#f4c430",
    "green": "#2e9e4f",
    "blue": "#1b4f9c",
    "purple": "#7b3fa0",
}

colour = Choice("blue", list(COLOURS), help="the one hue every shape shares")
shape = Choice("squares", ["circles", "squares", "triangles", "stars", "lines"],
               help="the one kind of shape on the page")
count = Int(14, 3, 40, help="how many shapes to try to place")
size = Float(0.09, 0.03, 0.2, step=0.01, help="shape radius, as a fraction of the shorter side")
variety = Float(0.3, 0.0, 0.9, step=0.05, help="how much the sizes differ")
tilt = Float(0.5, 0.0, 1.0, step=0.05, help="how far shapes turn away from upright")
paper = Colour("#f4efe6", help="background colour")


def draw(c, rng, p):
    c.background(p.paper)
    w, h = c.size
    base = p.size * c.min_side
    placed = []  # (x, y, r) of shapes already drawn: new ones must not overlap them
    for _ in range(p.count * 30):  # rejection sampling, bounded
        if len(placed) == p.count:
            break
        r = base * (1.0 + p.variety * rng.uniform(-1.0, 1.0))
        x, y = rng.uniform(r * 1.1, w - r * 1.1), rng.uniform(r * 1.1, h - r * 1.1)
        if any(math.hypot(x - a, y - b) < r + s + 0.15 * base for a, b, s in placed):
            continue
        placed.append((x, y, r))
        shade = mix(COLOURS[p.colour], "#000000", rng.uniform(0.0, 0.12))
        angle = p.tilt * rng.uniform(-math.pi, math.pi)
        draw_shape(c, p.shape, x, y, r, angle, shade)


def draw_shape(c, kind, x, y, r, angle, colour):
    """One shape of radius r centred on (x, y), turned by angle."""
    if kind == "lines":
        dx, dy = r * math.cos(angle + math.pi / 4), r * math.sin(angle + math.pi / 4)
        c.no_fill().stroke(colour, width=max(1.0, 0.22 * r), cap="round").line(x - dx, y - dy, x + dx, y + dy)
        return
    c.no_stroke().fill(colour)
    if kind == "circles":
        c.circle(x, y, r)
    elif kind == "squares":
        c.polygon(regular(x, y, r, 4, angle + math.pi / 4))
    elif kind == "triangles":
        c.polygon(regular(x, y, r, 3, angle - math.pi / 2))
    elif kind == "stars":
        outer = regular(x, y, r, 5, angle - math.pi / 2)
        inner = regular(x, y, 0.45 * r, 5, angle - math.pi / 2 + math.pi / 5)
        c.polygon([pt for pair in zip(outer, inner) for pt in pair])


def regular(x, y, r, n, start):
    """Vertices of a regular n-gon."""
    return [(x + r * math.cos(start + 2 * math.pi * k / n), y + r * math.sin(start + 2 * math.pi * k / n))
            for k in range(n)]


def features(rng, p):
    return {"Colour": p.colour, "Shape": p.shape, "Crowd": "sparse" if p.count < 12 else "busy"}
