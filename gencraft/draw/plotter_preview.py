"""A picture of a plot: each pen layer in its colour at its pen width, pen-up moves drawn faintly.

What the live page shows in plotter mode and what the README's picture is:
the optimised vpype Document drawn on its page (the margin shown as a faint
frame), so an artist sees what the machine will draw and how far the pen
travels in the air.
"""
from __future__ import annotations

import numpy as np

from gencraft.draw.canvas import Canvas
from gencraft.draw.plotter import MM

PAPER = "#fbfaf6"
TRAVEL = (0.85, 0.15, 0.25, 0.55)   # pen-up moves: thin, red, translucent


def preview_rgba(doc, max_side: int = 1000, *, show_pen_up: bool = True, margin_mm: float | None = None,
                 paper: str = PAPER) -> np.ndarray:
    """The document drawn as an (H, W, 4) uint8 image whose longer side is `max_side` pixels."""
    pw, ph = (v / MM for v in doc.page_size)
    k = max_side / max(pw, ph)                     # preview pixels per mm
    c = Canvas(max(1, int(round(pw * k))), max(1, int(round(ph * k))), "png")
    c.background(paper)
    if margin_mm:
        c.no_fill().stroke("#d9d4c7", width=1.0)
        c.rect(margin_mm * k, margin_mm * k, (pw - 2 * margin_mm) * k, (ph - 2 * margin_mm) * k)
    s = k / MM                                     # preview pixels per vpype unit
    for layer_id in sorted(doc.layers):
        lc = doc.layers[layer_id]
        color = lc.property("vp_color")
        rgba = (color.red / 255, color.green / 255, color.blue / 255, 1.0) if color is not None else (0, 0, 0, 1)
        pen = lc.property("vp_pen_width") or 0.3 * MM
        lines = [np.column_stack([ln.real, ln.imag]) * s for ln in lc.lines if len(ln) >= 2]
        if lines:
            c.stroke(rgba, width=max(pen * s, 0.6), cap="round", join="round")
            c.polylines(lines)
        if show_pen_up and len(lc.lines) > 1:
            hops = [np.array([[a[-1].real, a[-1].imag], [b[0].real, b[0].imag]]) * s
                    for a, b in zip(lc.lines[:-1], lc.lines[1:])]
            c.stroke(TRAVEL, width=max(0.5, 0.12 * k))
            c.polylines(hops)
    return c.to_array()


def preview_png(doc, max_side: int = 1000, **kw) -> bytes:
    """PNG bytes of :func:`preview_rgba` (no recipe: a preview is not a render)."""
    from gencraft.provenance import encode_png

    return encode_png(preview_rgba(doc, max_side, **kw), None)
