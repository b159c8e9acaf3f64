"""Mosaic — a recursive subdivision of the page, each cell a different small world.

After the compositions of Manolo Gamboa Naon: the page is split in two, and
the halves again, at halves, thirds or free ratios, down to a depth the
token's hash chooses (``gencraft.geometry.subdivide``). Every cell then gets
a motif — concentric rings, a quarter-circle fan, stripes, a target, a half
moon, a dot grid, a checker, a packed-circle cluster (``pack_circles``) or
plain colour — and a ground and figure colour drawn from a curated,
weighted palette, so a few colours carry the piece and a rare accent lights
it. Some cells stay bare paper: the negative space the eye rests in. A
hairline gap between cells lets the paper draw the grid.

Everything is laid out in page units (the shorter side is 1), so a
thumbnail shows the composition of the full-size print.
"""
import math

import numpy as np

from gencraft import Choice, Float, Int, Palette
from gencraft.geometry import hatch, pack_circles, subdivide

SIZE = (1600, 1600)
KIND = "a geometric mosaic"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

# colours (weighted: a lead pair, support, a rare accent), the paper, the ink
PALETTES = {
    "naon": Palette("naon", ["#e63b2e", "#f2b705", "#1b5fa8", "#f2e6d4", "#151515", "#2aa876"],
                    "#ebe3d3", "#151515", weights=[4, 3, 3, 3, 2.5, 0.6]),
    "night": Palette("night", ["#f25c54", "#f7b267", "#eae2b7", "#2b59c3", "#70c1b3", "#ffd23f"],
                     "#121420", "#eae2b7", weights=[4, 3, 3, 2.5, 2, 0.6]),
    "bauhaus": Palette("bauhaus", ["#d7263d", "#f4c430", "#1b4f9c", "#1d1d1d", "#f3eddf"],
                       "#e6dfcf", "#1d1d1d", weights=[3, 3, 3, 2.5, 2]),
    "sorbet": Palette("sorbet", ["#f28482", "#f6bd60", "#84a59d", "#355070", "#f7ede2", "#e56b6f"],
                      "#fbf6ee", "#355070", weights=[3, 3, 3, 2.5, 2, 0.6]),
    "tropic": Palette("tropic", ["#ff6b35", "#004e89", "#f7c59f", "#1a659e", "#efefd0", "#ffd23f"],
                      "#f1ece2", "#0a2540", weights=[4, 3.5, 2.5, 2, 2, 0.8]),
    "mono": Palette("mono", ["#1d1d22", "#f2eee6", "#8c8c99", "#c23b22"],
                    "#f2eee6", "#1d1d22", weights=[5, 4, 2, 0.6]),
}

# motif -> weight, per motif family (a family is one token's character)
FAMILIES = {
    "mixed": {"rings": 3, "fan": 2, "stripes": 3, "target": 2, "moon": 2, "dots": 2, "checker": 1,
              "packed": 1.5, "solid": 2},
    "orbits": {"rings": 5, "fan": 4, "target": 3, "moon": 3, "dots": 1, "packed": 1, "solid": 2},
    "lines": {"stripes": 6, "checker": 2, "diagonal": 3, "dots": 1, "solid": 2, "rings": 1},
    "bubbles": {"packed": 5, "dots": 2, "target": 2, "rings": 1, "solid": 2},
}
GRIDS = {"halves": ((0.5, 0.5), None), "thirds": ((1 / 3, 2 / 3), 3), "quarters": ((0.25, 0.75), 4),
         "free": ((0.22, 0.78), None)}

colours = Choice("naon", list(PALETTES), weights=[5, 3, 3, 3, 3, 1.5], trait="Palette",
                 help="palette: weighted colours with a rare accent, paper and ink")
depth = Int(6, 3, 8, vary={4: 2, 5: 4, 6: 4, 7: 2}, trait="Density",
            bands={"open": 5, "balanced": 7, "dense": None}, help="deepest split")
stop = Float(0.22, 0.05, 0.5, step=0.01, vary="triangular", help="chance a cell stops splitting early")
grid = Choice("thirds", list(GRIDS), weights=[2, 4, 3, 2], trait="Grid",
              help="where cuts fall: halves, thirds, quarters or anywhere")
motifs = Choice("mixed", list(FAMILIES), weights=[5, 3, 2, 1.5], trait="Motifs",
                help="which family of motifs fills the cells")
quiet = Float(0.12, 0.0, 0.4, step=0.01, vary={0.04: 2, 0.12: 4, 0.25: 2}, trait="Negative space",
              bands={"full": 0.08, "breathing": 0.18, "airy": None}, help="share of cells left as bare paper")
margin = Float(0.06, 0.0, 0.15, step=0.005, help="paper margin as a share of the size")
gap = Float(0.005, 0.0, 0.02, step=0.001, help="paper gap between cells as a share of the size")


def two_colours(pal, rng):
    """Ground and figure: two different palette colours, by weight."""
    i = int(pal.indices(rng, 1)[0])
    w = pal.weights.copy()
    w[i] = 0
    j = int(rng.choice(len(pal), p=w / w.sum()))
    k = int(rng.choice(len(pal), p=w / w.sum()))
    return pal[i], pal[j], pal[k]


def fill_circle(ctx, x, y, r, col, a0=0.0, a1=2 * math.pi):
    ctx.new_path()
    if a1 - a0 < 2 * math.pi - 1e-9:
        ctx.move_to(x, y)
    ctx.arc(x, y, max(r, 0.0), a0, a1)
    ctx.close_path()
    ctx.set_source_rgba(*col)
    ctx.fill()


def motif(c, kind, x, y, w, h, cols, rng, unit):
    ground, fig, third = cols
    ctx = c.ctx
    s = min(w, h)
    ctx.rectangle(x, y, w, h)
    ctx.set_source_rgba(*ground)
    ctx.fill()
    if kind == "rings":
        band = max(unit * rng.choice([0.012, 0.018, 0.026]), s / 24)
        cx, cy = x + w / 2, y + h / 2
        r = math.hypot(w, h) / 2 if rng.random() < 0.4 else s / 2
        k = int(r / band)
        for i in range(k, 0, -1):
            fill_circle(ctx, cx, cy, i * band, fig if (k - i) % 2 == 0 else ground)
    elif kind == "fan":
        corner = int(rng.integers(4))  # a quarter-circle fan from one corner into the cell
        cx, cy = [x, x + w, x + w, x][corner], [y, y, y + h, y + h][corner]
        a0 = [0.0, 0.5, 1.0, 1.5][corner] * math.pi
        band = max(unit * rng.choice([0.014, 0.022]), s / 16)
        k = int(s * rng.choice([0.9, 1.0, 1.4]) / band)
        for i in range(k, 0, -1):
            fill_circle(ctx, cx, cy, i * band, fig if (k - i) % 2 == 0 else ground, a0, a0 + math.pi / 2)
    elif kind == "stripes":
        spacing = max(unit * rng.choice([0.012, 0.018, 0.028]), s / 30)
        angle = rng.choice([0.0, math.pi / 2, math.pi / 4, -math.pi / 4]) if w > 0.05 * unit else 0.0
        segs = hatch(np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]]), spacing, angle,
                     offset=0.0, serpentine=False)
        ctx.set_line_width(spacing / 2)
        ctx.set_line_cap(0)
        ctx.set_source_rgba(*fig)
        for (x0, y0), (x1, y1) in segs.tolist():
            ctx.move_to(x0, y0)
            ctx.line_to(x1, y1)
        ctx.stroke()
    elif kind == "target":
        cx, cy = x + w / 2, y + h / 2
        fill_circle(ctx, cx, cy, 0.42 * s, fig)
        fill_circle(ctx, cx, cy, 0.42 * s * rng.choice([0.35, 0.55, 0.7]), third)
    elif kind == "moon":
        side = rng.integers(4)
        cx = [x + w / 2, x + w, x + w / 2, x][side]
        cy = [y, y + h / 2, y + h, y + h / 2][side]
        a0 = [0, 0.5, 1.0, 1.5][side] * math.pi
        r = (w if side % 2 == 0 else h) / 2
        r = min(r, (h if side % 2 == 0 else w))
        fill_circle(ctx, cx, cy, r, fig, a0, a0 + math.pi)
        fill_circle(ctx, cx, cy, r * 0.55, third, a0, a0 + math.pi)
    elif kind == "dots":
        n = max(2, int(round(s / (unit * rng.choice([0.03, 0.045])))))
        step = s / n
        nx, ny = max(1, int(w / step)), max(1, int(h / step))
        ox, oy = x + (w - nx * step) / 2, y + (h - ny * step) / 2
        ctx.set_source_rgba(*fig)
        for i in range(nx):
            for j in range(ny):
                ctx.new_sub_path()
                ctx.arc(ox + (i + 0.5) * step, oy + (j + 0.5) * step, step * 0.28, 0, 2 * math.pi)
        ctx.fill()
    elif kind == "checker":
        n = max(2, int(round(s / (unit * 0.035))))
        step = s / n
        nx, ny = max(1, int(round(w / step))), max(1, int(round(h / step)))
        sx, sy = w / nx, h / ny
        ctx.set_source_rgba(*fig)
        for i in range(nx):
            for j in range(ny):
                if (i + j) % 2 == 0:
                    ctx.rectangle(x + i * sx, y + j * sy, sx, sy)
        ctx.fill()
    elif kind == "diagonal":
        ctx.new_path()
        if rng.random() < 0.5:
            ctx.move_to(x, y), ctx.line_to(x + w, y), ctx.line_to(x, y + h)
        else:
            ctx.move_to(x + w, y), ctx.line_to(x + w, y + h), ctx.line_to(x, y + h)
        ctx.close_path()
        ctx.set_source_rgba(*fig)
        ctx.fill()
    elif kind == "packed" and s > 0.04 * unit:
        circles = pack_circles(w, h, max(unit * 0.004, s * 0.015), s * 0.3, seed=rng, margin=unit * 0.002)
        for cx, cy, r in circles.tolist():
            fill_circle(ctx, x + cx, y + cy, r, fig if r > s * 0.06 else third)


def layout(rng, p, W, H):
    ratio, snap = GRIDS[p.grid]
    return subdivide(W, H, seed=rng.stream("layout"), max_depth=p.depth, min_depth=2, stop=p.stop,
                     ratio=ratio, snap=snap, min_size=0.02 * min(W, H))


def draw(c, rng, p):
    pal = PALETTES[p.colours]
    c.background(pal.background)
    unit = c.min_side
    m = p.margin * unit
    W, H = c.width - 2 * m, c.height - 2 * m
    cells = layout(rng, p, W, H)
    pick = rng.stream("motifs")
    family = FAMILIES[p.motifs]
    kinds, weights = list(family), np.array(list(family.values()), float)
    g = p.gap * unit / 2
    # bare paper: whole regions (every cell under some depth-3 ancestor) and a few lone cells,
    # never more than half the page and never the biggest cell
    area = cells.areas
    shift = np.maximum(cells.depth - 3, 0)
    region = cells.cell_id >> shift
    regions = np.unique(region)
    bare = regions[pick.random(len(regions)) < p.quiet]
    quiet = np.isin(region, bare) | (pick.random(len(cells)) < p.quiet * 0.4)
    quiet[np.argmax(area)] = False
    for i in np.flatnonzero(quiet)[::-1]:
        if area[quiet].sum() <= 0.5 * area.sum():
            break
        quiet[i] = False
    for k, (poly, is_quiet) in enumerate(zip(cells.polygons, quiet)):
        kind = kinds[int(pick.choice(len(kinds), p=weights / weights.sum()))]
        cols = two_colours(pal, pick)
        if is_quiet:
            continue
        (x0, y0), (x1, y1) = poly[0], poly[2]
        x, y, w, h = m + x0 + g, m + y0 + g, (x1 - x0) - 2 * g, (y1 - y0) - 2 * g
        if w <= 1 or h <= 1:
            continue
        with c.push():
            c.clip_rect(x, y, w, h)
            motif(c, kind, x, y, w, h, cols, pick.stream(f"cell{k}"), unit)
