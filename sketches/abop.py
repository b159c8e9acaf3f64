"""A gallery of classic curves from "The Algorithmic Beauty of Plants", chapter 1.

Each cell is a preset (``gencraft lsystem --list``) derived, interpreted by the
turtle and fitted into its frame with one batched ``Canvas.polylines`` call,
captioned with its figure number. ``detail`` trades derivation steps for speed.
"""
from gencraft.draw.color import mix, palette
from gencraft.lsystem import derive, draw_turtle, interpret, load_preset
from gencraft.params import Choice, Float, Int

TITLE = "ABoP chapter 1"
SIZE = (1500, 1200)

detail = Int(0, -2, 1, help="derivation steps added to each figure's own n")
ink = Choice("ink", ["ink", "sea", "forest", "dusk", "ember"], help="palette")
weight = Float(1.0, 0.4, 2.5, help="line weight")
columns = Int(4, 2, 6, help="cells per row")

FIGURES = ["koch-island", "quadratic-snowflake", "islands-and-lakes", "koch-1.9b",
           "dragon", "sierpinski-arrowhead", "gosper-hexagonal", "gosper-quadratic",
           "plant-1.24a", "plant-1.24c", "plant-1.24d", "hogeweg-1.31b"]
PLANTS = {"plant-1.24a", "plant-1.24c", "plant-1.24d", "hogeweg-1.31b"}


def draw(c, rng, p):
    pal = palette(p.ink)

    def lum(col):
        return 0.2126 * col[0] + 0.7152 * col[1] + 0.0722 * col[2]

    # only the palette colours that stand out from the paper
    inks = [col for col in pal if abs(lum(col) - lum(pal.background)) > 0.3] or [pal.ink]
    c.background(pal.background)
    w, h = c.size
    rows = -(-len(FIGURES) // p.columns)
    pad, caption = w * 0.035, 30.0
    cw = (w - pad * (p.columns + 1)) / p.columns
    ch = (h - pad * (rows + 1) - 54) / rows
    faint = mix(pal.ink, pal.background, 0.82)
    c.fill(mix(pal.ink, pal.background, 0.25)).text(w / 2, pad + 14, TITLE.upper(), size=20, align="center")
    for i, name in enumerate(FIGURES):
        system = load_preset(name)
        n = max(1, system.n + p.detail)
        x = pad + (i % p.columns) * (cw + pad)
        y = 54 + pad + (i // p.columns) * (ch + pad)
        # frame: a hairline box with the caption below the drawing
        c.no_fill().stroke(faint, width=1.0).rect(x, y, cw, ch)
        word = derive(system, n=n, rng=rng.stream(name))
        shape = interpret(system, word, heading=None if name in PLANTS else 0.0)
        color = inks[i % len(inks)]
        if p.ink == "ink":
            color = pal.ink if name not in PLANTS else "#2d4a22"
        segs = max(shape.draw_count, 1)
        lw = p.weight * (1.6 if segs < 3000 else 1.1 if segs < 12000 else 0.7)
        c.stroke(color)
        draw_turtle(c, shape, box=(x, y, cw, ch - caption), margin=0.09, line_width=lw,
                    anchor="bottom" if name in PLANTS else "center")
        c.no_stroke().fill(mix(pal.ink, pal.background, 0.35))
        c.text(x + cw / 2, y + ch - 12, f"{system.figure}  {name.replace('-', ' ')}  n={n}", size=13,
               align="center")


def features(rng, p):
    return {"Palette": p.ink, "Detail": {-2: "sketchy", -1: "light", 0: "as published", 1: "dense"}[p.detail]}
