"""Marble — a polished slab: domain-warped stone with long veins.

Inigo Quilez's domain warping feeds noise its own output: f(p + s q(p)) with
q = (fbm(p), fbm(p + offset)), and once more through r for the second level.
The fold lines of the warp look like stone that flowed before it set. Each
slab is cut one of three ways: *veined* (pale, quiet stone crossed by a few
long veins, like Calacatta), *banded* (strata bent by the warp, like onyx or
agate) or *swirled* (IQ's double warp at full strength). The whole slab has a
grain direction, and the warp is strong in some regions and calm in others,
so every slab has a structure, not an all-over texture.

Veins are level sets of a gently warped field drawn by :func:`level_lines`:
anti-aliased, one width however steep the field, fading out where they would
crowd, so they never break into dotted hairlines. The colour follows IQ's
recipe (a ramp along f, tinted by |q| and r) through curated stone palettes.
"""
import numpy as np
from scipy.ndimage import zoom

from gencraft import Bool, Choice, Float, Int, noise
from gencraft.draw.color import colormap, parse_color

SIZE = (1200, 1500)
KIND = "veined marble"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

# Stones: body ramp (pale to deep), vein colour, seam colour (thin bright lines).
STONES = {
    "calacatta": (["#f6f3ee", "#eee8df", "#ddd5c8", "#b3a690"], "#6e6456", "#c9a35a"),
    "carrara": (["#f3f4f3", "#e4e7e9", "#cdd2d6", "#a1a9b1"], "#56616b", "#9aa4ae"),
    "nero": (["#18181b", "#202024", "#2b2b30", "#3a3940"], "#ebe7df", "#c9a35a"),
    "verde": (["#0e2620", "#183b30", "#285644", "#467f64"], "#e2ece2", "#9fd3b8"),
    "rosso": (["#4f1a18", "#6c2822", "#8e4034", "#bf7d69"], "#f1e4d8", "#f2c9a0"),
    "lapis": (["#0e1c45", "#1a3173", "#27489b", "#4868bd"], "#d6b25e", "#f6e6a8"),
    "onyx": (["#f7e7bf", "#ebc07a", "#cf9245", "#945722"], "#fff6e0", "#5a2e12"),
}

colours = Choice("calacatta", list(STONES), weights=[4, 3, 2, 2, 1.5, 1, 1.5], trait="Stone",
                 help="stone: body colours, veins and seams")
cut = Choice("veined", ["veined", "banded", "swirled"], weights=[4, 3, 2], trait="Cut",
             help="quiet stone with long veins, bent strata, or IQ's full double warp")
scale = Float(1.6, 0.8, 4.0, step=0.1, vary="triangular", trait="Grain",
              bands={"coarse": 1.4, "medium": 2.4, "fine": None}, help="noise features across the shorter side")
strength = Float(2.6, 0.5, 6.0, step=0.25, vary="triangular", help="how far the warp pushes (IQ uses 4)")
octaves = Int(5, 1, 7, help="fBm octaves (detail)")
veins = Int(4, 0, 12, vary={0: 1, 2: 3, 4: 3, 8: 2}, trait="Veins",
            bands={"none": 1, "few": 3, "some": 6, "many": None}, help="long veins across the slab (0 = none)")
gilded = Bool(False, chance=0.08, trait="Gilded", help="one bold gold seam, mended like kintsugi")
grain = Float(0.35, 0.0, 1.0, step=0.05, help="how strongly the stone is stretched along one direction")

WORK = 600  # fields are computed with at most this many samples along the longer side, then upsampled


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


def fields(rng, p, w, h):
    """Stone fields on a working grid over the page: body value t in [0, 1] and vein phases."""
    seed = int(rng.stream("noise").integers(2**31))
    s = rng.stream("slab")
    k = min(1.0, WORK / max(w, h))
    gw, gh = max(8, int(round(w * k))), max(8, int(round(h * k)))
    side = min(w, h)
    ox, oy = s.uniform(-100, 100, 2)
    u = ((np.arange(gw) + 0.5) / gw * w / side)[None, :]
    v = ((np.arange(gh) + 0.5) / gh * h / side)[:, None]
    # the slab's grain: coordinates stretched along one direction
    ang = s.uniform(0, np.pi)
    ca, sa = np.cos(ang), np.sin(ang)
    a, b = u * ca + v * sa, -u * sa + v * ca
    stretch = 1.0 + 1.5 * p.grain
    X = ox + p.scale * a / stretch ** 0.5
    Y = oy + p.scale * b * stretch ** 0.5
    # calm and busy regions: the warp strength follows a slow noise
    calm = np.clip(0.5 + 0.9 * noise.fbm(u * 1.2 + 11.0, v * 1.2 - 4.0, seed=seed + 5, octaves=2), 0.15, 1.0)
    levels = 2 if p.cut == "swirled" else 1
    strength = p.strength * (1.6 if p.cut == "swirled" else 1.0)
    f, qx, qy, rx, ry = noise.warp(X, Y, seed=seed, levels=levels, strength=1.0, octaves=p.octaves, detail=True)
    # re-evaluate with the strength scaled per region (the warp vectors are kept)
    wx, wy = (rx, ry) if levels == 2 else (qx, qy)
    Xw, Yw = X + strength * calm * wx, Y + strength * calm * wy
    f = noise.fbm(Xw, Yw, seed=seed, octaves=p.octaves)
    qlen = np.clip(np.hypot(qx, qy) * 1.3, 0.0, 1.0)
    f01 = np.clip(0.5 + 0.9 * f, 0.0, 1.0)
    if p.cut == "banded":
        # strata across the grain, bent by the warp
        bands = (a * p.scale * 1.6 + 0.9 * strength * calm * (wx * ca + wy * sa)) * 2.2
        ph = bands * np.pi + 0.8 * f
        t = 0.5 + 0.35 * np.sin(ph) + 0.15 * np.sin(2.7 * ph + 3.0 * f01)  # uneven strata
        t = 0.65 * np.clip(t, 0.0, 1.0) ** 1.5 + 0.35 * f01
    elif p.cut == "veined":
        t = np.clip(0.55 * f01 ** 1.8 + 0.3 * qlen ** 2, 0.0, 1.0)  # mostly pale, quiet stone
    else:
        t = np.clip(0.75 * f01 ** 1.6 + 0.3 * qlen ** 2 + 0.12 * rx, 0.0, 1.0)
    # veins, after Perlin's marble: level sets of the across-grain coordinate pushed
    # by the warp, so they run the length of the slab, fold where the stone flowed,
    # and never close into small rings
    push = strength * calm
    vn = b * p.scale * 0.5 + 0.22 * push * (wx * -sa + wy * ca) + 0.12 * noise.fbm(
        1.5 * X, 1.5 * Y, seed=seed + 1, octaves=2)
    fine = b * p.scale * 1.3 + 0.35 * push * (wx * -sa + wy * ca) + 0.2 * noise.fbm(
        2.2 * Xw, 2.2 * Yw, seed=seed + 3, octaves=2)
    # how strongly each vein shows along its length (veins fade in and out)
    show = noise.fbm(0.9 * X + 3.3, 0.9 * Y - 1.7, seed=seed + 4, octaves=2)
    gold = b * p.scale * 0.35 + 0.3 * push * (wx * -sa + wy * ca) + 0.5
    shade = f01 ** 3 + 0.6 * f01 ** 2 + 0.5 * f01
    up = lambda z: zoom(z, (h / gh, w / gw), order=1, grid_mode=True, mode="nearest")
    return up(t), up(shade), up(vn), up(fine), up(show), up(gold)


def draw(c, rng, p):
    ramp, vein_c, seam_c = STONES[p.colours]
    w, h = c.width, c.height
    t, shade, vn, fine, show, gold = fields(rng, p, w, h)
    rgb = colormap(ramp, np.clip(t, 0, 1))[..., :3]
    rgb *= (0.9 + 0.16 * shade)[..., None]           # IQ's soft polish
    px = min(w, h) / 1000.0
    dark = sum(parse_color(ramp[0])[:3]) < 1.5
    strong = np.clip(0.55 + 1.2 * show, 0.0, 1.0)     # where the veins are bold
    if p.veins:
        phase = vn * np.pi * p.veins
        # a soft cloud around each vein, then the vein itself, wider where it is bold
        rgb = mix_in(rgb, vein_c, level_lines(phase, max(2.0, 14.0 * px)) * 0.22 * strong)
        rgb = mix_in(rgb, vein_c, level_lines(phase, max(0.7, 2.6 * px) * (0.4 + 0.8 * strong)) * 0.9 * strong)
        # a faint secondary network, only in places (kept above ~1 px, so never dotted)
        net = level_lines(fine * np.pi * (2 + p.veins), max(0.8, 0.9 * px)) * 0.45 * np.clip(-show * 2.0, 0, 1)
        rgb = mix_in(rgb, vein_c, net)
    seam = level_lines(fine * np.pi * 1.5 + 1.3, max(0.7, 0.9 * px)) * (0.55 if dark else 0.4) * strong
    rgb = mix_in(rgb, seam_c, seam)
    if p.gilded:
        phase = gold * np.pi
        rgb = mix_in(rgb, "#9c6f22", level_lines(phase, max(1.2, 5.0 * px)))
        rgb = mix_in(rgb, "#e9c46a", level_lines(phase, max(0.9, 3.2 * px)))
        rgb = mix_in(rgb, "#fff1c4", level_lines(phase + 0.002, max(0.5, 1.0 * px)) * 0.8)
    c.image(np.clip(rgb, 0.0, 1.0))


def mix_in(rgb, colour, amount):
    """Blend `colour` over `rgb` by `amount` (per pixel, in [0, 1])."""
    col = np.array(parse_color(colour)[:3])
    a = np.clip(amount, 0.0, 1.0)[..., None]
    return rgb * (1 - a) + col * a
