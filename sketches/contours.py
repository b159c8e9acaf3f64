"""Contours — a topographic map of an island that never existed.

The land is fBm with a share of ridged noise (sharp crests where the noise
crosses zero, like mountain ranges), pushed up in the middle and down at the
edges so it rises out of the sea. Marching squares traces the contour lines;
every fifth one (the "index contour") is drawn bolder, as on survey maps, and
the sea gets its own lighter bathymetric lines.
"""
import numpy as np

from gencraft import Choice, Float, Int, noise, palette
from gencraft.draw.color import colormap, mix
from gencraft.noise.contours import chain_segments, isolines

SIZE = (1600, 1200)

scale = Float(2.6, 1.0, 6.0, step=0.1, help="noise features across the shorter side")
octaves = Int(5, 1, 8, help="fBm octaves: detail of the terrain")
rugged = Float(0.35, 0.0, 1.0, step=0.05, help="share of ridged noise (mountain crests)")
sea = Float(0.45, 0.0, 0.9, step=0.05, help="how much of the map is under water")
lines = Int(28, 8, 60, help="contour lines from the shore to the highest peak")
colours = Choice("forest", ["forest", "sea", "ink", "dusk", "ember"], help="palette")
step = Float(2.0, 1.0, 4.0, step=0.5, help="pixels per height sample (smaller = smoother, slower)")


def terrain(rng, p, w, h):
    """Height field on a grid (rows, cols), sea level 0, peaks near 1."""
    seed = int(rng.stream("noise").integers(2**31))
    cols, rows = int(w / p.step) + 1, int(h / p.step) + 1
    unit = p.scale / min(w, h) * p.step
    ox, oy = rng.stream("offset").uniform(-500, 500, 2)
    X = (ox + np.arange(cols) * unit)[None, :]
    Y = (oy + np.arange(rows) * unit)[:, None]
    # a gentle warp keeps coastlines from looking like plain noise
    wx = noise.fbm(X, Y, seed=seed + 1, octaves=3)
    wy = noise.fbm(X + 7.3, Y - 2.1, seed=seed + 1, octaves=3)
    Xw, Yw = X + 0.6 * wx, Y + 0.6 * wy
    base = noise.fbm(Xw, Yw, seed=seed, octaves=p.octaves)
    crest = noise.ridged(Xw * 0.8, Yw * 0.8, seed=seed + 2, octaves=p.octaves) - 0.5
    height = (1 - p.rugged) * base + p.rugged * crest
    # island mask: an off-centre, tilted ellipse, high in the middle, under water at the edges
    shape = rng.stream("shape")
    cx, cy = shape.uniform(-0.08, 0.08, 2)
    angle, stretch = shape.uniform(0, np.pi), shape.uniform(1.0, 1.6)
    u = (np.arange(cols) / (cols - 1) - 0.5)[None, :] * (w / min(w, h)) - cx
    v = (np.arange(rows) / (rows - 1) - 0.5)[:, None] * (h / min(w, h)) - cy
    a = (u * np.cos(angle) + v * np.sin(angle)) / stretch
    b = -u * np.sin(angle) + v * np.cos(angle)
    dome = 0.4 - 2.4 * (a * a + b * b)
    height = 1.4 * height + dome - (p.sea - 0.45)
    return height / max(height.max(), 1e-9)


def draw(c, rng, p):
    pal, sea_pal = palette(p.colours), palette("sea")
    paper = pal.background
    c.background(paper)
    # the map sits inside a paper margin with a thin double frame, like a survey sheet
    m = 0.06 * c.min_side
    w, h = c.width - 2 * m, c.height - 2 * m
    H = terrain(rng, p, w, h)
    land_ink = pal.ink
    sea_ink = mix(sea_pal[0], paper, 0.35)
    # a faint hypsometric wash: paper at the shore, a touch of the palette on the heights
    land = colormap([mix(paper, pal[i], 0.22) for i in (len(pal) - 1, 2, 1, 0)], np.clip(H, 0, 1) ** 0.8)
    water = colormap([mix(paper, sea_pal[2], 0.75), mix(paper, sea_pal[1], 0.45)], np.clip(-H * 2.0, 0, 1))
    wash = np.where((H >= 0)[..., None], land, water)
    with c.push():
        c.translate(m, m)
        c.image(wash, width=w, height=h)
        k = p.step
        px = c.min_side / 1000.0
        interval = 1.0 / p.lines
        seg, lev = isolines(H, np.arange(1, p.lines + 1) * interval)
        bold = (lev + 1) % 5 == 0
        draw_segments(c, seg[~bold] * k, land_ink, 0.8 * px, alpha=0.85)
        draw_segments(c, seg[bold] * k, land_ink, 1.9 * px)
        seg, _ = isolines(H, -np.arange(1, 14) * interval * 1.2)
        draw_segments(c, seg * k, sea_ink, 0.8 * px, alpha=0.8)
        seg, _ = isolines(H, [0.0])
        draw_segments(c, seg * k, land_ink, 2.4 * px)  # the coastline
    c.no_fill()
    c.stroke(land_ink, width=2.0 * px)
    c.rect(m, m, w, h)
    c.stroke(land_ink, width=0.8 * px)
    c.rect(m - 6 * px, m - 6 * px, w + 12 * px, h + 12 * px)


def draw_segments(c, seg, colour, width, alpha=1.0):
    """Draw (n, 2, 2) marching-squares segments joined into contour lines (one stroke each)."""
    if len(seg) == 0:
        return
    coords, offsets, closed, _ = chain_segments(seg)
    c.stroke(colour, width=width, alpha=alpha, cap="round")
    c.polylines(coords, offsets, closed=closed)


def features(rng, p):
    return {
        "Palette": p.colours,
        "Terrain": "alpine" if p.rugged >= 0.6 else "hills" if p.rugged >= 0.25 else "rolling",
        "Coast": "archipelago" if p.sea >= 0.6 else "island" if p.sea >= 0.3 else "continent",
        "Relief": "dense" if p.lines >= 40 else "sparse" if p.lines <= 16 else "survey",
    }
