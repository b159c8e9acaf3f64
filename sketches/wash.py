"""Wash — translucent watercolour forms glazed on paper, after Tyler Hobbs.

Each form is a polygon deformed by recursive midpoint displacement into a
soft, lobed shape, then painted as dozens of translucent layers, each deformed
again and speckled by its own mask of small holes (gencraft.sim.watercolour,
from Hobbs' essay "How to hack a painting"). The layers are glazed with a
multiply blend, like transparent pigment: where two forms overlap the paper
darkens into a third colour instead of one form covering the other, and the
layers of all forms are interleaved so no form sits wholly on top. A pass of
paper fibre and grain finishes the print.
"""
import numpy as np

from gencraft import Bool, Choice, Float, Int, parse_color
from gencraft.sim import finish_paper, regular_polygon, watercolour

SIZE = (1600, 1600)
KIND = "a watercolour wash"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

palette_name = Choice("madder", ["madder", "prussian", "earth", "rose", "lagoon", "sumi"],
                      weights=[4, 4, 3, 3, 2, 1], trait="Palette", help="pigments (the paper comes with them)")
composition = Choice("stack", ["stack", "horizon", "pair", "drift"], weights=[3, 3, 2, 2], trait="Composition",
                     help="how the forms are placed")
forms = Int(4, 2, 7, vary="triangular", trait="Forms", bands={"few": 3.5, "some": 4.5, "many": None},
            help="number of painted forms")
bleed = Float(0.19, 0.12, 0.25, step=0.01, vary="normal", trait="Edges",
              bands={"crisp": 0.175, "soft": 0.2, "bleeding": None}, help="how far each layer wanders")
layers = Int(36, 12, 80, help="translucent layers per form")
opacity = Float(0.04, 0.02, 0.12, step=0.005, help="opacity of one layer")
gilt = Bool(False, chance=0.08, trait="Gilt", help="a small form in a metallic ochre")
fibre = Float(0.8, 0.0, 1.0, step=0.05, help="paper fibre texture")
grain = Float(0.2, 0.0, 1.0, step=0.05, help="print grain")
vignette = Float(0.2, 0.0, 1.0, step=0.05, help="darkening towards the corners")

PIGMENTS = {  # paper, pigments (multiply-glazed, so light and clear)
    "madder": ("#f4eee3", ["#d9503f", "#f0a64a", "#5f9ea0"]),
    "prussian": ("#f2efe8", ["#2f6690", "#81b1d0", "#e0b04a"]),
    "earth": ("#f1eadc", ["#a4552f", "#d39a55", "#6d8a5a"]),
    "rose": ("#f7eeea", ["#d46a7e", "#9c6fb0", "#f2b38c"]),
    "lagoon": ("#eff2ec", ["#2a9d8f", "#8ccfc3", "#e9c46a"]),
    "sumi": ("#f2ede2", ["#3a3a44", "#8a8f9a", "#c0392b"]),
}
GILT = "#c9a23a"


def layout(rng, kind, n, w, h):
    """Centres and radii of the forms, leaving paper around them."""
    s = min(w, h)
    if kind == "stack":      # a loose column, slightly tilted
        a = rng.uniform(-0.35, 0.35) + np.pi / 2
        t = np.linspace(-1, 1, n) * 0.3 * s
        xy = np.column_stack([w / 2 + t * np.cos(a), h / 2 + t * np.sin(a)]) + rng.normal(0, 0.03 * s, (n, 2))
        r = rng.uniform(0.1, 0.15, n) * s * min(1.0, 4.5 / n)
    elif kind == "horizon":  # a row across the lower middle
        t = np.linspace(-1, 1, n) * 0.3 * s
        xy = np.column_stack([w / 2 + t, h * 0.56 + rng.normal(0, 0.03 * s, n)])
        r = rng.uniform(0.1, 0.17, n) * s
    elif kind == "pair":     # one large form and smaller ones beside it
        big = np.array([w * rng.uniform(0.38, 0.5), h * rng.uniform(0.4, 0.55)])
        rest = big + rng.normal(0, 0.2 * s, (n - 1, 2)) + [0.15 * s, 0.05 * s]
        xy = np.vstack([big, rest])
        r = np.concatenate([[0.24 * s], rng.uniform(0.07, 0.13, n - 1) * s])
    else:                    # drift: a diagonal scatter, large to small
        a = rng.choice([0.25, -0.25]) * np.pi
        t = np.linspace(-1, 1, n) * 0.3 * s
        xy = np.column_stack([w / 2 + t * np.cos(a), h / 2 + t * np.sin(a)]) + rng.normal(0, 0.04 * s, (n, 2))
        r = np.linspace(0.2, 0.09, n) * s
    pad = 0.12 * s
    xy[:, 0] = np.clip(xy[:, 0], pad + r, w - pad - r)
    xy[:, 1] = np.clip(xy[:, 1], pad + r, h - pad - r)
    return xy, r


def draw(c, rng, p):
    import cairo

    paper, pigments = PIGMENTS[p.palette_name]
    c.background(paper)
    place = rng.stream("layout")
    xy, radii = layout(place, p.composition, p.forms, c.width, c.height)
    colour_rng = rng.stream("colour")
    colours = [pigments[(i + int(colour_rng.integers(3))) % 3] if colour_rng.random() < 0.3 else pigments[i % 3]
               for i in range(p.forms)]
    if p.gilt:
        colours[-1] = GILT
        radii[-1] *= 0.6
    washes = []
    for i, ((x, y), r, col) in enumerate(zip(xy, radii, colours)):
        # a stretched, turned decagon: forms differ in shape, not only in size
        stretch, turn = place.uniform(1.0, 1.7), place.uniform(0, np.pi)
        poly = regular_polygon(10, 1.0, phase=place.uniform(0, 1)) * [r * stretch ** 0.5, r / stretch ** 0.5]
        poly = poly @ np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]]) + [x, y]
        washes.append((watercolour(poly, seed=rng.stream(f"form{i}").seed_int(), layers=p.layers,
                                   spread=p.bleed, holes=70, hole_size=0.05), col))
    rgb = {col: parse_color(col)[:3] for _, col in washes}
    ctx = c.ctx
    c.blend("multiply")
    for k in range(p.layers):                 # interleave: layer k of every form, then k + 1
        for wash, col in washes:
            poly, holes = wash.polygons[k], wash.holes[k]
            ctx.save()
            ctx.new_path()
            ctx.move_to(*poly[0])
            for x, y in poly[1:].tolist():
                ctx.line_to(x, y)
            ctx.close_path()
            ctx.clip()
            ctx.set_fill_rule(cairo.FILL_RULE_EVEN_ODD)   # holes (and holes in holes) texture the layer
            ctx.rectangle(0, 0, c.width, c.height)
            for x, y, r in holes.tolist():
                ctx.new_sub_path()
                ctx.arc(x, y, r, 0.0, 2 * np.pi)
            ctx.set_source_rgba(*rgb[col], p.opacity)
            ctx.fill()
            ctx.restore()
    c.blend("over")
    finish_paper(c, rng.stream("paper").seed_int(), fibre=p.fibre, grain=p.grain, vignette=p.vignette)
