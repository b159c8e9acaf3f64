"""Pulsar — ridgelines that breathe, in a loop with no seam.

Stacked lines lifted by noise, each hiding the ones behind it (the look of
Joy Division's "Unknown Pleasures" cover, itself a plot of pulsar CP 1919).
Time walks once round a circle in the z-w plane of 4D OpenSimplex
(``noise.loop2``), so the last frame flows straight back into the first:
frame FRAMES is frame 0, exactly.
"""
import numpy as np

from gencraft import Choice, Float, Int, noise, palette
from gencraft.draw.color import mix

SIZE = (1000, 1250)
FRAMES = 96
FPS = 24

rows = Int(56, 16, 110, help="number of ridgelines")
height = Float(0.16, 0.02, 0.4, step=0.01, help="peak height as a share of the canvas height")
width = Float(0.42, 0.15, 0.7, step=0.01, help="width of the active band in the middle")
motion = Float(0.55, 0.1, 1.5, step=0.05, help="how far the field travels in one loop")
detail = Int(3, 1, 6, help="noise octaves")
colours = Choice("dusk", ["dusk", "neon", "ember", "sea", "ink"], help="palette")

POINTS = 240  # samples along each line


def ridges(seed, p, t, n_rows=None, n_points=POINTS):
    """Line heights in [0, 1] for time t (period 1): shape (rows, points).

    x runs over [0, 1]; the bell keeps the middle busy and the flanks calm.
    """
    n_rows = n_rows or p.rows
    x = np.linspace(0.0, 1.0, n_points)
    r = np.arange(n_rows)[:, None]
    f = noise.loop2(x[None, :] * 5.0, r * 0.35, t, radius=p.motion, seed=seed, octaves=p.detail)
    bell = np.exp(-((x - 0.5) / (0.5 * p.width)) ** 4)
    lift = np.clip(f * 1.6 + 0.15, 0.0, None) ** 1.5            # mostly quiet, sudden peaks
    ripple = 0.012 * (noise.loop2(x[None, :] * 60.0, r * 3.1, t, radius=p.motion * 2, seed=seed + 1) + 1)
    return np.clip(bell * lift + ripple, 0.0, 1.0)


def draw(c, rng, p, t=0.0):
    pal = palette(p.colours)
    seed = int(rng.stream("noise").integers(2**31))
    c.background(pal.background)
    H = ridges(seed, p, t)
    margin_x, top, bottom = 0.16 * c.width, 0.2 * c.height, 0.88 * c.height
    xs = margin_x + np.linspace(0.0, 1.0, POINTS) * (c.width - 2 * margin_x)
    spacing = (bottom - top) / (p.rows - 1)
    amp = p.height * c.height
    line = pal.ink
    glow = pal[2] if len(pal) > 2 else pal[0]
    px = c.min_side / 1000.0
    for k in range(p.rows):  # back to front: each line's fill hides the lines behind it
        y = top + k * spacing - H[k] * amp
        outline = np.column_stack([xs, y])
        closed = np.vstack([outline, [[xs[-1], bottom + amp], [xs[0], bottom + amp]]])
        c.no_stroke()
        c.fill(pal.background)
        c.polygon(closed)
        c.no_fill()
        # lines warm up towards the peaks: mix ink with the accent by how high they lift
        c.stroke(mix(line, glow, float(min(1.0, H[k].max() * 1.4))), width=1.8 * px, join="round")
        c.polyline(outline)


def features(rng, p):
    return {
        "Palette": p.colours,
        "Density": "dense" if p.rows >= 80 else "sparse" if p.rows <= 32 else "classic",
        "Motion": "drifting" if p.motion < 0.4 else "restless" if p.motion > 0.9 else "breathing",
    }
