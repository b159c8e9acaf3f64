"""Render one sketch for many seeds in a loop and lay them out as a contact sheet.

    python examples/render_seeds.py sketches/truchet.py --count 9 -o seeds.png

Uses gencraft as a library: load the sketch once, render seed after seed with
tweaked parameters, and compose the thumbnails with the canvas.
"""
import argparse
import math

from gencraft.draw.canvas import Canvas
from gencraft.render import render
from gencraft.sketch import load_sketch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sketch")
    ap.add_argument("--count", type=int, default=9)
    ap.add_argument("--thumb", type=int, default=400)
    ap.add_argument("-o", "--out", default="seeds.png")
    args = ap.parse_args()

    sketch = load_sketch(args.sketch)  # load once; every render below reuses it
    cols = math.ceil(math.sqrt(args.count))
    rows = math.ceil(args.count / cols)
    pad = 16
    sheet = Canvas(cols * (args.thumb + pad) + pad, rows * (args.thumb + pad + 24) + pad)
    sheet.background("#15141a")
    for i in range(args.count):
        r = render(sketch, seed=i, size=(args.thumb, args.thumb))
        x = pad + (i % cols) * (args.thumb + pad)
        y = pad + (i // cols) * (args.thumb + pad + 24)
        sheet.image(r.rgba, x, y)
        sheet.fill("#e9e4da").text(x, y + args.thumb + 17, f"seed {i}", size=13)
        print(f"seed {i} rendered", flush=True)
    from gencraft.provenance import encode_png

    with open(args.out, "wb") as f:
        f.write(encode_png(sheet.to_array(), None))
    print(args.out)


if __name__ == "__main__":
    main()
