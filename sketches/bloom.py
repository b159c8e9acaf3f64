"""Bloom — a shape packed with circles whose size follows a noise field.

One figure on the page — a disc, a noise-edged blob, a ring, a crescent or an
archipelago of noise islands — is packed with circles that grow until they
touch (``gencraft.geometry.pack_circles`` with a mask). A slow noise field
sets the largest circle at each place, so big bubbles gather in drifts and
fine froth fills between them; a second field lays the colours in broad
zones (each colour's share of the figure follows the palette's weights,
with a few strays), as in the circle-packing pieces of Tyler Hobbs. Outside
the figure the paper stays bare, or a faint dust of tiny circles lets the
figure float.

Everything is laid out in page units (the shorter side is 1), so a thumbnail
shows the composition of the full-size print.
"""
import math

import numpy as np

from gencraft import Choice, Float, Palette, noise
from gencraft.geometry import pack_circles

SIZE = (1600, 1600)
KIND = "packed circles"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

PALETTES = {
    "coral": Palette("coral", ["#f25f5c", "#ffe066", "#247ba0", "#70c1b3", "#f7f3e3", "#50514f"],
                     "#f6f1e7", "#1d1d22", weights=[4, 3, 3, 2, 1.5, 0.5]),
    "ink": Palette("ink", ["#1d1d22", "#3d3d48", "#6b6b78", "#b9b5aa", "#c0392b"],
                   "#f3eee4", "#1d1d22", weights=[4, 3, 2, 1.5, 0.4]),
    "lagoon": Palette("lagoon", ["#0b3954", "#087e8b", "#5fb3b3", "#bfd7ea", "#ff5a5f"],
                      "#eee8dc", "#0b3954", weights=[4, 3.5, 2.5, 2, 0.4]),
    "ember": Palette("ember", ["#e4572e", "#f3a712", "#fff1c1", "#c7372f", "#5fb3b3"],
                     "#150d0c", "#fff1c1", weights=[4, 3, 2, 2, 0.35]),
    "dusk": Palette("dusk", ["#f2b880", "#e26d5c", "#b784a7", "#ffe8c2", "#7d9bc1"],
                    "#1a1928", "#ffe8c2", weights=[3, 3, 3, 2, 1.2]),
    "meadow": Palette("meadow", ["#3d5a3a", "#7c9a4f", "#d9c58b", "#a4532f", "#e8e1cf", "#e9b44c"],
                      "#f1ede0", "#1b2119", weights=[4, 3.5, 2.5, 1.5, 1.5, 0.5]),
}

colours = Choice("coral", list(PALETTES), weights=[4, 2, 3, 2.5, 2.5, 2.5], trait="Palette",
                 help="palette: weighted colours with a rare accent, paper and ink")
shape = Choice("blob", ["disc", "blob", "ring", "crescent", "islands"], weights=[2, 4, 2, 2, 3], trait="Shape",
               help="the figure the circles fill")
scale = Float(0.06, 0.02, 0.14, step=0.005, vary={0.03: 2, 0.06: 4, 0.1: 2}, trait="Scale",
              bands={"froth": 0.04, "bubbles": 0.08, "boulders": None},
              help="largest circle radius, as a share of the shorter side")
drift = Float(2.0, 0.8, 4.0, step=0.1, vary="triangular", help="noise features across the page: where big circles gather")
style = Choice("solid", ["solid", "nested", "outline"], weights=[5, 3, 2], trait="Style",
               help="discs, discs with a core, or ink rings (plotter-friendly)")
ground = Choice("bare", ["bare", "dust"], weights=[3, 2], trait="Ground",
                help="outside the figure: bare paper or a faint dust of small circles")
fine = Float(0.0028, 0.0015, 0.008, step=0.0001, help="smallest circle radius, as a share of the shorter side")


def figure(p, rng, W, H, u):
    """The figure as a callable mask over canvas coordinates."""
    s = rng.stream("figure")
    cx = W / 2 + (s.random() - 0.5) * 0.16 * u
    cy = H / 2 + (s.random() - 0.5) * 0.16 * u
    R = u * (0.34 + 0.06 * s.random())
    seed = s.seed_int()
    if p.shape == "disc":
        return lambda x, y: np.hypot(x - cx, y - cy) < R
    if p.shape == "blob":
        def blob(x, y):
            wob = noise.fbm(x / u * 2.2, y / u * 2.2, seed=seed, octaves=3)
            return np.hypot(x - cx, y - cy) < R * (1.0 + 0.45 * wob)
        return blob
    if p.shape == "ring":
        inner = R * (0.42 + 0.18 * s.random())
        return lambda x, y: (np.hypot(x - cx, y - cy) < R * 1.05) & (np.hypot(x - cx, y - cy) > inner)
    if p.shape == "crescent":
        a = s.random() * 2 * math.pi
        ox, oy = cx + 0.42 * R * math.cos(a), cy + 0.42 * R * math.sin(a)
        return lambda x, y: (np.hypot(x - cx, y - cy) < R * 1.05) & (np.hypot(x - ox, y - oy) > 0.82 * R)

    def islands(x, y):
        n = noise.fbm(x / u * 3.0, y / u * 3.0, seed=seed, octaves=4)
        fall = (np.hypot(x - W / 2, y - H / 2) / (0.46 * u)) ** 2
        return n - 0.55 * fall > -0.12
    return islands


def colour_zones(pal, circles, seed, u):
    """Colour index per circle: broad zones of a slow noise, each colour's share by weight, a few strays."""
    z = noise.fbm(circles[:, 0] / u * 1.3, circles[:, 1] / u * 1.3, seed=seed, octaves=2)
    area = circles[:, 2] ** 2
    order = np.argsort(z)
    cum = np.cumsum(area[order]) / area.sum()
    bounds = np.cumsum(pal.weights)
    idx = np.empty(len(circles), dtype=np.int64)
    idx[order] = np.minimum(np.searchsorted(bounds, cum), len(pal) - 1)
    rng = np.random.default_rng(seed)
    stray = rng.random(len(circles)) < 0.07
    idx[stray] = pal.indices(rng, int(stray.sum()))
    return idx


def fill_discs(ctx, discs, col):
    if len(discs) == 0:
        return
    ctx.new_path()
    for x, y, r in discs.tolist():
        ctx.new_sub_path()
        ctx.arc(x, y, r, 0, 2 * math.pi)
    ctx.set_source_rgba(*col)
    ctx.fill()


def draw(c, rng, p):
    pal = PALETTES[p.colours]
    c.background(pal.background)
    W, H, u = c.width, c.height, c.min_side
    inside = figure(p, rng, W, H, u)
    r_min = max(p.fine * u, 1.2)
    r_max = max(p.scale * u, r_min)
    fseed = rng.stream("field").seed_int()

    def size_field(x, y):
        f = noise.fbm(x / u * p.drift, y / u * p.drift, seed=fseed, octaves=3)
        return np.clip((f + 0.6) / 1.2, 0, 1) ** 1.6

    circles = pack_circles(W, H, r_min, r_max, seed=rng.stream("pack"), mask=inside, radius_field=size_field,
                           margin=0.0015 * u)
    ctx = c.ctx
    if p.ground == "dust":
        dust = pack_circles(W, H, r_min, 2.2 * r_min, seed=rng.stream("dust"),
                            mask=lambda x, y: ~inside(x, y), margin=0.004 * u)
        x, y = dust[:, 0], dust[:, 1]
        keep = (x > 0.05 * W) & (x < 0.95 * W) & (y > 0.05 * H) & (y < 0.95 * H)
        ink = pal.ink
        fill_discs(ctx, dust[keep] * [1, 1, 0.55], (*ink[:3], 0.28))
    idx = colour_zones(pal, circles, rng.stream("colour").seed_int(), u)
    if p.style == "outline":
        ctx.set_source_rgba(*pal.ink)
        ctx.set_line_width(max(0.0012 * u, 0.8))
        ctx.new_path()
        for x, y, r in circles.tolist():
            for k in range(max(1, int(r / (0.012 * u)))):
                rr = r * (1 - k * 0.012 * u / r) - 0.0006 * u
                if rr > 0.5:
                    ctx.new_sub_path()
                    ctx.arc(x, y, rr, 0, 2 * math.pi)
        ctx.stroke()
        return
    for k in range(len(pal)):
        fill_discs(ctx, circles[idx == k], pal[k])
    if p.style == "nested":
        big = circles[:, 2] > 3 * r_min
        core = circles[big] * [1, 1, 0.5]
        core_idx = (idx[big] + 1 + (np.arange(big.sum()) % 2)) % len(pal)
        for k in range(len(pal)):
            fill_discs(ctx, core[core_idx == k], pal[k])
