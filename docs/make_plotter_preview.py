"""Make docs/plotter-preview.png: two bundled sketches as pen plots on A4 (the live page's plotter view).

    .venv/bin/python docs/make_plotter_preview.py

Left: flow.py, one layer per pen colour; right: ranges.py, one ink, hatched
with hidden lines removed. Pen-up moves after vpype's optimisation are the
faint red lines.
"""
from pathlib import Path

import numpy as np
from PIL import Image

from gencraft.draw.plotter_preview import preview_rgba
from gencraft.plotter import make_plot

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    tiles = []
    for name, seed in (("flow", 5), ("ranges", 4)):
        plot = make_plot(ROOT / "sketches" / f"{name}.py", seed=seed, size="A4")
        print(name, plot.summary().splitlines()[-1])
        tiles.append(preview_rgba(plot.doc, 900, margin_mm=plot.layout.margin_mm))
    gap = np.full((tiles[0].shape[0], 24, 4), 255, np.uint8)
    Image.fromarray(np.concatenate([tiles[0], gap, tiles[1]], axis=1)).convert("RGB").save(
        ROOT / "docs" / "plotter-preview.png", optimize=True)


if __name__ == "__main__":
    main()
