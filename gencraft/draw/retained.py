"""Retained geometry: what a sketch draws, kept as vector paths instead of (or beside) pixels.

A plotter needs the drawing as lines, not as cairo's output. Rather than a
second drawing API, the canvas draws through a :class:`RetainedContext`: a
``cairo.Context`` subclass whose ``stroke``/``fill``/``paint`` record the
current path — flattened by cairo to line segments, transforms applied, in
device pixels — with its colour, line width, fill rule, clip and pen layer.
Every canvas shape, and a sketch's own calls on ``c.ctx``, pass through it,
so one drawing code gives the raster and the plot. Batched
``Canvas.polylines`` arrays are recorded as arrays (:meth:`Recorder.strokes`).

What it records (:class:`Item`, in drawing order — order matters for hidden
lines):

- ``stroke``: open or closed paths stroked with a colour and width;
- ``fill``: closed rings filled with a colour (fill rule kept);
- ``paint``: a solid paint of the whole surface (a background): the paper
  colour, hiding everything before it;
- ``raster``: an image painted (``c.image``, masks): plotters cannot draw it.

This module only records; turning items into pen layers is
:mod:`gencraft.draw.plotter`'s job.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cairo
import numpy as np


@dataclass
class Item:
    """One recorded drawing operation, in device pixels."""

    kind: str                                   # "stroke" | "fill" | "paint" | "raster"
    layer: str | None                           # the pen layer the sketch named (c.layer), or None: by colour
    rgba: tuple | np.ndarray | None = None      # colour, or (M, 4) per-path colours for batched strokes
    width: float | np.ndarray = 1.0             # device line width, or (M,) per path
    paths: list = field(default_factory=list)   # list of (k, 2) arrays
    closed: list = field(default_factory=list)  # per path
    even_odd: bool = False                      # fill rule of a fill
    clip: int | None = None                     # index into Recorder.clips
    where: str = ""                             # what drew it ("c.image", "ctx.paint", ...) for messages


class Recorder:
    """The list of recorded items and the clip regions they refer to."""

    def __init__(self, width: int, height: int):
        self.width, self.height = int(width), int(height)
        self.items: list[Item] = []
        self.clips: list[list[list[np.ndarray]]] = []  # each: regions (lists of device-space rings), intersected
        self.layer: str | None = None              # the current named layer (Canvas.layer sets it)
        self.layer_colors: dict[str, tuple] = {}   # a named layer's pen colour, when given

    def add(self, item: Item) -> None:
        self.items.append(item)

    def strokes(self, coords: np.ndarray, offsets: np.ndarray, colors: np.ndarray, widths: np.ndarray,
                closed: np.ndarray, matrix: cairo.Matrix, clip: int | None) -> None:
        """Record batched polylines (CSR layout, user space) as one item, transformed to device space."""
        xx, yx, xy, yy, x0, y0 = tuple(matrix)
        pts = np.empty_like(coords)
        pts[:, 0] = xx * coords[:, 0] + xy * coords[:, 1] + x0
        pts[:, 1] = yx * coords[:, 0] + yy * coords[:, 1] + y0
        scale = abs(xx * yy - xy * yx) ** 0.5
        paths = [pts[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
        self.add(Item("stroke", self.layer, np.asarray(colors, dtype=float), np.asarray(widths, dtype=float) * scale,
                      paths, [bool(v) for v in closed], clip=clip, where="c.polylines"))

    @property
    def rasters(self) -> list[Item]:
        return [it for it in self.items if it.kind == "raster"]


def _flat_device_path(ctx: cairo.Context) -> tuple[list[np.ndarray], list[bool]]:
    """The current path, flattened to line segments, in device coordinates: (paths, closed flags)."""
    m = ctx.get_matrix()
    ctx.identity_matrix()
    path = ctx.copy_path_flat()
    ctx.set_matrix(m)
    paths, closed, cur = [], [], []
    for kind, pts in path:
        if kind == cairo.PATH_MOVE_TO:
            if len(cur) >= 2:
                paths.append(np.array(cur))
                closed.append(False)
            cur = [pts]
        elif kind == cairo.PATH_LINE_TO:
            cur.append(pts)
        elif kind == cairo.PATH_CLOSE_PATH:
            if len(cur) >= 2:
                paths.append(np.array(cur))
                closed.append(True)
            cur = cur[:1]  # cairo adds a MOVE_TO after a close; keep the start in case it does not
    if len(cur) >= 2:
        paths.append(np.array(cur))
        closed.append(False)
    return paths, closed


def _source_rgba(ctx: cairo.Context) -> tuple | None:
    """The source colour, or None for a surface (raster) source; gradients give their first stop."""
    src = ctx.get_source()
    if isinstance(src, cairo.SolidPattern):
        return tuple(src.get_rgba())
    if isinstance(src, cairo.Gradient):
        stops = src.get_color_stops_rgba()
        return tuple(stops[0][1:]) if stops else (0.0, 0.0, 0.0, 1.0)
    return None


class RetainedContext(cairo.Context):
    """A cairo context that records what is stroked, filled and painted (see module docstring).

    With ``paint=False`` (a plotter render) nothing reaches the surface: the
    drawing is only recorded. With ``paint=True`` it is recorded and drawn.
    """

    def __new__(cls, target, recorder: Recorder, paint: bool = False):
        return super().__new__(cls, target)

    def __init__(self, target, recorder: Recorder, paint: bool = False):
        self.recorder = recorder
        self.paints = paint
        self._stack: list[tuple] = []
        self.clip_id: int | None = None
        self.muted = False  # set while drawing what was already recorded as arrays (Canvas.polylines)

    # -- state: the clip and the pen layer travel with save/restore (Canvas.push), as cairo's state does
    def save(self):
        self._stack.append((self.clip_id, self.recorder.layer))
        super().save()

    def restore(self):
        if self._stack:
            self.clip_id, self.recorder.layer = self._stack.pop()
        super().restore()

    def reset_clip(self):
        self.clip_id = None
        super().reset_clip()

    def _record_clip(self) -> None:
        rings, _ = _flat_device_path(self)
        rings = [r for r in rings if len(r) >= 3]
        rec = self.recorder
        previous = rec.clips[self.clip_id] if self.clip_id is not None else []
        # the new clip is the intersection of the old one with this path (its rings taken as one region)
        rec.clips.append(previous + [rings])
        self.clip_id = len(rec.clips) - 1

    def clip(self):
        self._record_clip()
        super().clip()

    def clip_preserve(self):
        self._record_clip()
        super().clip_preserve()

    # -- drawing
    def _device_width(self) -> float:
        xx, yx, xy, yy, _, _ = tuple(self.get_matrix())
        return self.get_line_width() * abs(xx * yy - xy * yx) ** 0.5

    def _record(self, kind: str) -> None:
        if self.muted:
            return
        paths, closed = _flat_device_path(self)
        if not paths:
            return
        rgba = _source_rgba(self)
        rec = self.recorder
        if rgba is None:
            rec.add(Item("raster", rec.layer, where=f"ctx.{kind} with an image source", clip=self.clip_id))
            return
        if kind == "fill":
            rec.add(Item("fill", rec.layer, rgba, 0.0, paths, [True] * len(paths),
                         even_odd=self.get_fill_rule() == cairo.FILL_RULE_EVEN_ODD, clip=self.clip_id))
        else:
            rec.add(Item("stroke", rec.layer, rgba, self._device_width(), paths, closed, clip=self.clip_id))

    def stroke(self):
        self._record("stroke")
        super().stroke() if self.paints else self.new_path()

    def stroke_preserve(self):
        self._record("stroke")
        if self.paints:
            super().stroke_preserve()

    def fill(self):
        self._record("fill")
        super().fill() if self.paints else self.new_path()

    def fill_preserve(self):
        self._record("fill")
        if self.paints:
            super().fill_preserve()

    def paint(self):
        self._paint("ctx.paint")
        if self.paints:
            super().paint()

    def paint_with_alpha(self, alpha):
        self._paint("ctx.paint_with_alpha")
        if self.paints:
            super().paint_with_alpha(alpha)

    def _paint(self, where: str) -> None:
        rgba = _source_rgba(self)
        rec = self.recorder
        if rgba is None:
            rec.add(Item("raster", rec.layer, where=where, clip=self.clip_id))
        elif self.clip_id is not None:  # a paint inside a clip: the clip region is filled
            rec.add(Item("fill", rec.layer, rgba, 0.0, [], [], clip=self.clip_id, where=where))
        else:
            rec.add(Item("paint", rec.layer, rgba, where=where))

    def mask(self, pattern):
        self.recorder.add(Item("raster", self.recorder.layer, where="ctx.mask", clip=self.clip_id))
        if self.paints:
            super().mask(pattern)

    def mask_surface(self, surface, x=0.0, y=0.0):
        self.recorder.add(Item("raster", self.recorder.layer, where="ctx.mask_surface", clip=self.clip_id))
        if self.paints:
            super().mask_surface(surface, x, y)

    def show_text(self, text):
        """Text becomes its glyph outlines, filled (a plotter hatches or outlines them)."""
        x, y = self.get_current_point()
        if self.paints:
            super().show_text(text)
        self.new_path()
        self.move_to(x, y)
        self.text_path(text)
        self._record("fill")
        self.new_path()
