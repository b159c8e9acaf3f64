"""Truchet weave — quarter-circle tiles at several scales, drawn as woven tubes.

Smith's Truchet tile (two quarter-circle arcs joining the midpoints of a
square's sides) tiles the plane into endless winding paths. Subdividing some
tiles into four smaller ones (a quadtree) gives the multi-scale look of
Christopher Carlson's tiles; drawing each arc as a dark outline under a
coloured core turns the paths into tubes that weave under and over.
"""
import math

from gencraft import Choice, Float, Int, palette

SIZE = (1600, 1600)

cells = Int(6, 2, 16, help="tiles along each side at the largest scale")
subdivide = Float(0.45, 0.0, 0.9, step=0.05, help="chance a tile splits into four smaller ones")
depth = Int(2, 0, 3, help="how many times a tile may split")
tube = Float(0.34, 0.1, 0.48, step=0.02, help="tube width as a share of the tile")
colours = Choice("by hash", ["by hash", "riso", "bauhaus", "sea", "dusk", "ember", "forest"],
                 help="palette; 'by hash' lets each token's hash choose (rarer palettes less often)")
margin = Float(0.07, 0.0, 0.2, step=0.01, help="paper margin as a share of the size")


def tiles(rng, x, y, size, level, p):
    """Yield (x, y, size) tiles of a random quadtree over one cell."""
    if level < p.depth and rng.random() < p.subdivide * (0.8 ** level):
        half = size / 2
        for dx in (0, half):
            for dy in (0, half):
                yield from tiles(rng, x + dx, y + dy, half, level + 1, p)
    else:
        yield x, y, size


def arcs(x, y, s, flip):
    """The two quarter arcs of a Smith tile: (centre x, centre y, start angle)."""
    if flip:
        return [(x, y, 0.0), (x + s, y + s, math.pi)]
    return [(x + s, y, 0.5 * math.pi), (x, y + s, 1.5 * math.pi)]


def join_paths(arc_list):
    """Label arcs by the winding path they belong to: arcs meeting at an endpoint join."""
    parent = list(range(len(arc_list)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen = {}
    for i, (cx, cy, a, s) in enumerate(arc_list):
        for angle in (a, a + math.pi / 2):
            key = (round(cx + s / 2 * math.cos(angle), 3), round(cy + s / 2 * math.sin(angle), 3), s)
            if key in seen:
                parent[find(i)] = find(seen[key])
            else:
                seen[key] = i
    return [find(i) for i in range(len(arc_list))]


# how often each palette comes up when the hash chooses: traits with a rarity
PALETTE_ODDS = {"riso": 30, "sea": 25, "dusk": 20, "bauhaus": 12, "forest": 8, "ember": 5}


def choose_palette(rng, p):
    """The palette name: the parameter's, or drawn from the token's own stream."""
    if p.colours != "by hash":
        return p.colours
    return rng.stream("palette").pick(list(PALETTE_ODDS), weights=list(PALETTE_ODDS.values()))


def draw(c, rng, p):
    pal = palette(choose_palette(rng, p))
    c.background(pal.background)
    m = p.margin * c.min_side
    side = (c.min_side - 2 * m) / p.cells
    layout, flips = rng.stream("layout"), rng.stream("flips")
    arc_list = []
    for i in range(p.cells):
        for j in range(p.cells):
            for x, y, s in tiles(layout, m + i * side, m + j * side, side, 0, p):
                arc_list += [(cx, cy, a, s) for cx, cy, a in arcs(x, y, s, flips.random() < 0.5)]
    # one colour per connected path, so each tube winds through the piece unbroken
    colour_rng = rng.stream("colour")
    path_colour = {}
    labels = join_paths(arc_list)
    c.clip_rect(m, m, c.width - 2 * m, c.height - 2 * m)
    ctx = c.ctx
    ctx.set_line_cap(0)  # butt: joins between arcs stay invisible
    # largest tubes first so finer tiles sit on top; per scale: outline, core, highlight
    for size in sorted({a[3] for a in arc_list}, reverse=True):
        group = [(arc, lab) for arc, lab in zip(arc_list, labels) if arc[3] == size]
        width = p.tube * size
        for layer, (w, colour_of) in enumerate([
            (1.3, lambda lab: pal.ink),
            (1.0, lambda lab: path_colour.setdefault(lab, pal.pick(colour_rng))),
            (0.22, lambda lab: (1, 1, 1, 0.22)),
        ]):
            for (cx, cy, a, s), lab in group:
                ctx.new_path()
                ctx.arc(cx, cy, s / 2, a - 0.01, a + math.pi / 2 + 0.01)  # overlap hides seams
                ctx.set_source_rgba(*colour_of(lab))
                ctx.set_line_width(width * w)
                ctx.stroke()


def features(rng, p):
    # the same streams as draw(), so the traits always describe the picture
    layout = rng.stream("layout")
    split = sum(len(list(tiles(layout, 0, 0, 1.0, 0, p))) > 1 for _ in range(p.cells * p.cells))
    share = split / p.cells ** 2
    return {
        "Palette": choose_palette(rng, p),
        "Busyness": "calm" if share < 0.3 else "lively" if share < 0.5 else "frantic",
        "Scale": "fine" if p.cells >= 10 else "bold" if p.cells <= 4 else "medium",
        "Nesting": "flat" if p.depth == 0 or p.subdivide < 0.1 else f"{p.depth} levels",
    }
