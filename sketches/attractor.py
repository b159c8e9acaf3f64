"""Attractor — millions of points of a strange attractor, shaded by density, coloured by flow.

A Clifford, de Jong, Svensson or Fractal Dream map sends a point to a new
point; iterated millions of times, the orbit settles onto a fractal ribbon
(Paul Bourke's pages show hundreds). Each pixel counts how many points landed
in it, and sums the direction the orbit was travelling there; the counts are
tone-mapped (faint filaments beside dense folds) and the direction picks the
colour along a curated palette ramp, so the colour turns with the ribbon's own
folds instead of following a single brightness ramp.

Every token draws its own four coefficients from wide, known-chaotic ranges
(not a handful of classic sets), so silhouettes rarely repeat. An orbit is
kept only if it fills the plane: a long test orbit first, then the final
histogram itself; a near-blank result is redrawn from the same hash stream.
The figure sits inside a generous margin, in one of eight orientations.
"""
import numpy as np
from scipy import ndimage

from gencraft import Choice, Float, Int, Palette, gradient
from gencraft.errors import UserError
from gencraft.particles import attractor_density, histogram, iterate
from gencraft.particles.density import eq_hist, fit_bounds

SIZE = (2000, 2000)
KIND = "a strange attractor"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

# ground, then the ramp the direction of travel runs along, then the highlight of the densest folds
PALETTES = {
    "ember": Palette("ember", ["#7a1e1e", "#e4572e", "#f3a712", "#fff1c1"], "#100a0a"),
    "aurora": Palette("aurora", ["#1b998b", "#5c6bc0", "#c04ea0", "#f4f1de"], "#07090f"),
    "ice": Palette("ice", ["#1d3557", "#3a86ff", "#8ecae6", "#ffffff"], "#060a12"),
    "gilt": Palette("gilt", ["#5a3a1a", "#b8862b", "#e9c46a", "#fffaf0"], "#0d0b08"),
    "ink": Palette("ink", ["#1d3557", "#6d2e46", "#a23b2a", "#0b0b10"], "#f3eee3"),
    "rose": Palette("rose", ["#355070", "#b56576", "#e56b6f", "#2a1a1f"], "#f6efe8"),
}
DARK = {"ember", "aurora", "ice", "gilt"}

kind = Choice("clifford", ["clifford", "dejong", "svensson", "fractal_dream"], weights=[5, 4, 2, 2],
              trait="Attractor", help="which map")
colours = Choice("ember", list(PALETTES), weights=[4, 3, 3, 2, 2, 1], trait="Palette",
                 help="palette: ground, the ramp the orbit's direction runs along, highlight")
light = Choice("veil", ["veil", "filament", "velvet"], weights=[5, 3, 2], trait="Light",
               help="tone of the counts: veil (histogram-equalised), filament (log), velvet (cube root)")
millions = Int(20, 1, 200, help="points, in millions (at 2000 px; scaled with the canvas area)")
margin = Float(0.12, 0.02, 0.3, step=0.01, help="empty margin round the figure, as a share of the size")
glow = Float(0.3, 0.0, 1.0, step=0.05, help="soft halo under the sharp density")

# wide ranges where each map is mostly chaotic (|coefficient| bounds), sampled per token
RANGES = {
    "clifford": [(1.2, 2.2), (1.2, 2.2), (0.3, 1.6), (0.3, 1.6)],
    "dejong": [(1.2, 3.0), (1.2, 3.0), (0.6, 2.6), (0.6, 2.6)],
    "svensson": [(1.2, 2.2), (1.2, 2.2), (0.6, 2.0), (0.6, 2.0)],
    "fractal_dream": [(0.6, 2.0), (1.6, 3.0), (0.4, 1.4), (0.4, 1.4)],
}
TONES = {"veil": "eq_hist", "filament": "log", "velvet": "cbrt"}
SAMPLE = 3_000_000  # points whose direction of travel sets the colour


def spread(x, y, cells=64):
    """Share of a cells x cells grid over the orbit's own bounds that the orbit visits."""
    if not (np.isfinite(x).all() and np.isfinite(y).all()) or np.abs(x).max() > 1e6 or np.abs(y).max() > 1e6:
        return 0.0
    b = fit_bounds(x, y, cells, cells, pad=0.0, quantile=1e-3)
    h = histogram(x, y, cells, cells, bounds=b)
    return float((h >= max(3.0, 0.1 * h[h > 0].mean())).mean())  # stray points don't count


def candidate(rng, name):
    """Four coefficients with random signs, drawn from the map's chaotic ranges."""
    lo, hi = np.array(RANGES[name]).T
    return tuple(np.round(rng.uniform(lo, hi) * rng.choice([-1.0, 1.0], 4), 4))


def choose(rng, name, tries=60):
    """The next parameter set from the stream whose long test orbit spreads over the plane."""
    best, best_score = None, -1.0
    for _ in range(tries):
        params = candidate(rng, name)
        x, y = iterate(name, params, 120_000, 0.1, 0.1)
        score = spread(x[20_000:], y[20_000:])
        if score > 0.2:
            return params
        if score > best_score:
            best, best_score = params, score
    return best


def orbit_density(name, params, n, width, height, margin):
    """Counts per pixel over n points, and the summed direction of travel from a sample of them."""
    x, y = iterate(name, params, 200_000, 0.1, 0.1)
    x, y = x[1000:], y[1000:]
    bounds = fit_bounds(x, y, width, height, pad=0.0, quantile=1e-3)
    # grow the bounds so the figure sits inside the margin on its longer side
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    k = 1.0 / max(1e-6, 1.0 - 2 * margin)
    bounds = (cx + (bounds[0] - cx) * k, cy + (bounds[1] - cy) * k, cx + (bounds[2] - cx) * k, cy + (bounds[3] - cy) * k)
    try:
        count, _ = attractor_density(name, params, n, width, height, bounds=bounds)
    except UserError:  # diverges after all: no picture
        return np.zeros((height, width)), None, None
    xs, ys = iterate(name, params, min(n, SAMPLE) + 1, float(x[-1]), float(y[-1]))
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        return np.zeros((height, width)), None, None
    dx, dy = np.diff(xs), np.diff(ys)
    norm = np.hypot(dx, dy) + 1e-12
    dx_sum = histogram(xs[1:], ys[1:], width, height, bounds=bounds, weights=dx / norm)
    dy_sum = histogram(xs[1:], ys[1:], width, height, bounds=bounds, weights=dy / norm)
    return count, dx_sum, dy_sum


def lit_share(count, margin):
    """Share of the figure's box (inside the margin) that the orbit lit, on a coarse grid."""
    h, w = count.shape
    k = max(1, min(h, w) // 96)
    small = count[: h // k * k, : w // k * k].reshape(h // k, k, w // k, k).sum(axis=(1, 3))
    ys, xs = np.nonzero(small)
    if len(ys) == 0:
        return 0.0
    box = small[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    side = max(box.shape) / max(small.shape)
    solid = box >= 0.1 * box[box > 0].mean()  # stray points don't count
    return float(solid.mean()) * min(1.0, side / (1 - 2 * margin))


def figure(rng, p, width, height):
    """The parameters and the orbit's density; near-blank orbits are redrawn from the same stream."""
    stream = rng.stream("params")
    n = max(400_000, int(p.millions * 1_000_000 * width * height / (2000 * 2000)))
    for attempt in range(6):
        params = choose(stream, p.kind)
        count, dx, dy = orbit_density(p.kind, params, n, width, height, p.margin)
        if lit_share(count, p.margin) > 0.08:
            break
    return params, count, dx, dy


def draw(c, rng, p):
    pal = PALETTES[p.colours]
    W, H = c.width, c.height
    params, count, dx, dy = figure(rng, p, W, H)
    if dx is None:
        dx, dy = np.ones_like(count), np.zeros_like(count)
    look = rng.stream("look")
    turn = look.uniform(0, 2 * np.pi)       # which direction of travel takes which colour
    orient = int(look.integers(8))          # one of eight orientations of the figure

    lit = count > 0
    if p.light == "veil":
        v = eq_hist(count, ~lit)
    elif p.light == "filament":
        v = np.log1p(count)
    else:
        v = np.cbrt(count)
    v = np.where(lit, v, 0.0).astype(np.float32)
    lo, hi = (float(v[lit].min()), float(v.max())) if lit.any() else (0.0, 1.0)
    v = np.clip((v - lo) / max(hi - lo, 1e-12), 0, 1) * lit
    # the direction of travel, smoothed a little so neighbouring filaments agree, picks the colour
    soft = max(1.0, 0.0009 * min(W, H))
    sx = ndimage.gaussian_filter(dx.astype(np.float32), soft)
    sy = ndimage.gaussian_filter(dy.astype(np.float32), soft)
    hue = 0.5 + 0.5 * np.cos(np.arctan2(sy, sx) - turn)
    lut = gradient(list(pal.hex[:3]), 256)[:, :3].astype(np.float32)
    col = lut[(hue * 255).astype(np.uint8)]
    top = np.array(pal[3][:3], dtype=np.float32)
    col += (top - col) * (0.85 * v ** 3)[..., None]  # the densest folds run towards the highlight
    dark = p.colours in DARK
    alpha = ((0.25 + 0.75 * v) if dark else (0.35 + 0.65 * v ** 0.6)) * lit
    c.background(pal.background)
    flip = (slice(None, None, -1 if orient & 2 else 1), slice(None, None, -1 if orient & 1 else 1))
    swap = bool(orient & 4) and W == H

    def place(rgb, a):
        rgb, a = rgb[flip], a[flip]
        if swap:
            rgb, a = rgb.transpose(1, 0, 2), a.T
        c.image(np.concatenate([np.clip(rgb, 0, 1), a[..., None]], axis=-1), width=W, height=H)

    if p.glow > 0:
        # a blurred, dim copy of the colour underneath, at a quarter size: light bleeding from the folds
        k = 4 if min(W, H) >= 400 else 1
        hh, ww = H // k, W // k
        shrink = lambda a: a[: hh * k, : ww * k].reshape(hh, k, ww, k, *a.shape[2:]).mean(axis=(1, 3))
        a_small = shrink(alpha)
        c_small = shrink(col * alpha[..., None])
        sigma = 0.008 * min(W, H) / k
        wsum = ndimage.gaussian_filter(a_small, sigma)
        halo = np.stack([ndimage.gaussian_filter(c_small[..., j], sigma) for j in range(3)], -1)
        halo = halo / np.maximum(wsum[..., None], 1e-9)
        place(halo, np.clip(wsum * 2.5, 0, 1) * p.glow * (0.5 if dark else 0.3))
    place(col, alpha)
