"""Rings — concentric rings around a few centres, small and quick: the notebook example's sketch.

Each token draws its palette, ring count, spread and a rare halo from its hash
(see gencraft.params); the notebook pins or locks them to explore.
"""
import math

from gencraft import Bool, Choice, Colour, Float, Int, palette

SIZE = (480, 480)

colours = Choice("dusk", ["dusk", "sea", "ember", "forest", "riso"], weights=[4, 3, 2, 2, 1], trait="Palette",
                 help="the palette")
rings = Int(6, 2, 14, vary={3: 2, 6: 4, 10: 2, 14: 1}, trait="Rings", help="rings around each centre")
spread = Float(0.55, 0.2, 0.9, step=0.05, vary="triangular", help="how far the centres wander from the middle")
wobble = Float(0.15, 0.0, 0.6, step=0.05, help="how far each ring strays from a circle")
halo = Bool(False, chance=0.2, trait="Halo", help="a pale halo behind every centre")
ink = Colour("#1d1d22", help="the outline colour")


def draw(c, rng, p):
    pal = palette(p.colours)
    c.background(pal.background)
    side = c.min_side
    centres = [(c.width / 2 + rng.normal(0, p.spread * side / 4), c.height / 2 + rng.normal(0, p.spread * side / 4))
               for _ in range(int(rng.integers(2, 5)))]
    biggest = side * 0.42
    for x, y in centres:
        if p.halo:
            c.no_stroke().fill(pal.ink, alpha=0.12).circle(x, y, biggest * 1.15)
        for k in range(p.rings, 0, -1):
            r = biggest * k / p.rings
            phase = rng.uniform(0, 2 * math.pi)
            pts = [(x + r * (1 + p.wobble * 0.15 * math.sin(5 * a + phase)) * math.cos(a),
                    y + r * (1 + p.wobble * 0.15 * math.sin(5 * a + phase)) * math.sin(a))
                   for a in (2 * math.pi * i / 120 for i in range(120))]
            c.fill(pal.pick(rng), alpha=0.85).stroke(p.ink, width=max(1.0, side / 400)).polygon(pts)
