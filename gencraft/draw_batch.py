"""Batched polyline stroking: many polylines, few cairo calls.

Polylines that share a colour and width are put in one cairo path and stroked
once. (The particles work replaces the path building with a faster route; the
public contract — same pixels as stroking each polyline — stays.)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .color import parse_color


def _style_groups(n: int, colors, widths, default_color, default_width):
    """Group polyline indices by (colour, width), keeping first-seen order."""
    if colors is None:
        color_arr = None
    elif isinstance(colors, np.ndarray) and colors.ndim == 2:
        color_arr = colors.astype(np.float64)
        if color_arr.shape[1] == 3:
            color_arr = np.concatenate([color_arr, np.ones((len(color_arr), 1))], axis=1)
    else:
        color_arr = np.array([parse_color(c) for c in colors], dtype=np.float64)
    width_arr = None if widths is None else np.broadcast_to(np.asarray(widths, dtype=np.float64), (n,))
    if color_arr is None and width_arr is None:
        return [(default_color, default_width, np.arange(n))]
    keys = np.empty((n, 5))
    keys[:, :4] = default_color if color_arr is None else color_arr
    keys[:, 4] = default_width if width_arr is None else width_arr
    uniq, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(first)
    groups = []
    for g in order:
        idx = np.nonzero(inverse == g)[0]
        groups.append((tuple(uniq[g, :4]), float(uniq[g, 4]), idx))
    return groups


def stroke_polylines(canvas, coords: np.ndarray, offsets: np.ndarray, *, colors=None,
                     widths=None, closed: bool = False) -> None:
    """Stroke polylines given in CSR layout (see Canvas.polylines)."""
    ctx = canvas.ctx
    n = len(offsets) - 1
    if n <= 0 or canvas._stroke is None and colors is None:
        return
    default_color = canvas._stroke or (0.0, 0.0, 0.0, 1.0)
    default_width = ctx.get_line_width()
    xs = coords[:, 0].tolist()
    ys = coords[:, 1].tolist()
    starts = offsets[:-1].tolist()
    ends = offsets[1:].tolist()
    saved_width = ctx.get_line_width()
    for color, width, idx in _style_groups(n, colors, widths, default_color, default_width):
        for i in idx.tolist():
            s, e = starts[i], ends[i]
            if e - s < 2:
                continue
            ctx.move_to(xs[s], ys[s])
            for k in range(s + 1, e):
                ctx.line_to(xs[k], ys[k])
            if closed:
                ctx.close_path()
        ctx.set_source_rgba(*color)
        ctx.set_line_width(width)
        ctx.stroke()
    ctx.set_line_width(saved_width)
