"""Attractor — millions of points of a strange attractor, shaded by density.

A Clifford or de Jong map sends a point to a new point; iterated tens of
millions of times, the orbit settles onto a fractal ribbon (Paul Bourke's
pages show hundreds). Each pixel counts how many points landed in it
(gencraft.particles.attractor_density, Numba, no point arrays kept), and the
counts are tone-mapped — histogram equalisation by default, as datashader
does — so the faint filaments show beside the dense folds.

Parameters a-d are drawn from the seed around values known to be chaotic, and
a short test orbit rejects choices that collapse to a few points.
"""
import numpy as np

from gencraft import Choice, Float, Int, palette
from gencraft.particles import attractor_density, histogram, iterate, shade

SIZE = (2000, 2000)

kind = Choice("clifford", ["clifford", "dejong", "svensson", "fractal_dream"], help="which map")
millions = Int(12, 1, 200, help="points, in millions")
tone = Choice("eq_hist", ["eq_hist", "log", "cbrt", "linear"], help="tone mapping of the counts")
colours = Choice("ember", ["ember", "dusk", "sea", "neon", "forest", "ink"], help="palette")
spread = Float(0.35, 0.0, 1.0, step=0.05, help="how far the parameters roam from the classic values")
glow = Float(0.35, 0.0, 1.0, step=0.05, help="soft halo under the sharp density")

CLASSIC = {
    "clifford": [(-1.4, 1.6, 1.0, 0.7), (1.7, 1.7, 0.6, 1.2), (-1.7, 1.3, -0.1, -1.2), (-1.8, -2.0, -0.5, -0.9)],
    "dejong": [(-2.0, -2.0, -1.2, 2.0), (1.641, 1.902, 0.316, 1.525), (-2.7, -0.09, -0.86, -2.2), (1.4, -2.3, 2.4, -2.1)],
    "svensson": [(1.5, -1.8, 1.6, 0.9), (-1.78, 1.29, -0.09, -1.18), (1.4, 1.56, 1.4, -6.56)],
    "fractal_dream": [(-0.966918, 2.879879, 0.765145, 0.744728), (-2.9585, -2.2965, -2.8829, -0.1622)],
}


def coverage(name, params):
    """Share of a coarse 48x48 grid a short orbit visits (tiny = a boring periodic orbit)."""
    x, y = iterate(name, params, 30_000)
    x, y = x[1000:], y[1000:]
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        return 0.0
    return float((histogram(x, y, 48, 48) > 0).mean())


def choose_params(rng, p):
    """A classic parameter set, nudged by `spread`, that still fills the plane."""
    base = CLASSIC[p.kind][int(rng.integers(len(CLASSIC[p.kind])))]
    for attempt in range(40):
        params = tuple(np.round(np.array(base) + rng.normal(0, 0.25 * p.spread, 4), 4))
        if coverage(p.kind, params) > 0.12:
            return params
    return base


def ramp(pal):
    """Palette colours ordered from closest to the background to most contrasting."""
    lum = lambda rgba: 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]
    bg = lum(pal.background)
    return [h for _, h in sorted(zip(pal, pal.hex), key=lambda ch: abs(lum(ch[0]) - bg))]


def draw(c, rng, p):
    pal = palette(p.colours)
    colours = ramp(pal)
    c.background(pal.background)
    params = choose_params(rng.stream("params"), p)
    agg, _ = attractor_density(p.kind, params, p.millions * 1_000_000, c.width, c.height)
    if p.glow > 0:
        # a blurred, dim copy of the density underneath reads as light bleeding from the folds
        small = agg.reshape(c.height // 8, 8, c.width // 8, 8).sum(axis=(1, 3)) if c.width % 8 == 0 and c.height % 8 == 0 else None
        if small is not None:
            c.image(shade(small, colours[:3], "log", alpha_ramp=True), alpha=p.glow, width=c.width, height=c.height)
    c.image(shade(agg, colours, p.tone, alpha_ramp=True, min_alpha=0.25))


def features(rng, p):
    params = choose_params(rng.stream("params"), p)
    return {"attractor": p.kind, "palette": p.colours, "tone": p.tone,
            "a": float(params[0]), "b": float(params[1]),
            "density": "sparse" if p.millions < 10 else "rich" if p.millions >= 50 else "full"}
