"""Pulsar — lines that breathe, as ridges or rings, in a loop with no seam.

Stacked lines lifted by noise, each hiding the ones behind it: the hidden-line
plot of Joy Division's "Unknown Pleasures" (itself pulsar CP 1919), taken
further. Each token places its own centres of activity — one, two or three
swells somewhere in the field, leaving calm water elsewhere — and draws the
lines either as horizontal ridges or as concentric rings lifted outwards.
Colour follows the structure: the stack is banded front to back in the
palette's line colours, and wherever a line climbs high it turns to the
accent. Time walks once round a circle in the z-w plane of 4D OpenSimplex
(``noise.loop2``), so the last frame flows straight back into the first:
frame FRAMES is frame 0, exactly. Lines are at least 2 px wide and use a
handful of flat colours, so the GIF stays crisp.
"""
import numpy as np

from gencraft import Choice, Float, Int, Palette, gradient, noise

SIZE = (1000, 1250)
KIND = "ridge lines"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)
FRAMES = 96
FPS = 24

# line colours (banded front to back), the accent for the peaks, the ground
PALETTES = {
    "night": (Palette("night", ["#e8e4d8", "#a9b4c2", "#6c7a89"], "#0d0f14"), "#ff6b4a"),
    "dusk": (Palette("dusk", ["#ffe8c2", "#f2b880", "#8d5a97"], "#14131f"), "#e26d5c"),
    "sea": (Palette("sea", ["#0b3954", "#087e8b", "#5d8aa8"], "#f1ede4"), "#ff5a5f"),
    "paper": (Palette("paper", ["#1d1d22", "#4a4a55", "#8a8a96"], "#f4efe6"), "#a33b2f"),
    "neon": (Palette("neon", ["#00e0ff", "#8a2be2", "#3a3aa0"], "#07070d"), "#ffd319"),
    "moss": (Palette("moss", ["#2d4a22", "#5b8c3a", "#a3c45b"], "#f3efe2"), "#c8553d"),
}

form = Choice("ridges", ["ridges", "rings"], weights=[3, 2], trait="Form",
              help="ridges: horizontal lines stacked front to back; rings: concentric rings lifted outwards")
rows = Int(48, 16, 110, vary={24: 1, 32: 2, 44: 3, 56: 3, 72: 2, 90: 1}, trait="Density",
           bands={"sparse": 34, "classic": 60, "dense": None}, help="number of lines")
peaks = Int(2, 1, 3, vary={1: 4, 2: 4, 3: 2}, trait="Swells",
            bands={"single": 2, "twin": 3, "triple": None}, help="how many centres of activity")
height = Float(0.14, 0.06, 0.24, step=0.01, vary="normal",
               help="peak height as a share of the canvas height")
motion = Float(0.55, 0.2, 1.2, step=0.05, vary="triangular", trait="Motion",
               bands={"drifting": 0.45, "breathing": 0.8, "restless": None},
               help="how far the field travels in one loop")
detail = Int(3, 1, 6, help="noise octaves")
colours = Choice("night", list(PALETTES), weights=[4, 3, 3, 3, 2, 2], trait="Palette",
                 help="palette: line colours banded front to back, an accent for the peaks, the ground")

POINTS = 240  # samples along each line


def swells(seed, p):
    """The centres of activity: (along, across, width along, width across), from the noise seed."""
    r = np.random.default_rng([seed, 7])
    out = []
    for k in range(p.peaks):
        along = r.uniform(0.2, 0.8) if p.peaks == 1 else (k + r.uniform(0.25, 0.75)) / p.peaks
        out.append((along, r.uniform(0.25, 0.8), r.uniform(0.08, 0.16) * (1.3 if p.peaks == 1 else 1.0),
                    r.uniform(0.18, 0.4)))
    return out


def envelope(seed, p, n_rows, n_points):
    """Where the lines may lift: (rows, points) in [0, 1], calm away from the swells."""
    u = np.linspace(0.0, 1.0, n_points)[None, :]
    v = (np.arange(n_rows)[:, None] + 0.5) / n_rows
    env = np.zeros((n_rows, n_points))
    for along, across, wa, wc in swells(seed, p):
        da = u - along
        if p.form == "rings":  # around the circle: wrap
            da = (da + 0.5) % 1.0 - 0.5
        env = np.maximum(env, np.exp(-(da / wa) ** 4 - ((v - across) / wc) ** 2))
    return env


def ridges(seed, p, t, n_rows=None, n_points=POINTS):
    """Line heights in [0, 1] for time t (period 1): shape (rows, points)."""
    n_rows = n_rows or p.rows
    u = np.linspace(0.0, 1.0, n_points)
    r = np.arange(n_rows)[:, None]
    if p.form == "rings":  # sample the noise round a circle so each ring closes on itself
        x, y = 1.6 * np.cos(2 * np.pi * u)[None, :], 1.6 * np.sin(2 * np.pi * u)[None, :] + r * 0.35
    else:
        x, y = u[None, :] * 5.0, r * 0.35 + 0 * u[None, :]
    f = noise.loop2(x, y, t, radius=p.motion, seed=seed, octaves=p.detail)
    lift = np.clip(f * 1.6 + 0.15, 0.0, None) ** 1.5            # mostly quiet, sudden peaks
    ripple = 0.012 * (noise.loop2(x * 12.0, y * 9.0, t, radius=p.motion * 2, seed=seed + 1) + 1)
    return np.clip(envelope(seed, p, n_rows, n_points) * lift + ripple, 0.0, 1.0)


def runs(mask):
    """(start, stop) index pairs of the runs of equal values in a boolean array."""
    cuts = np.flatnonzero(np.diff(mask.astype(np.int8))) + 1
    bounds = np.concatenate([[0], cuts, [len(mask)]])
    return list(zip(bounds[:-1], bounds[1:]))


def draw(c, rng, p, t=0.0):
    pal, accent = PALETTES[p.colours]
    seed = int(rng.stream("noise").integers(2**31))
    c.background(pal.background)
    n_lines = p.rows if p.form == "ridges" else max(8, p.rows // 2)  # rings need more room
    Hh = ridges(seed, p, t, n_rows=n_lines)
    gap = (0.64 * c.height if p.form == "ridges" else 0.3 * c.min_side) / n_lines
    lw = max(0.8, min(max(2.0, 0.0028 * c.min_side), 0.4 * gap))  # 2 px or more where the lines have room
    amp = p.height * c.height
    # colour follows depth: eight flat steps along an OKLab ramp from the front line (or inner ring) back
    depth = np.arange(n_lines) if p.form == "rings" else np.arange(n_lines)[::-1]
    steps = gradient(pal.hex, 8)
    row_colour = [tuple(steps[min(7, int(8 * d / n_lines))]) for d in depth]
    c.ctx.set_line_cap(1)
    c.ctx.set_line_join(1)

    def stroke(line, hk, k, closed):
        hot = hk > 0.42
        for a, b in runs(hot):
            seg = line[max(0, a - 1): b + 1]
            c.stroke(accent if hot[a] else row_colour[k], width=lw * (1.25 if hot[a] else 1.0))
            c.polyline(seg)
        if closed:
            c.stroke(accent if hot[0] else row_colour[k], width=lw)
            c.polyline(np.vstack([line[-1], line[0]]))

    if p.form == "rings":
        cx, cy = c.width / 2, c.height / 2
        r0, r1 = 0.06 * c.min_side, 0.36 * c.min_side
        ang = np.linspace(0.0, 2 * np.pi, POINTS, endpoint=False)
        ampr = 0.55 * amp
        for k in range(n_lines - 1, -1, -1):  # outermost first: each ring's disc hides the rings outside it
            r = r0 + (r1 - r0) * k / (n_lines - 1) + Hh[k] * ampr
            line = np.column_stack([cx + r * np.cos(ang), cy + r * np.sin(ang)])
            c.no_stroke()
            c.fill(pal.background)
            c.polygon(line)
            c.no_fill()
            stroke(line, Hh[k], k, closed=True)
        return
    margin_x, top, bottom = 0.14 * c.width, 0.22 * c.height, 0.86 * c.height
    xs = margin_x + np.linspace(0.0, 1.0, POINTS) * (c.width - 2 * margin_x)
    spacing = (bottom - top) / (n_lines - 1)
    for k in range(n_lines):  # back to front: each line's fill hides the lines behind it
        y = top + k * spacing - Hh[k] * amp
        line = np.column_stack([xs, y])
        c.no_stroke()
        c.fill(pal.background)
        c.polygon(np.vstack([line, [[xs[-1], bottom + amp], [xs[0], bottom + amp]]]))
        c.no_fill()
        stroke(line, Hh[k], k, closed=False)
