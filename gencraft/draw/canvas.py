"""The drawing surface: a thin, friendly layer over a pycairo context.

The canvas draws; it never generates. Engines hand it arrays (polylines,
points, density images) and it turns them into pixels or vectors. The same
drawing code writes PNG (an ARGB image surface), SVG and PDF (vector surfaces),
so a sketch is written once and printed at any size.

Coordinates are in pixels of the render size, origin top-left, y down. For
print sizes (``Canvas.for_paper("A3", dpi=300)``) pixels are dots at the given
dpi; vector output is scaled so the page has its true physical size.
"""
from __future__ import annotations

import contextlib
import math
from typing import Iterator, Sequence

import cairo
import numpy as np

from gencraft.draw.color import ColorLike, parse_color

FORMATS = ("png", "svg", "pdf")


BLEND_MODES = {
    "over": cairo.OPERATOR_OVER, "normal": cairo.OPERATOR_OVER, "add": cairo.OPERATOR_ADD,
    "multiply": cairo.OPERATOR_MULTIPLY, "screen": cairo.OPERATOR_SCREEN,
    "overlay": cairo.OPERATOR_OVERLAY, "darken": cairo.OPERATOR_DARKEN,
    "lighten": cairo.OPERATOR_LIGHTEN, "difference": cairo.OPERATOR_DIFFERENCE,
    "soft-light": cairo.OPERATOR_SOFT_LIGHT, "hard-light": cairo.OPERATOR_HARD_LIGHT,
    "color-dodge": cairo.OPERATOR_COLOR_DODGE, "color-burn": cairo.OPERATOR_COLOR_BURN,
    "exclusion": cairo.OPERATOR_EXCLUSION, "hue": cairo.OPERATOR_HSL_HUE,
    "saturation": cairo.OPERATOR_HSL_SATURATION, "color": cairo.OPERATOR_HSL_COLOR,
    "luminosity": cairo.OPERATOR_HSL_LUMINOSITY,
}
CAPS = {"butt": cairo.LINE_CAP_BUTT, "round": cairo.LINE_CAP_ROUND, "square": cairo.LINE_CAP_SQUARE}
JOINS = {"miter": cairo.LINE_JOIN_MITER, "round": cairo.LINE_JOIN_ROUND, "bevel": cairo.LINE_JOIN_BEVEL}


class Canvas:
    """A pycairo surface with p5-like style state and batched array drawing.

    Style works like p5.js/Processing: ``stroke()`` and ``fill()`` set what
    shapes are drawn with until changed; ``no_fill()``/``no_stroke()`` turn one
    off. ``with canvas.push():`` saves and restores style and transform.
    """

    def __init__(self, width: int, height: int, fmt: str = "png", target=None,
                 points_per_px: float = 1.0, retain: bool = False):
        if width < 1 or height < 1:
            raise ValueError(f"canvas size must be positive, got {width}x{height}")
        self.width, self.height, self.format = int(width), int(height), fmt
        self._target = target
        if fmt == "png":
            self.surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, self.width, self.height)
        elif fmt == "svg":
            self.surface = cairo.SVGSurface(target, self.width * points_per_px, self.height * points_per_px)
            self.surface.set_document_unit(cairo.SVGUnit.PT if points_per_px != 1.0 else cairo.SVGUnit.PX)
        elif fmt == "pdf":
            self.surface = cairo.PDFSurface(target, self.width * points_per_px, self.height * points_per_px)
        elif fmt == "plotter":  # record vector geometry only (gencraft.draw.retained); nothing is painted
            self.surface = cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, (0, 0, self.width, self.height))
        else:
            raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
        #: retained geometry (gencraft.draw.retained.Recorder) when recording for a plotter, else None
        self.recorder = None
        if retain or fmt == "plotter":
            from gencraft.draw.retained import Recorder, RetainedContext

            self.recorder = Recorder(self.width, self.height)
            self.ctx = RetainedContext(self.surface, self.recorder, paint=fmt != "plotter")
        else:
            self.ctx = cairo.Context(self.surface)
        if points_per_px != 1.0:
            self.ctx.scale(points_per_px, points_per_px)
        self._stroke: tuple | None = parse_color("#1d1d22")
        self._fill: tuple | None = None
        self._stack: list = []
        self.ctx.set_line_width(1.0)
        self.ctx.set_line_cap(cairo.LINE_CAP_ROUND)
        self.ctx.set_line_join(cairo.LINE_JOIN_ROUND)

    # ------------------------------------------------------------------ size
    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def center(self) -> tuple[float, float]:
        return (self.width / 2.0, self.height / 2.0)

    @property
    def min_side(self) -> int:
        return min(self.width, self.height)

    @property
    def plotter(self) -> bool:
        """True when this render is for a pen plotter (lines only): skip textures and rasters."""
        return self.format == "plotter"

    def layer(self, name: str, color: ColorLike | None = None) -> "Canvas":
        """Put what follows on the named pen layer (plotter output; ignored by raster output).

        Without it, plotter layers follow the stroke colour. ``color`` is the
        pen's colour in previews (default: the first colour drawn on it). The
        layer is part of the state ``push()`` saves and restores.
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"layer name {name!r}: expected a non-empty string")
        if self.recorder is not None:
            self.recorder.layer = name.strip()
            if color is not None:
                self.recorder.layer_colors.setdefault(name.strip(), parse_color(color))
        return self

    # ----------------------------------------------------------------- style
    def background(self, color: ColorLike) -> "Canvas":
        """Fill the whole canvas (ignoring transforms) with a colour."""
        self.ctx.save()
        self.ctx.identity_matrix()
        self.ctx.set_operator(cairo.OPERATOR_SOURCE)
        self.ctx.set_source_rgba(*parse_color(color))
        self.ctx.paint()
        self.ctx.restore()
        return self

    def stroke(self, color: ColorLike, width: float | None = None, alpha: float | None = None,
               cap: str | None = None, join: str | None = None) -> "Canvas":
        """Set the stroke colour (and optionally width, alpha, cap, join)."""
        rgba = parse_color(color)
        if alpha is not None:
            rgba = (*rgba[:3], rgba[3] * alpha)
        self._stroke = rgba
        if width is not None:
            self.stroke_width(width)
        if cap is not None:
            self.ctx.set_line_cap(CAPS[cap])
        if join is not None:
            self.ctx.set_line_join(JOINS[join])
        return self

    def stroke_width(self, width: float) -> "Canvas":
        self.ctx.set_line_width(float(width))
        return self

    def fill(self, color: ColorLike, alpha: float | None = None) -> "Canvas":
        """Set the fill colour for closed shapes."""
        rgba = parse_color(color)
        if alpha is not None:
            rgba = (*rgba[:3], rgba[3] * alpha)
        self._fill = rgba
        return self

    def no_fill(self) -> "Canvas":
        self._fill = None
        return self

    def no_stroke(self) -> "Canvas":
        self._stroke = None
        return self

    def blend(self, mode: str) -> "Canvas":
        """Set the blend mode for what follows ('multiply', 'screen', 'add', ...)."""
        try:
            self.ctx.set_operator(BLEND_MODES[mode])
        except KeyError:
            raise ValueError(f"unknown blend mode {mode!r}: expected one of {', '.join(BLEND_MODES)}") from None
        return self

    # ------------------------------------------------------------- transform
    @contextlib.contextmanager
    def push(self) -> Iterator["Canvas"]:
        """Save style and transform; restore them when the block ends."""
        self.ctx.save()
        saved = (self._stroke, self._fill)
        try:
            yield self
        finally:
            self._stroke, self._fill = saved
            self.ctx.restore()

    def translate(self, x: float, y: float) -> "Canvas":
        self.ctx.translate(x, y)
        return self

    def rotate(self, radians: float) -> "Canvas":
        self.ctx.rotate(radians)
        return self

    def scale(self, sx: float, sy: float | None = None) -> "Canvas":
        self.ctx.scale(sx, sx if sy is None else sy)
        return self

    def clip_rect(self, x: float, y: float, w: float, h: float) -> "Canvas":
        self.ctx.rectangle(x, y, w, h)
        self.ctx.clip()
        return self

    # ---------------------------------------------------------------- shapes
    def _paint_path(self, closed: bool) -> None:
        ctx = self.ctx
        if closed and self._fill is not None:
            ctx.set_source_rgba(*self._fill)
            if self._stroke is not None:
                ctx.fill_preserve()
            else:
                ctx.fill()
                return
        if self._stroke is not None:
            ctx.set_source_rgba(*self._stroke)
            ctx.stroke()
        else:
            ctx.new_path()

    def line(self, x0: float, y0: float, x1: float, y1: float) -> "Canvas":
        self.ctx.move_to(x0, y0)
        self.ctx.line_to(x1, y1)
        self._paint_path(closed=False)
        return self

    def polyline(self, points: Sequence[Sequence[float]] | np.ndarray, closed: bool = False) -> "Canvas":
        pts = np.asarray(points, dtype=float)
        if len(pts) < 2:
            return self
        ctx = self.ctx
        ctx.move_to(pts[0, 0], pts[0, 1])
        for x, y in pts[1:].tolist():
            ctx.line_to(x, y)
        if closed:
            ctx.close_path()
        self._paint_path(closed=closed)
        return self

    def polygon(self, points) -> "Canvas":
        return self.polyline(points, closed=True)

    def circle(self, x: float, y: float, r: float) -> "Canvas":
        self.ctx.new_sub_path()
        self.ctx.arc(x, y, max(r, 0.0), 0.0, 2 * math.pi)
        self._paint_path(closed=True)
        return self

    def ellipse(self, x: float, y: float, rx: float, ry: float) -> "Canvas":
        with self.push():
            self.ctx.translate(x, y)
            self.ctx.scale(max(rx, 1e-9), max(ry, 1e-9))
            self.ctx.new_sub_path()
            self.ctx.arc(0.0, 0.0, 1.0, 0.0, 2 * math.pi)
        # restore() keeps the path in device space, so the stroke is not squashed
        self._paint_path(closed=True)
        return self

    def rect(self, x: float, y: float, w: float, h: float) -> "Canvas":
        self.ctx.rectangle(x, y, w, h)
        self._paint_path(closed=True)
        return self

    def bezier(self, p0, c0, c1, p1) -> "Canvas":
        """A cubic Bézier from p0 to p1 with control points c0, c1."""
        self.ctx.move_to(*p0)
        self.ctx.curve_to(*c0, *c1, *p1)
        self._paint_path(closed=False)
        return self

    def points(self, xy: np.ndarray, radius: float = 1.0) -> "Canvas":
        """Many dots of one radius, filled with the fill (or stroke) colour, one fill call."""
        xy = np.asarray(xy, dtype=float)
        color = self._fill or self._stroke
        if color is None or len(xy) == 0:
            return self
        ctx = self.ctx
        for x, y in xy.tolist():
            ctx.new_sub_path()
            ctx.arc(x, y, radius, 0.0, 2 * math.pi)
        ctx.set_source_rgba(*color)
        ctx.fill()
        return self

    # -------------------------------------------------------- batched arrays
    def polylines(self, coords: np.ndarray, offsets: np.ndarray | None = None, *,
                  colors: np.ndarray | Sequence | None = None, widths: np.ndarray | None = None,
                  closed: bool | np.ndarray = False) -> "Canvas":
        """Draw many polylines from arrays in one go.

        ``coords`` is (N, 2) points; ``offsets`` (M+1,) gives where each of the M
        polylines starts (CSR layout: polyline i is ``coords[offsets[i]:offsets[i+1]]``).
        Alternatively pass a list of (k, 2) arrays as ``coords``. Per-polyline
        ``colors`` (M, 3|4), ``widths`` (M,) and ``closed`` (M,) are optional.

        Each polyline is stroked on its own, in order, exactly as a loop of
        ``move_to``/``line_to``/``stroke`` would draw it (translucent curves
        build up where they cross), but without a Python call per point, and
        on several cores for big images (see gencraft.draw.polylines).
        """
        from gencraft.draw.polylines import _style_arrays, stroke_polylines

        if offsets is None:
            parts = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in coords]
            lengths = np.array([len(p) for p in parts], dtype=np.int64)
            offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
            coords = np.concatenate(parts) if parts else np.zeros((0, 2))
        if self.recorder is not None and len(offsets) > 1 and (self._stroke is not None or colors is not None):
            coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
            offsets = np.asarray(offsets, dtype=np.int64)
            col, wid, clo = _style_arrays(len(offsets) - 1, colors, widths, closed,
                                          self._stroke or (0.0, 0.0, 0.0, 1.0), self.ctx.get_line_width())
            self.recorder.strokes(coords, offsets, col, wid, clo, self.ctx.get_matrix(), self.ctx.clip_id)
            if self.plotter:
                return self
            self.ctx.muted = True  # drawn below as well as recorded above: not twice
        try:
            stroke_polylines(self, np.asarray(coords, dtype=np.float64), np.asarray(offsets, dtype=np.int64),
                             colors=colors, widths=widths, closed=closed)
        finally:
            if self.recorder is not None:
                self.ctx.muted = False
        return self

    def image(self, rgba: np.ndarray, x: float = 0.0, y: float = 0.0, alpha: float = 1.0,
              width: float | None = None, height: float | None = None) -> "Canvas":
        """Composite an (H, W, 3|4) float [0,1] or uint8 image (e.g. a density render)."""
        if self.plotter:  # a plotter cannot draw pixels: recorded so the plotter path can say so
            from gencraft.draw.retained import Item

            self.recorder.add(Item("raster", self.recorder.layer, where="c.image", clip=self.ctx.clip_id))
            return self
        surface = array_to_surface(rgba)
        with self.push():
            self.ctx.translate(x, y)
            h, w = surface.get_height(), surface.get_width()
            if width is not None or height is not None:
                self.ctx.scale((width or w) / w, (height or h) / h)
            self.ctx.set_source_surface(surface, 0, 0)
            self.ctx.get_source().set_filter(cairo.FILTER_GOOD)
            self.ctx.paint_with_alpha(alpha)
        return self

    def text(self, x: float, y: float, s: str, size: float = 16.0, font: str = "sans-serif",
             align: str = "left") -> "Canvas":
        ctx = self.ctx
        ctx.select_font_face(font, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
        ctx.set_font_size(size)
        ext = ctx.text_extents(s)
        dx = {"left": 0.0, "center": -ext.x_advance / 2, "right": -ext.x_advance}[align]
        ctx.move_to(x + dx, y)
        ctx.set_source_rgba(*(self._fill or self._stroke or (0, 0, 0, 1)))
        ctx.show_text(s)
        ctx.new_path()
        return self

    def filter(self, fn) -> "Canvas":
        """Replace the raster with ``fn(rgba)``: a finishing pass over everything drawn so far.

        ``fn`` takes the (H, W, 4) uint8 straight-RGBA pixels and returns a new
        array of the same shape (e.g. ``gencraft.sim.finish_paper``'s paper and
        grain). On SVG/PDF canvases it does nothing: there are no pixels.
        """
        if self.format != "png":
            return self
        surface = self.surface
        surface.flush()
        out = np.asarray(fn(surface_to_rgba(surface)))
        h, w, stride = surface.get_height(), surface.get_width(), surface.get_stride()
        if out.shape != (h, w, 4) or out.dtype != np.uint8:
            raise ValueError(f"filter function must return an ({h}, {w}, 4) uint8 array, "
                             f"got shape {out.shape} dtype {out.dtype}")
        buf = np.ndarray((h, stride // 4, 4), dtype=np.uint8, buffer=surface.get_data())[:, :w]
        a = out[..., 3:4]
        if (a == 255).all():
            buf[..., :3] = out[..., 2::-1]
        else:  # cairo stores premultiplied colour
            buf[..., :3] = ((out[..., 2::-1].astype(np.uint16) * a.astype(np.uint16) + 127) // 255).astype(np.uint8)
        buf[..., 3] = out[..., 3]
        surface.mark_dirty()
        return self

    # ---------------------------------------------------------------- output
    def to_array(self) -> np.ndarray:
        """The PNG canvas as an (H, W, 4) uint8 RGBA array (un-premultiplied)."""
        if self.format != "png":
            raise ValueError("to_array() needs a raster (png) canvas")
        kept = getattr(self, "_finished_pixels", None)
        if kept is not None:  # finished: cairo has freed the surface's memory, read the copy kept at finish()
            return kept.copy()
        self.surface.flush()
        return surface_to_rgba(self.surface)

    def finish(self) -> None:
        """Finish the surface (vector files are complete after this); a raster canvas keeps its pixels."""
        if getattr(self, "_finished", False):
            return
        self.surface.flush()
        if self.format == "png":
            self._finished_pixels = surface_to_rgba(self.surface)
        self.surface.finish()
        self._finished = True

    # ------------------------------------------------------------- notebooks
    def _repr_png_(self) -> bytes | None:
        """Jupyter shows a raster canvas inline (a plain method: nothing imports IPython)."""
        if self.format != "png":
            return None
        import io

        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(self.to_array(), "RGBA").save(buf, format="PNG", compress_level=1)
        return buf.getvalue()

    def _repr_svg_(self) -> str | None:
        """A finished SVG canvas written to a buffer (``target=io.BytesIO()``) shows inline."""
        getvalue = getattr(getattr(self, "_target", None), "getvalue", None) if self.format == "svg" else None
        if getvalue is None or not getattr(self, "_finished", False):
            return None
        return getvalue().decode("utf-8")


def surface_to_rgba(surface: cairo.ImageSurface) -> np.ndarray:
    """Cairo's premultiplied BGRA (little-endian ARGB32) to straight RGBA uint8."""
    h, w, stride = surface.get_height(), surface.get_width(), surface.get_stride()
    buf = np.ndarray((h, stride // 4, 4), dtype=np.uint8, buffer=surface.get_data())[:, :w]
    if buf[..., 3].min() == 255:  # opaque (the usual case): premultiplied == straight
        out = np.empty((h, w, 4), dtype=np.uint8)
        out[..., :3] = buf[..., 2::-1]
        out[..., 3] = 255
        return out
    bgra = buf.astype(np.uint16)
    a = bgra[..., 3:4]
    rgb = bgra[..., 2::-1]
    safe = np.maximum(a, 1)
    out_rgb = np.where(a > 0, (rgb * 255 + safe // 2) // safe, 0)
    return np.concatenate([np.minimum(out_rgb, 255), a], axis=-1).astype(np.uint8)


def array_to_surface(rgba: np.ndarray) -> cairo.ImageSurface:
    """An (H, W, 3|4) image (float [0,1] or uint8) as a premultiplied cairo surface."""
    arr = np.asarray(rgba)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise ValueError(f"image must be (H, W, 3|4), got shape {arr.shape}")
    h, w = arr.shape[:2]
    if arr.shape[2] == 3:
        arr = np.concatenate([arr, np.full((h, w, 1), 255, np.uint8)], axis=2)
    a = arr[..., 3:4].astype(np.uint16)
    pre = ((arr[..., :3].astype(np.uint16) * a + 127) // 255).astype(np.uint8)
    bgra = np.ascontiguousarray(np.concatenate([pre[..., ::-1], arr[..., 3:4]], axis=2))
    stride = cairo.ImageSurface.format_stride_for_width(cairo.FORMAT_ARGB32, w)
    data = np.zeros((h, stride), dtype=np.uint8)
    data[:, : w * 4] = bgra.reshape(h, w * 4)
    return cairo.ImageSurface.create_for_data(memoryview(data), cairo.FORMAT_ARGB32, w, h, stride)
