"""Morphogen — Gray–Scott reaction–diffusion grown from a few seeds, printed in ink.

Two virtual chemicals react and diffuse (Pearson 1993; Karl Sims' tutorial):
depending on the feed and kill rates the same two equations grow spots,
cells that divide, mazes or branching coral (gencraft.sim.gray_scott). Here a
small stipple of seeds sits off-centre on an empty grid and the pattern
spreads outwards from it; the simulation stops while it is still growing, so
each print keeps an open margin of paper around a living edge. The grid is
the same at any output size: the field is resampled smoothly and cut at an ink
threshold, so the edges stay crisp at print resolution. A pale halo shows
where the pattern has drawn the feed chemical out of the paper.
"""
import numpy as np

from gencraft import Bool, Choice, Float
from gencraft.sim import PRESETS, finish_paper, gray_scott, seed_grid

SIZE = (1600, 1600)
KIND = "a reaction diffusion pattern"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)
GRID = 256   # simulation cells along each side, whatever the render size

pattern = Choice("coral", ["coral", "stripes", "spots", "mitosis"], weights=[4, 3, 3, 2],
                 trait="Pattern", help="Gray–Scott class: feed and kill from gencraft.sim.PRESETS")
seeds = Choice("cluster", ["cluster", "pair", "ring", "drift"], weights=[4, 3, 2, 2], trait="Seed",
               help="where the first seeds are stippled")
growth = Float(0.7, 0.4, 1.0, step=0.01, vary="triangular", trait="Growth",
               bands={"seedling": 0.6, "spreading": 0.76, "mature": None},
               help="how long the pattern grows (share of 8,000 steps)")
colours = Choice("sumi", ["sumi", "indigo", "reef", "moss", "rose", "night"], weights=[5, 4, 3, 3, 2, 1],
                 trait="Palette", help="paper, ink and accent")
accent = Bool(False, chance=0.3, trait="Accent", help="a second ink in the thick cores of the pattern")
fibre = Float(0.6, 0.0, 1.0, step=0.05, help="paper fibre texture")
grain = Float(0.25, 0.0, 1.0, step=0.05, help="print grain")
vignette = Float(0.25, 0.0, 1.0, step=0.05, help="darkening towards the corners")

PALETTES = {  # paper, ink, accent, halo
    "sumi": ("#f1ece1", "#1f1c1a", "#b8382a", "#d9cdb8"),
    "indigo": ("#eef0ea", "#1d3557", "#c9a227", "#cdd6da"),
    "reef": ("#f6eee2", "#cf4f43", "#1e4e5f", "#f0d2c0"),
    "moss": ("#ecead9", "#34503a", "#c2873a", "#d3d8bf"),
    "rose": ("#f7ece7", "#7e2a45", "#e09a74", "#ecd0cc"),
    "night": ("#15171d", "#eadfc6", "#d46a4c", "#2a2d36"),
}
STEPS = {"coral": 8000, "stripes": 9000, "spots": 5600, "mitosis": 8000}


def hex_rgb(h):
    return np.array([int(h[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def seed_mask(rng, kind):
    """A stipple of small discs (grid cells) where v is seeded."""
    n = GRID
    yy, xx = np.mgrid[0:n, 0:n]
    cx, cy = n * rng.uniform(0.38, 0.62, 2)
    if kind == "cluster":
        pts = rng.normal([cx, cy], n * 0.05, (24, 2))
    elif kind == "pair":
        a = rng.uniform(0, 2 * np.pi)
        d = n * 0.17 * np.array([np.cos(a), np.sin(a)])
        pts = np.concatenate([rng.normal([n / 2, n / 2] + d, n * 0.035, (14, 2)),
                              rng.normal([n / 2, n / 2] - d, n * 0.03, (10, 2))])
    elif kind == "ring":
        t = rng.uniform(0, 2 * np.pi, 30)
        r = n * 0.16 + rng.normal(0, n * 0.01, 30)
        pts = np.column_stack([n / 2 + r * np.cos(t), n / 2 + r * np.sin(t)])
    else:  # drift: a loose diagonal scatter
        a = rng.uniform(0, np.pi)
        s = rng.uniform(-0.22, 0.22, 26) * n
        pts = np.column_stack([n / 2 + s * np.cos(a), n / 2 + s * np.sin(a)]) + rng.normal(0, n * 0.02, (26, 2))
    mask = np.zeros((n, n))
    for x, y in pts:
        mask[(xx - x) ** 2 + (yy - y) ** 2 < 3.0 ** 2] = 1.0
    return mask


def simulate(rng, p):
    preset = PRESETS[p.pattern]
    u, v = seed_grid((GRID, GRID), seed=rng.stream("noise").seed_int(), mask=seed_mask(rng.stream("seeds"), p.seeds))
    steps = int(round(STEPS[p.pattern] * p.growth / 100.0)) * 100
    return gray_scott(u, v, du=preset.du, dv=preset.dv, feed=preset.feed, kill=preset.kill, steps=steps)


def upsample(field, w, h):
    """Periodic cubic resampling of a grid field to (h, w) pixels."""
    from scipy import ndimage

    return ndimage.zoom(field, (h / field.shape[0], w / field.shape[1]), order=3, mode="grid-wrap",
                        grid_mode=True, prefilter=True)


def smoothstep(a, b, x):
    t = np.clip((x - a) / (b - a), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def draw(c, rng, p):
    paper, ink, acc, halo = (hex_rgb(x) for x in PALETTES[p.colours])
    u, v = simulate(rng, p)
    w, h = c.width, c.height
    V = upsample(v, w, h)
    U = upsample(u, w, h)
    # the edge is ~1.5 output pixels wide at any size: crisp but not aliased
    px = 1.0 / max(1.0, min(w, h) / GRID)
    edge = 0.012 * (0.5 + px)
    ink_a = smoothstep(0.2 - edge, 0.2 + edge, V)
    halo_a = 0.55 * smoothstep(0.05, 0.45, 1.0 - U) * (1.0 - ink_a)
    img = paper[None, None, :] * (1 - halo_a[..., None]) + halo[None, None, :] * halo_a[..., None]
    img = img * (1 - ink_a[..., None]) + ink[None, None, :] * ink_a[..., None]
    if p.accent:
        core = smoothstep(0.3 - edge, 0.3 + edge, V)
        img = img * (1 - core[..., None]) + acc[None, None, :] * core[..., None]
    c.image(np.clip(img / 255.0, 0.0, 1.0))
    finish_paper(c, rng.stream("paper").seed_int(), fibre=p.fibre, grain=p.grain, vignette=p.vignette)
