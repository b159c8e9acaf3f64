"""Compose the README's picture from the demo gallery: `python docs/make_hero.py`.

Run `make demo` first; this crops five sketch renders to squares and lays
them out in a strip on a dark ground.
"""
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PICKS = ["flow", "contours", "attractor", "truchet", "garden"]
TILE, PAD = 420, 14


def square(img: Image.Image) -> Image.Image:
    w, h = img.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    return img.crop((left, top, left + side, top + side)).resize((TILE, TILE), Image.LANCZOS)


def main():
    tiles = [square(Image.open(ROOT / "gallery" / "sketches" / f"{name}.png").convert("RGB")) for name in PICKS]
    strip = Image.new("RGB", (len(tiles) * (TILE + PAD) + PAD, TILE + 2 * PAD), (21, 20, 26))
    for i, tile in enumerate(tiles):
        strip.paste(tile, (PAD + i * (TILE + PAD), PAD))
    out = ROOT / "docs" / "hero.png"
    strip.save(out, optimize=True)
    print(out, np.asarray(strip).shape)


if __name__ == "__main__":
    main()
