"""Truchet weave — Carlson's multi-scale tiles, inked, coloured by domain, with woven crossings.

Smith's Truchet tile (arcs joining the midpoints of a square's sides) tiles
the plane into endless winding paths. Christopher Carlson's multi-scale
version (Bridges 2018) makes tiles of half the size fit seamlessly: every tile
paints its corners (out to a third of its side, "wings" reaching past its edge)
in its ground colour and a band across the middle third of each side in its
figure colour; each smaller scale swaps figure and ground and is laid on top.
Because the boundaries meet each side at 1/3 and 2/3, a band of a big tile
flows straight into the gap between two small bands: the picture is two
colours, figure and ground, and every boundary connects across scales.

Each connected figure domain gets one colour from a curated palette (the
largest takes the lead colour, a rare accent now and then), every boundary is
inked, and crossing tiles weave: one strand passes over the other, which dips
under and carries on in its own colour; along a run of crossings over and
under alternate, as in a basket weave.
"""
import math

import cairo
import numpy as np
from scipy import ndimage, special

from gencraft import Choice, Float, Int, Palette

SIZE = (1600, 1600)
KIND = "woven tiles"  # what it draws, in the tiny CLIP's words (edition --audit checks each token)

# figure colours (weighted: a lead, supporting colours, a rare accent), the paper, the ink
PALETTES = {
    "riso": Palette("riso", ["#0078bf", "#ff48b0", "#ffe800", "#00a95c", "#f15060"], "#f4efe4", "#1d1b26",
                    weights=[5, 4, 3, 2, 1]),
    "indigo": Palette("indigo", ["#23395d", "#3f6ea6", "#9cb7d8", "#d9a441", "#e4572e"], "#f1ebdd", "#121a2b",
                      weights=[5, 4, 3, 1, 1]),
    "terracotta": Palette("terracotta", ["#c8553d", "#f0a33a", "#2f4858", "#588b8b", "#8c2f1b"], "#efe4d0",
                          "#2a1b14", weights=[5, 4, 3, 2, 1]),
    "night": Palette("night", ["#f2d0a4", "#e86a58", "#6c91c2", "#2d3a66", "#ffd35c"], "#141726", "#f3ead8",
                     weights=[5, 3, 3, 2, 1]),
    "forest": Palette("forest", ["#3d5a3a", "#7c9a4f", "#d9c58b", "#a4532f", "#1f2a22"], "#f0ecdf", "#1b2119",
                    weights=[5, 4, 3, 1, 2]),
    "mono": Palette("mono", ["#1d1d22", "#1d1d22", "#c23b22"], "#f2eee6", "#1d1d22", weights=[10, 10, 1]),
}

colours = Choice("riso", list(PALETTES), weights=[5, 4, 4, 3, 3, 2], trait="Palette",
                 help="palette: figure colours (lead, support, rare accent), paper and ink")
cells = Int(5, 3, 10, vary={3: 2, 4: 4, 5: 4, 6: 3, 8: 2}, trait="Scale",
            bands={"bold": 5, "medium": 7, "fine": None}, help="tiles along each side at the largest scale")
depth = Int(2, 0, 3, vary={1: 3, 2: 5, 3: 3}, help="how many times a tile may split in four (capped so the "
            "smallest tiles stay legible)")
subdivide = Float(0.45, 0.15, 0.75, step=0.05, vary="triangular", trait="Busyness",
                  bands={"calm": 0.35, "lively": 0.55, "frantic": None},
                  help="chance a tile splits into four smaller ones")
motif = Choice("carlson", ["smith", "carlson", "lattice"], weights=[3, 5, 2], trait="Motif",
               help="which tiles: Smith's arcs only, Carlson's mixed set, or a straight lattice of bands")
weave = Float(0.18, 0.04, 0.4, step=0.02, vary="triangular", trait="Weave",
              bands={"loose": 0.12, "woven": 0.24, "tight": None},
              help="share of tiles that are crossings, where one strand passes over the other")
margin = Float(0.075, 0.0, 0.2, step=0.005, help="paper margin as a share of the size")
line = Float(1.0, 0.0, 3.0, step=0.1, help="ink line weight (1 = the default, 0 = no ink)")

# tile -> (weight, number of distinct rotations), per motif set; "cross" tiles are added by `weave`
MOTIFS = {
    "smith": {"arcs": (1.0, 2)},
    "carlson": {"arcs": (6.0, 2), "straight": (2.0, 2), "tee": (2.0, 4), "dots": (0.6, 1), "ex": (0.8, 1),
                "frown": (1.0, 4)},
    "lattice": {"straight": (4.0, 2), "tee": (2.0, 4), "arcs": (1.5, 2), "dots": (1.0, 1)},
}
MIN_TILE = 1 / 42  # the smallest tile, as a share of the pattern's side


def levels_for(p):
    """How many times tiles may split: the parameter, capped so the smallest tile stays legible."""
    d = p.depth
    while d > 0 and 1.0 / (p.cells * 2 ** d) < MIN_TILE:
        d -= 1
    return d


def layout(rng, p):
    """The quadtree of tiles, level by level: lists of (i, j, level, tile, rotation), plus leaf flags.

    (i, j) index the tile on the grid of its own level (side 1 / (cells * 2**level)).
    """
    split, pick = rng.stream("layout"), rng.stream("tiles")
    table = MOTIFS[p.motif]
    names = list(table)
    weights = np.array([table[n][0] for n in names])
    weights = weights / weights.sum()
    max_level = levels_for(p)
    levels, leaves = [], []
    current = [(i, j) for i in range(p.cells) for j in range(p.cells)]
    for level in range(max_level + 1):
        tiles, nxt, leaf = [], [], []
        for i, j in current:
            if pick.random() < p.weave:
                name, rot = "cross", (i + j + level) % 2  # over and under alternate along a run
            else:
                name = names[int(pick.choice(len(names), p=weights))]
                rot = int(pick.integers(table[name][1]))
            splits = level < max_level and split.random() < p.subdivide * (0.75 ** level)
            tiles.append((i, j, level, name, rot))
            leaf.append(not splits)
            if splits:
                nxt += [(2 * i + di, 2 * j + dj) for di in (0, 1) for dj in (0, 1)]
        levels.append(tiles)
        leaves.append(leaf)
        current = nxt
    return levels, leaves


def _disc(ctx, x, y, r):
    ctx.new_sub_path()
    ctx.arc(x, y, r, 0.0, 2 * math.pi)


def paint_tile(ctx, x, y, s, name, rot, ground, figure):
    """One winged tile at (x, y), side s, on an A8 mask: ground and figure are the alphas to paint."""
    ctx.set_source_rgba(0, 0, 0, ground)
    ctx.rectangle(x, y, s, s)
    ctx.fill()
    for cx, cy in ((x, y), (x + s, y), (x, y + s), (x + s, y + s)):  # the wings
        _disc(ctx, cx, cy, s / 3)
        ctx.fill()
    ctx.save()
    ctx.translate(x + s / 2, y + s / 2)
    ctx.rotate(rot * math.pi / 2)
    ctx.translate(-s / 2, -s / 2)  # tile-local frame: (0, 0) to (s, s)
    ctx.set_source_rgba(0, 0, 0, figure)
    for mx, my in ((s / 2, 0), (s, s / 2), (s / 2, s), (0, s / 2)):  # every side's middle third is figure
        _disc(ctx, mx, my, s / 6)
        ctx.fill()
    ctx.set_line_cap(cairo.LINE_CAP_BUTT)
    ctx.set_line_width(s / 3)
    if name == "arcs":
        for cx, cy, a in ((s, 0.0, 0.5 * math.pi), (0.0, s, 1.5 * math.pi)):
            ctx.new_path()
            ctx.arc(cx, cy, s / 2, a, a + math.pi / 2)
            ctx.stroke()
    elif name == "frown":
        ctx.new_path()
        ctx.arc(s, 0.0, s / 2, 0.5 * math.pi, math.pi)
        ctx.stroke()
    elif name == "straight":
        ctx.rectangle(0, s / 3, s, s / 3)
        ctx.fill()
    elif name == "cross":  # the under strand; the over strand is laid on after colouring
        ctx.rectangle(s / 3, 0, s / 3, s)
        ctx.fill()
    elif name in ("ex", "tee"):
        ctx.rectangle(0, 0, s, s if name == "ex" else 2 * s / 3)
        ctx.fill()
        ctx.save()
        ctx.rectangle(0, 0, s, s)
        ctx.clip()
        ctx.set_source_rgba(0, 0, 0, ground)
        corners = ((0, 0), (s, 0), (0, s), (s, s)) if name == "ex" else ((0, 0), (s, 0))
        for cx, cy in corners:
            _disc(ctx, cx, cy, s / 3)
            ctx.fill()
        ctx.restore()
    ctx.restore()


def over_band(x, y, s, rot):
    """The over strand of a crossing tile: its band (x0, y0, x1, y1) and two points inside its ends."""
    if rot % 2 == 0:  # horizontal over
        return (x, y + s / 3, x + s, y + 2 * s / 3), ((x + 0.12 * s, y + s / 2), (x + 0.88 * s, y + s / 2))
    return (x + s / 3, y, x + 2 * s / 3, y + s), ((x + s / 2, y + 0.12 * s), (x + s / 2, y + 0.88 * s))


def figure_mask(W, H, m_x, m_y, side, levels, weave_over=False):
    """Coverage of the figure colour (float, H x W) from all tiles, smaller scales on top.

    Without `weave_over` the crossing tiles leave out their over strand, so the
    strand beneath runs on unbroken (and is labelled as one domain).
    """
    surf = cairo.ImageSurface(cairo.FORMAT_A8, W, H)
    ctx = cairo.Context(surf)
    ctx.set_operator(cairo.OPERATOR_SOURCE)
    ctx.rectangle(m_x, m_y, W - 2 * m_x, H - 2 * m_y)
    ctx.clip()
    for tiles in levels:
        for i, j, level, name, rot in tiles:
            s = side / 2 ** level
            ground, figure = (0.0, 1.0) if level % 2 == 0 else (1.0, 0.0)
            x, y = m_x + i * s, m_y + j * s
            paint_tile(ctx, x, y, s, name, rot, ground, figure)
            if weave_over and name == "cross":
                (x0, y0, x1, y1), _ = over_band(x, y, s, rot)
                ctx.set_source_rgba(0, 0, 0, figure)
                ctx.rectangle(x0, y0, x1 - x0, y1 - y0)
                ctx.fill()
    surf.flush()
    buf = np.ndarray((H, surf.get_stride()), dtype=np.uint8, buffer=surf.get_data())[:, :W]
    return buf.astype(np.float32) / 255.0


def colour_domains(rng, mask, crossings, pal):
    """Label the figure's connected domains (joined across over strands) and give each a colour."""
    labels, n = ndimage.label(mask > 0.5)
    parent = np.arange(n + 1)

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    H, W = mask.shape
    for _, ends, figure in crossings:
        if figure:
            a, b = (labels[min(H - 1, max(0, int(py))), min(W - 1, max(0, int(px)))] for px, py in ends)
            if a and b:
                parent[find(a)] = find(b)
    roots = np.array([find(k) for k in range(n + 1)])
    sizes = np.bincount(roots[labels].ravel(), minlength=n + 1)
    sizes[0] = 0
    colour_of = pal.indices(rng, n + 1)
    if n:
        colour_of[int(sizes.argmax())] = 0  # the largest domain leads with the palette's first colour
    table = np.array([c[:3] for c in pal], dtype=np.float32)
    return labels, table[colour_of[roots]]


def inked(rgb, mask, w, ink):
    """Ink every figure/ground boundary with a line w px wide (sub-pixel, from a blurred mask)."""
    if w <= 0:
        return rgb
    sigma = max(0.8, 0.9 * w)
    g = np.clip(ndimage.gaussian_filter(mask, sigma), 1e-6, 1 - 1e-6)
    dist = sigma * special.ndtri(g)  # signed distance to the boundary for a straight edge
    alpha = np.clip(w / 2 + 0.5 - np.abs(dist), 0.0, 1.0)[..., None]
    return rgb * (1 - alpha) + ink * alpha


def draw(c, rng, p):
    pal = PALETTES[p.colours]
    W, H = c.width, c.height
    m = round(p.margin * c.min_side)
    unit = 2 ** levels_for(p)  # whole pixels for the smallest tiles: no hairline seams between tiles
    side = max(unit, (min(W, H) - 2 * m) / p.cells // unit * unit)
    m_x, m_y = (W - p.cells * side) // 2, (H - p.cells * side) // 2
    levels, leaves = layout(rng, p)
    smallest = side / unit
    w = p.line * max(0.8, min(0.0026 * c.min_side, 0.075 * smallest))  # ink line width in px
    paper = np.array(pal.background[:3], dtype=np.float32)
    ink = np.array(pal.ink[:3], dtype=np.float32)

    crossings = []  # (band, ends, strand is figure) for the leaf crossing tiles
    for tiles, leaf in zip(levels, leaves):
        for (i, j, level, name, rot), is_leaf in zip(tiles, leaf):
            if name == "cross" and is_leaf:
                s = side / 2 ** level
                band, ends = over_band(m_x + i * s, m_y + j * s, s, rot)
                crossings.append((band, ends, level % 2 == 0))

    # beneath: the pattern with every over strand left out, so under strands run on unbroken
    under = figure_mask(W, H, m_x, m_y, side, levels)
    labels, colour = colour_domains(rng.stream("colour"), under, crossings, pal)
    rgb = np.where((labels > 0)[..., None], colour[labels], paper)
    rgb = inked(rgb, under, w, ink)

    if crossings:
        # on top: the whole pattern, shown only on the over strands (their own colour, inked edges)
        full = figure_mask(W, H, m_x, m_y, side, levels, weave_over=True)
        top = np.where((labels > 0)[..., None], colour[labels], paper)
        shadow = np.zeros((H, W), dtype=np.float32)  # falls on the strand beneath, either side
        soft = max(1.0, 0.1 * smallest)
        region = np.zeros((H, W), dtype=np.float32)  # where the top layer shows
        edges = []                                   # the over band's sides across the strand beneath
        pad = int(np.ceil(w / 2 + 1.5))
        for (x0, y0, x1, y1), ends, figure in crossings:
            r0, r1, q0, q1 = int(round(y0)), int(round(y1)), int(round(x0)), int(round(x1))
            if figure:  # the strand's colour is its domain's, read just inside its ends
                labs = [labels[min(H - 1, int(py)), min(W - 1, int(px))] for px, py in ends]
                lab = max(labs)
                strand = colour[lab] if lab else np.asarray(pal[0][:3], dtype=np.float32)
                top[r0:r1, q0:q1][full[r0:r1, q0:q1] > 0.5] = strand
            else:  # a strand of the ground colour (odd scales swap figure and ground)
                top[r0:r1, q0:q1][full[r0:r1, q0:q1] < 0.5] = paper
            if x1 - x0 > y1 - y0:  # horizontal over strand; the one beneath runs down the middle third
                t = (y1 - y0)
                region[max(0, r0 - pad):r1 + pad, q0:q1] = 1.0
                rows = np.arange(max(0, int(y0 - t)), min(H, int(y1 + t)))
                if not rows.size:  # a strand thinner than a pixel (tiny renders): no shadow to cast
                    continue
                d = np.maximum(np.maximum(y0 - rows - 0.5, rows + 0.5 - y1), 0.0)
                shade = np.where(d > 0, np.exp(-d / soft), 0.0)[:, None]
                sl = (slice(rows[0], rows[-1] + 1), slice(int(x0 + t), int(x1 - t)))
                edges += [(x0 + t - w / 2, y - w / 2, t + w, w) for y in (y0, y1)]
            else:
                t = (x1 - x0)
                region[r0:r1, max(0, q0 - pad):q1 + pad] = 1.0
                cols = np.arange(max(0, int(x0 - t)), min(W, int(x1 + t)))
                if not cols.size:
                    continue
                d = np.maximum(np.maximum(x0 - cols - 0.5, cols + 0.5 - x1), 0.0)
                shade = np.where(d > 0, np.exp(-d / soft), 0.0)[None, :]
                sl = (slice(int(y0 + t), int(y1 - t)), slice(cols[0], cols[-1] + 1))
                edges += [(x - w / 2, y0 + t - w / 2, w, t + w) for x in (x0, x1)]
            shadow[sl] = np.maximum(shadow[sl], shade)
        top = inked(top, full, w, ink)
        rgb = rgb * (1 - region[..., None]) + top * region[..., None]
        rgb = rgb * (1 - 0.4 * shadow[..., None])
    else:
        edges = []

    frame = np.zeros((H, W), dtype=bool)
    x0, y0 = int(round(m_x)), int(round(m_y))
    frame[y0:H - y0, x0:W - x0] = True
    rgb = np.where(frame[..., None], rgb, paper)
    c.background(pal.background)
    c.image(np.concatenate([rgb, np.ones((H, W, 1), np.float32)], axis=-1))
    if w > 0:
        c.no_stroke()
        c.fill(pal.ink)
        for e in edges:  # the over strands' own sides, where they cross the strand beneath
            c.rect(*e)
        c.no_fill()
        c.stroke(pal.ink, width=w, join="miter")
        c.rect(m_x, m_y, W - 2 * m_x, H - 2 * m_y)


def features(rng, p):
    # what the picture shows: the depth actually used (capped for legibility)
    d = levels_for(p)
    return {"Nesting": "flat" if d == 0 else "one level" if d == 1 else f"{d} levels"}
