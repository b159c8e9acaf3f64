"""Things a notebook displays: quick PNG previews and SVG documents.

Display goes through plain ``_repr_png_`` / ``_repr_svg_`` methods, which
Jupyter looks for by name; nothing here imports IPython.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gencraft.atomic import atomic_path


def preview_png(rgba: np.ndarray) -> bytes:
    """PNG bytes of an RGBA array, compressed quickly (a preview, rebuilt often)."""
    from gencraft.provenance import encode_png

    return encode_png(rgba, None, compress_level=1)


@dataclass
class SVGImage:
    """A vector render: the SVG text with its recipe (also inside the SVG's metadata)."""

    svg: str
    recipe: dict

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<SVGImage {len(self.svg):,} characters, seed {self.recipe.get('seed')}>"

    def save(self, path: str | Path) -> Path:
        """Write the SVG atomically."""
        path = Path(path)
        with atomic_path(path) as tmp:
            tmp.write_text(self.svg, encoding="utf-8")
        return path


@dataclass
class PNGImage:
    """An RGBA image a notebook shows inline (a grid, a contact sheet)."""

    rgba: np.ndarray

    def _repr_png_(self) -> bytes:
        return preview_png(self.rgba)

    def __repr__(self) -> str:
        h, w = self.rgba.shape[:2]
        return f"<{type(self).__name__} {w}x{h}>"

    def save(self, path: str | Path) -> Path:
        """Write the PNG atomically."""
        path = Path(path)
        with atomic_path(path) as tmp:
            tmp.write_bytes(preview_png(self.rgba))
        return path
