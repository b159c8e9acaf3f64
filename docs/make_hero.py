"""Compose the README's picture from the demo gallery: `python docs/make_hero.py`.

Run `make demo` first; this takes one token of eight sketches from the
gallery's edition strips and lays them out in two rows on a dark ground.
"""
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PICKS = [("flow", 3), ("mosaic", 0), ("truchet", 1), ("morphogen", 5),
         ("attractor", 4), ("garden", 1), ("bloom", 0), ("ranges", 0)]
TILE, PAD, COLUMNS = 360, 14, 4


def square(img: Image.Image) -> Image.Image:
    w, h = img.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    return img.crop((left, top, left + side, top + side)).resize((TILE, TILE), Image.LANCZOS)


def main():
    tiles = [square(Image.open(ROOT / "gallery" / "sketches" / name / "tokens" / f"{i}.png").convert("RGB"))
             for name, i in PICKS]
    rows = (len(tiles) + COLUMNS - 1) // COLUMNS
    strip = Image.new("RGB", (COLUMNS * (TILE + PAD) + PAD, rows * (TILE + PAD) + PAD), (21, 20, 26))
    for i, tile in enumerate(tiles):
        r, c = divmod(i, COLUMNS)
        strip.paste(tile, (PAD + c * (TILE + PAD), PAD + r * (TILE + PAD)))
    out = ROOT / "docs" / "hero.png"
    strip.save(out, optimize=True)
    print(out, np.asarray(strip).shape)


if __name__ == "__main__":
    main()
