"""Marble — two levels of domain warping, veined and polished.

Inigo Quilez's domain warping feeds noise its own output: f(p + 4 q(p)) with
q = (fbm(p), fbm(p + offset)), and once more through r for the second level.
The fold lines of the warp look like stone that flowed before it set. The
colour follows IQ's recipe: a palette ramp along f, tinted by how far the
point was pushed (|q|) and in which direction (r). Thin veins trace level
sets of f, the way mineral seams follow the flow in real marble.
"""
import numpy as np

from gencraft import Choice, Float, Int, noise, palette
from gencraft.draw.color import colormap

SIZE = (1200, 1500)

scale = Float(1.4, 0.8, 6.0, step=0.1, help="noise features across the shorter side")
strength = Float(2.6, 0.0, 8.0, step=0.25, help="how far the warp pushes (IQ uses 4)")
levels = Int(2, 1, 2, help="warp levels: 1 = gentle folds, 2 = swirling")
octaves = Int(5, 1, 7, help="fBm octaves (detail)")
veins = Int(5, 0, 12, help="vein thickness (0 = none)")
colours = Choice("sea", ["sea", "dusk", "ember", "ink", "forest", "riso"], help="palette")


def field(rng, p, w, h):
    """The warped fBm on a pixel grid: f and the warp vectors q, r (IQ's names),
    plus a gently warped field whose level sets become the long veins."""
    seed = int(rng.stream("noise").integers(2**31))
    unit = p.scale / min(w, h)
    ox, oy = rng.stream("offset").uniform(-100, 100, 2)
    X = (ox + (np.arange(w) + 0.5) * unit)[None, :]
    Y = (oy + (np.arange(h) + 0.5) * unit)[:, None]
    f, qx, qy, rx, ry = noise.warp(X, Y, seed=seed, levels=p.levels, strength=p.strength,
                                   octaves=p.octaves, detail=True)
    # veins: zero crossings of another fBm sampled where the warp carried each
    # point, so they bend with the stone and thicken where the flow slowed down
    wx, wy = (rx, ry) if p.levels == 2 else (qx, qy)
    v = noise.fbm(0.7 * (X + p.strength * wx), 0.7 * (Y + p.strength * wy), seed=seed + 1, octaves=3)
    return f, qx, qy, rx, ry, v


def level_lines(phase, width):
    """Anti-aliased lines where sin(phase) = 0, `width` pixels wide.

    Distance to the zero set is about |g| / |grad g| (one Newton step), so the
    lines keep one width however steep the field is; where they would crowd
    closer than a few pixels (tight folds) they fade out instead of aliasing.
    """
    g = np.sin(phase)
    gy, gx = np.gradient(phase)
    slope = np.hypot(gx, gy)                         # radians per pixel
    dist = np.abs(g) / (np.abs(np.cos(phase)) * slope + 1e-9)
    crowd = np.clip(1.5 - slope * 6.0, 0.0, 1.0)      # lines < ~4 px apart vanish
    return np.exp(-(dist / width) ** 2) * crowd


# For each palette: which of its colours make the stone, pale to deep, and
# which one draws the thin bright seams (indices into gencraft.draw.color palettes).
STONES = {
    "sea": ([2, 1, 0], 3),
    "dusk": ([4, 3, 2, 1, 0], 3),
    "ember": ([4, 3, 2, 1, 0], 4),
    "ink": ([2, 1, 0], 3),
    "forest": ([4, 2, 1, 0], 3),
    "riso": ([2, 0, 1, 4], 0),
}


def stone_ramp(pal, name):
    """Paper colour first (unless it is a dark ground), then the stone colours, pale to deep."""
    order, seam = STONES[name]
    stone = [pal[i] for i in order]
    paper = [pal.background] if sum(pal.background[:3]) > 1.5 else []
    return paper + stone, pal[seam]


def draw(c, rng, p):
    pal = palette(p.colours)
    f, qx, qy, rx, ry, v = field(rng, p, c.width, c.height)
    f01 = np.clip(0.5 + 0.9 * f, 0.0, 1.0)            # fBm is ~[-0.6, 0.6] in practice
    qlen = np.clip(np.hypot(qx, qy) * 1.3, 0.0, 1.0)
    # mostly pale stone: the ramp starts at the paper colour and darkens slowly
    ramp, seam = stone_ramp(pal, p.colours)
    t = np.clip(0.75 * f01 ** 1.6 + 0.3 * qlen ** 2 + 0.12 * rx, 0.0, 1.0)
    rgb = colormap(ramp, t)[..., :3]
    # IQ's shading: a soft polish, brighter where the field is high
    shade = f01 ** 3 + 0.6 * f01 ** 2 + 0.5 * f01
    rgb *= (0.82 + 0.3 * shade)[..., None]
    if p.veins:
        vein = np.clip(1.0 - np.abs(v) / (0.006 * p.veins), 0.0, 1.0) ** 2
        seam_line = np.clip(1.0 - np.abs(v - 0.18) / (0.002 * p.veins), 0.0, 1.0) ** 2 * 0.7
        ink = np.array(pal.ink[:3])
        rgb = rgb * (1 - 0.8 * vein[..., None]) + ink * (0.8 * vein[..., None])
        rgb = rgb * (1 - seam_line[..., None]) + np.array(seam[:3]) * seam_line[..., None]
    c.image(np.clip(rgb, 0.0, 1.0))


def features(rng, p):
    return {
        "Palette": p.colours,
        "Flow": "swirling" if p.levels == 2 and p.strength >= 3 else "folded" if p.strength >= 1.5 else "calm",
        "Veins": "none" if p.veins == 0 else "few" if p.veins <= 6 else "many",
        "Grain": "coarse" if p.scale < 2 else "fine" if p.scale > 4 else "medium",
    }
