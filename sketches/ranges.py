"""Ranges — mountain ridges in hatched ink, far to near, with hidden lines removed. Lines only.

A pen-plotter landscape. Each range is a ridged-noise skyline closed down to
the foot of the page; it is shaded by hatching (``gencraft.geometry.
hatch_density``) whose spacing follows a tone: dark on the slopes turned
away from the light and just under the crest, fading into mist down the
slope, and lighter for the far ranges (aerial perspective). Ranges are laid
back to front and each one hides what is behind it
(``gencraft.geometry.hidden_lines``), so the nearer ridges cut the far ones
as a plotter drawing must — nothing shows through. A sun, a ringed moon or
a clear sky sits behind the first range.

Everything is strokes of one ink on paper, so the SVG output plots as is.
Laid out in page units (the shorter side is 1).
"""
import numpy as np

from gencraft import Choice, Float, Int, noise, parse_color
from gencraft.geometry import hatch, hatch_density, hidden_lines

SIZE = (1600, 1600)
KIND = "hatched mountain ranges"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

# paper, ink
INKS = {
    "sumi": ("#f3eee3", "#1d1c1f"),
    "indigo": ("#f4f1ea", "#23395d"),
    "sepia": ("#efe4cf", "#5a3a22"),
    "chalk": ("#16181d", "#ece6d6"),
    "vermilion": ("#f4efe4", "#c0392b"),
}

ink = Choice("sumi", list(INKS), weights=[5, 3, 3, 2, 1], trait="Ink", help="paper and ink")
layers = Int(5, 2, 9, vary={3: 2, 4: 3, 5: 4, 6: 3, 8: 2}, trait="Ranges",
             bands={"few": 4, "several": 6, "many": None}, help="how many ranges, far to near")
rough = Float(1.6, 0.6, 3.5, step=0.1, vary="triangular", trait="Terrain",
              bands={"rolling": 1.2, "alpine": 2.2, "jagged": None}, help="ridge features across the page")
strokes = Choice("diagonal", ["horizontal", "diagonal", "contour"], weights=[3, 4, 2], trait="Hatch",
                 help="hatch direction: level, slanting with the light, or alternating per range")
sky = Choice("sun", ["sun", "moon", "clear"], weights=[4, 3, 2], trait="Sky", help="what hangs behind the ranges")
mist = Float(0.08, 0.03, 0.2, step=0.005, vary="triangular", trait="Mist",
             bands={"crisp": 0.06, "hazy": 0.11, "misty": None}, help="how far down a slope the ink reaches")
pen = Float(0.0018, 0.0008, 0.004, step=0.0001, help="pen width, as a share of the shorter side")
spacing = Float(0.0055, 0.003, 0.012, step=0.0005, help="closest hatch spacing (darkest tone), as a share of the shorter side")
margin = Float(0.08, 0.02, 0.2, step=0.005, help="paper margin as a share of the size")


def ridge_line(p, rng, i, n, x0, x1, top, height, u):
    """Skyline of range i (0 = farthest): (xs, ys) sampled every page-thousandth."""
    t = i / max(n - 1, 1)
    s = rng.stream(f"ridge{i}")
    xs = np.linspace(x0, x1, int((x1 - x0) / (0.002 * u)) + 2)
    freq = p.rough * (1.5 - 0.6 * t)
    r = noise.ridged(xs / u * freq + s.random() * 100, np.full_like(xs, i * 3.1), seed=s.seed_int(), octaves=5)
    base = top + height * (0.42 + 0.5 * t)
    amp = height * (0.34 - 0.12 * t)
    ys = base - amp * r ** 1.4
    return xs, np.maximum(ys, top)


def shade(xs, ys, u):
    """Light from the upper left: 1 on faces turned away from it, 0 on faces turned to it.

    The skyline is smoothed first (a Gaussian of a page-hundredth and a half),
    so whole faces share one tone instead of every notch flickering.
    """
    k = np.exp(-0.5 * (np.arange(-30, 31) * 0.002 / 0.015) ** 2)
    smooth = np.convolve(np.pad(ys, 30, mode="edge"), k / k.sum(), mode="valid")
    slope = np.gradient(smooth, xs)
    return np.clip(0.5 + 1.4 * slope, 0.0, 1.0)


def draw(c, rng, p):
    paper, ink_c = INKS[p.ink]
    c.background(paper)
    W, H, u = c.width, c.height, c.min_side
    m = p.margin * u
    x0, x1, top, bottom = m, W - m, m, H - m
    height = bottom - top
    s_min = p.spacing * u
    n = p.layers
    stack = []
    if p.sky != "clear":
        k = rng.stream("sky")
        sx = x0 + (x1 - x0) * (0.25 + 0.5 * k.random())
        sy = top + height * (0.12 + 0.1 * k.random())
        sr = u * (0.05 + 0.04 * k.random())
        ring = np.column_stack([sx + sr * np.cos(np.linspace(0, 2 * np.pi, 181)),
                                sy + sr * np.sin(np.linspace(0, 2 * np.pi, 181))])
        if p.sky == "sun":
            lines = list(hatch(ring[:-1], s_min * 1.6, 0.0)) + [ring]
        else:
            lines = [np.column_stack([sx + f * sr * np.cos(np.linspace(0, 2 * np.pi, 121)),
                                      sy + f * sr * np.sin(np.linspace(0, 2 * np.pi, 121))])
                     for f in np.linspace(0.15, 1.0, 7)]
        stack.append((lines, ring[:-1]))
    for i in range(n):
        xs, ys = ridge_line(p, rng, i, n, x0, x1, top, height, u)
        poly = np.concatenate([np.column_stack([xs, ys]), [[x1, bottom], [x0, bottom]]])
        t = i / max(n - 1, 1)
        lit = shade(xs, ys, u)
        depth_k = 0.45 + 0.55 * t

        def tone(x, y, xs=xs, ys=ys, lit=lit, depth_k=depth_k):
            # dark under the crest, misting down the slope; faces turned from the light darker
            crest = np.interp(x, xs, ys)
            fade = np.exp(-np.clip(y - crest, 0, None) / (p.mist * u))
            return np.clip(1.7 * depth_k * fade * (0.45 + 0.55 * np.interp(x, xs, lit)) - 0.1, 0.0, 1.0)

        a = {"horizontal": 0.0, "diagonal": -0.35, "contour": 0.3 if i % 2 else -0.3}[p.strokes]
        segs = [hatch_density(poly, tone, s_min, s_min * 64, a, width=W, height=H,
                              min_length=0.015 * u, offset=0.0)]
        lines = [q for s in segs for q in s] + [np.column_stack([xs, ys])]
        stack.append((lines, poly))
    visible = hidden_lines(stack)
    ctx = c.ctx
    ctx.set_source_rgba(*parse_color(ink_c))
    ctx.set_line_width(max(p.pen * u, 0.6))
    ctx.set_line_cap(1)
    ctx.set_line_join(1)
    for group in visible:
        for line in group:
            ctx.move_to(*line[0])
            for x, y in line[1:].tolist():
                ctx.line_to(x, y)
    ctx.stroke()
    # the frame: the plotter's last pass
    ctx.rectangle(x0, top, x1 - x0, height)
    ctx.stroke()

