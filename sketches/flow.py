"""Flow — evenly spaced curves through a noise field, after Tyler Hobbs.

A noise field turns every point of the page into a direction; curves follow
it. Jobard & Lefer's algorithm (gencraft.particles.streamlines) grows each
curve until it would come within a fraction of the spacing of another, then
seeds new curves at exactly that spacing beside it, so the page fills evenly
with curves that never cross. Each curve gets a width and a colour; colours
come in broad zones (a second, slower noise) with a few strays, as in Hobbs'
*Fidenza*.
"""
import numpy as np

from gencraft import Choice, Float, palette
from gencraft.particles import CurlField, NoiseAngleField, streamlines

SIZE = (2000, 2000)

spacing = Float(0.011, 0.004, 0.03, step=0.001, help="distance between curves, as a share of the size")
weight = Float(0.62, 0.1, 0.95, step=0.01, help="stroke width as a share of the spacing")
turbulence = Float(0.7, 0.1, 2.0, step=0.05, help="turns of direction across the noise range")
scale = Float(1.6, 0.5, 6.0, step=0.1, help="noise features across the page")
field = Choice("angle", ["angle", "curl"], help="noise angle field or divergence-free curl noise")
colours = Choice("dusk", ["dusk", "sea", "forest", "ember", "riso", "bauhaus", "ink"], help="palette")
stray = Float(0.08, 0.0, 0.5, step=0.01, help="share of curves coloured at random")
margin = Float(0.06, 0.0, 0.2, step=0.01, help="paper margin as a share of the size")


def draw(c, rng, p):
    pal = palette(p.colours)
    s = c.min_side
    c.background(pal.background)
    seed = rng.stream("field").seed_int()
    freq = p.scale / s
    if p.field == "curl":
        f = CurlField(seed=seed, scale=freq, octaves=2)
    else:
        f = NoiseAngleField(seed=seed, scale=freq, turns=p.turbulence, octaves=2, gain=0.35,
                            angle_offset=rng.uniform(0, 2 * np.pi))
    m = p.margin * s
    d_sep = p.spacing * s
    # curves: evenly spaced, grown from a random start, stopping at 0.6 of the spacing
    start = rng.uniform([m, m], [c.width - m, c.height - m], (1, 2))
    coords, offsets = streamlines(f, (m, m, c.width - m, c.height - m), d_sep, step=d_sep / 3,
                                  d_test=0.6, seeds=start, max_steps=4000, min_points=6)
    n = len(offsets) - 1

    # colour zones: a slow noise picks the palette entry at each curve's midpoint
    mids = coords[(offsets[:-1] + offsets[1:]) // 2]
    zone_field = NoiseAngleField(seed=seed + 1, scale=0.9 / s, turns=1.0)
    zone = (np.arctan2(*zone_field.sample(mids[:, 0], mids[:, 1])[::-1]) + np.pi) / (2 * np.pi)
    idx = (zone * len(pal) * 1.3).astype(int) % len(pal)
    strays = rng.random(n) < p.stray
    idx[strays] = rng.integers(0, len(pal), strays.sum())
    cols = np.array(pal)[idx]

    # widths: most curves near the full weight, some thinner (quantised, so few cairo strokes)
    widths = d_sep * p.weight * rng.choice([1.0, 1.0, 0.8, 0.55, 0.35], n)
    c.stroke(pal.ink, cap="round", join="round")
    c.polylines(coords, offsets, colors=cols, widths=widths)


def features(rng, p):
    density = "dense" if p.spacing < 0.009 else "airy" if p.spacing > 0.018 else "balanced"
    flow = "calm" if p.turbulence < 0.5 else "wild" if p.turbulence > 1.2 else "flowing"
    return {"palette": p.colours, "density": density, "flow": flow, "field": p.field}
