"""Glue between turtle output and the canvas: project, fit, colour, stroke.

The turtle returns arrays; this module turns them into pixel coordinates
(y down) and hands them to ``Canvas.polylines`` — one batched call, or, when
depth sorting is asked for, one call per depth layer drawn back to front.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gencraft.draw.color import parse_color
from gencraft.lsystem.turtle import Projection, TurtleResult


@dataclass
class Fit:
    """The transform from projected turtle space to pixels: px = (x*s + tx, -y*s + ty)."""

    scale: float
    tx: float
    ty: float

    def apply(self, xy: np.ndarray) -> np.ndarray:
        out = np.empty_like(xy, dtype=np.float64)
        out[:, 0] = xy[:, 0] * self.scale + self.tx
        out[:, 1] = -xy[:, 1] * self.scale + self.ty
        return out


def fit_box(bbox, box: tuple[float, float, float, float], margin: float = 0.0, anchor: str = "center") -> Fit:
    """Scale and place ``bbox`` (xmin, ymin, xmax, ymax; y up) inside the pixel ``box`` (x, y, w, h).

    ``anchor="bottom"`` stands the drawing on the bottom edge of the box (plants).
    """
    x0, y0, x1, y1 = bbox
    bx, by, bw, bh = box
    w, h = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    avail_w, avail_h = bw * (1 - 2 * margin), bh * (1 - 2 * margin)
    s = min(avail_w / w, avail_h / h)
    tx = bx + bw / 2 - (x0 + x1) / 2 * s
    if anchor == "bottom":
        ty = by + bh - bh * margin + y0 * s
    else:
        ty = by + bh / 2 + (y0 + y1) / 2 * s
    return Fit(s, tx, ty)


def _rgba_table(colors, n_index: int, default) -> np.ndarray:
    if colors is None:
        return np.array([parse_color(default)], dtype=np.float64)
    table = np.array([parse_color(c) for c in colors], dtype=np.float64)
    return table if len(table) else np.array([parse_color(default)])


def draw_turtle(canvas, shape: TurtleResult | Projection, *, view: tuple[float, float] = (0.0, 0.0),
                box: tuple[float, float, float, float] | None = None, margin: float = 0.06,
                anchor: str = "center", fit: Fit | None = None, colors=None, line_width: float | None = None,
                width_scale: float = 1.0, depth_sort: bool = False, layers: int = 12, fog: float = 0.0,
                fog_color=None, alpha: float = 1.0) -> Fit:
    """Draw turtle output fitted into ``box`` (default: the whole canvas).

    ``colors``: a list of colours indexed by the turtle's colour index
    (cycled); default the canvas stroke colour. Pixel width is
    ``line_width * turtle width`` (``line_width`` defaults to a value that
    suits the drawing's scale). With ``depth_sort`` segments are drawn far to
    near in ``layers`` batched calls, and ``fog`` (0..1) mixes far segments
    towards ``fog_color``. Returns the :class:`Fit` used, so further shapes
    can share it.
    """
    proj = shape.project(*view) if isinstance(shape, TurtleResult) else shape
    if box is None:
        box = (0.0, 0.0, float(canvas.width), float(canvas.height))
    if fit is None:
        fit = fit_box(proj.bbox(), box, margin, anchor)
    if len(proj.offsets) < 2:
        return fit
    if line_width is None:
        # aim for ink covering about 7% of the box, so dense curves stay open
        seg = np.diff(proj.coords, axis=0) * fit.scale
        starts = np.ones(len(seg), dtype=bool)
        starts[proj.offsets[1:-1] - 1] = False  # no segment joins two polylines
        total = float(np.hypot(seg[starts, 0], seg[starts, 1]).sum()) if len(seg) else 1.0
        line_width = float(np.clip(0.07 * box[2] * box[3] / max(total, 1e-9), 0.35, 2.5))
    stroke = canvas._stroke or (0.1, 0.1, 0.12, 1.0)
    table = _rgba_table(colors, int(proj.colors.max()) + 1 if len(proj.colors) else 1, stroke)
    if alpha != 1.0:
        table = table.copy()
        table[:, 3] *= alpha
    if not depth_sort:
        px = fit.apply(proj.coords)
        rgba = table[proj.colors % len(table)]
        canvas.polylines(px, proj.offsets, colors=rgba, widths=np.round(proj.widths * line_width * width_scale, 2))
        return fit
    a, b, depth, widths, cidx = proj.segments()
    order = np.argsort(-depth, kind="stable")
    a, b, depth, widths, cidx = a[order], b[order], depth[order], widths[order], cidx[order]
    rgba = table[cidx % len(table)]
    if fog > 0 and len(depth):
        lo, hi = float(depth.min()), float(depth.max())
        t = (depth - lo) / max(hi - lo, 1e-9)           # 0 near .. 1 far
        t = np.round(t * 8) / 8                          # few distinct styles keep batching effective
        fc = np.array(parse_color(fog_color or stroke), dtype=np.float64)
        k = (fog * t)[:, None]
        rgba = rgba * (1 - k) + fc[None, :] * k
    pts = np.empty((2 * len(a), 2))
    pts[0::2], pts[1::2] = fit.apply(a), fit.apply(b)
    w = np.round(widths * line_width * width_scale, 2)
    bounds = np.linspace(0, len(a), max(1, layers) + 1).astype(np.int64)
    for s0, s1 in zip(bounds[:-1], bounds[1:]):
        if s1 <= s0:
            continue
        offs = np.arange(0, 2 * (s1 - s0) + 1, 2, dtype=np.int64)
        canvas.polylines(pts[2 * s0:2 * s1], offs, colors=rgba[s0:s1], widths=w[s0:s1])
    return fit


def fit_scene(parts, view=(0.0, 0.0), box=(0.0, 0.0, 1.0, 1.0), margin: float = 0.06,
              anchor: str = "center") -> Fit:
    """The :class:`Fit` that :func:`draw_scene` would use (to draw a backdrop first)."""
    boxes = [shape.project(*view).bbox() for shape, _, _ in parts if shape.polyline_count]
    if not boxes:
        return Fit(1.0, box[0] + box[2] / 2, box[1] + box[3] / 2)
    arr = np.array(boxes)
    return fit_box((arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max()), box, margin, anchor)


def draw_scene(canvas, parts, *, view: tuple[float, float] = (0.0, 0.0),
               box: tuple[float, float, float, float] | None = None, margin: float = 0.06,
               anchor: str = "center", fit: Fit | None = None, line_width: float = 1.0, layers: int = 16,
               fog: float = 0.0, fog_color=None, fog_range: tuple[float, float] | None = None) -> Fit:
    """Draw several turtle results as one depth-sorted scene (a garden of plants).

    ``parts`` is a list of ``(shape, colors, width_scale)``: each shape's colour
    indices pick from its own ``colors``. All segments of all parts are sorted
    far to near together, so a near plant's leaves cover a far plant's trunk,
    and drawn in ``layers`` batched ``Canvas.polylines`` calls. ``fog`` mixes
    segments towards ``fog_color`` with depth (over ``fog_range`` if given).
    """
    segs = []
    if box is None:
        box = (0.0, 0.0, float(canvas.width), float(canvas.height))
    if fit is None:
        fit = fit_scene(parts, view, box, margin, anchor)
    for shape, colors, wscale in parts:
        proj = shape.project(*view) if isinstance(shape, TurtleResult) else shape
        if len(proj.offsets) < 2:
            continue
        a, b, depth, widths, cidx = proj.segments()
        table = _rgba_table(colors, 1, canvas._stroke or (0.1, 0.1, 0.12, 1.0))
        segs.append((a, b, depth, widths * wscale, table[cidx % len(table)]))
    if not segs:
        return fit or Fit(1.0, 0.0, 0.0)
    a, b, depth, widths, rgba = (np.concatenate([s[k] for s in segs]) for k in range(5))
    order = np.argsort(-depth, kind="stable")
    a, b, depth, widths, rgba = a[order], b[order], depth[order], widths[order], rgba[order]
    if fog > 0:
        lo, hi = fog_range or (float(depth.min()), float(depth.max()))
        t = np.clip((depth - lo) / max(hi - lo, 1e-9), 0, 1)
        t = np.round(t * 10) / 10
        fc = np.array(parse_color(fog_color or "#ffffff"), dtype=np.float64)
        k = (fog * t)[:, None]
        rgba = rgba * (1 - k) + fc[None, :] * k
    pts = np.empty((2 * len(a), 2))
    pts[0::2], pts[1::2] = fit.apply(a), fit.apply(b)
    w = np.round(np.maximum(widths * line_width * fit.scale, 0.35), 1)
    bounds = np.linspace(0, len(a), max(1, layers) + 1).astype(np.int64)
    for s0, s1 in zip(bounds[:-1], bounds[1:]):
        if s1 > s0:
            canvas.polylines(pts[2 * s0:2 * s1], np.arange(0, 2 * (s1 - s0) + 1, 2, dtype=np.int64),
                             colors=rgba[s0:s1], widths=w[s0:s1])
    return fit


def render_lsystem(system, n: int | None = None, size: tuple[int, int] = (1000, 1000), fmt: str = "png",
                   rng=None, heading: float | None = None, view: tuple[float, float] | None = None,
                   background="#f4efe6", colors=None, max_modules: int | None = None,
                   recipe: dict | None = None) -> bytes:
    """Derive, interpret and draw a system; PNG, SVG or PDF bytes (what ``gencraft lsystem -o`` writes).

    A ``recipe`` (see :func:`lsystem_recipe`) is stored in the file as every gencraft image stores one.
    """
    import io
    import json

    from gencraft.draw.canvas import Canvas
    from gencraft.provenance import encode_png
    from gencraft.lsystem.rewrite import DEFAULT_MAX_MODULES, derive
    from gencraft.lsystem.turtle import interpret

    word = derive(system, n, rng=rng, max_modules=max_modules or DEFAULT_MAX_MODULES)
    shape = interpret(system, word, heading=heading)
    view = tuple(system.view) if view is None else view
    three_d = shape.xy_or_xyz.shape[1] == 3
    if colors is None:
        n_colors = int(shape.colors.max()) + 1 if len(shape.colors) else 1
        colors = ["#1d1d22"] if n_colors == 1 else ["#4a3426", "#2d4a22", "#5b8c3a", "#a3c45b", "#d9c45b"]
    buf = io.BytesIO()
    canvas = Canvas(size[0], size[1], fmt, target=None if fmt == "png" else buf)
    if fmt == "pdf":
        import cairo

        from gencraft.provenance import PDF_RECIPE_PREFIX, recipe_json

        canvas.surface.set_metadata(cairo.PDFMetadata.CREATOR, "gencraft")
        canvas.surface.set_metadata(cairo.PDFMetadata.CREATE_DATE, "2000-01-01T00:00:00Z")
        if recipe is not None:
            canvas.surface.set_metadata(cairo.PDFMetadata.KEYWORDS, PDF_RECIPE_PREFIX + recipe_json(recipe))
    canvas.background(background)
    draw_turtle(canvas, shape, view=view, colors=colors, depth_sort=three_d, fog=0.3 if three_d else 0.0,
                fog_color=background)
    if fmt == "png":
        info = {"name": system.name, "figure": system.figure, "n": system.n if n is None else n,
                "angle": system.angle, "modules": len(word), "segments": shape.draw_count}
        return encode_png(canvas.to_array(), recipe, {"gencraft.lsystem": json.dumps(info, sort_keys=True)})
    canvas.finish()
    if fmt == "svg" and recipe is not None:
        from gencraft.provenance import svg_with_recipe

        return svg_with_recipe(buf.getvalue(), recipe)
    return buf.getvalue()


def lsystem_recipe(label: str, text: str, overrides: dict, seed, size, fmt: str, heading=None, view=None,
                   max_modules: int | None = None) -> dict:
    """The recipe of an L-system render: the grammar text itself (data), the overrides and the seed.

    ``gencraft reproduce`` parses the text again; nothing in it is executed.
    """
    from gencraft import __version__

    kept = {}
    for key, value in overrides.items():
        if value is not None:
            kept[key] = sorted(value) if isinstance(value, (set, frozenset)) else value
    return {"gencraft": __version__, "command": "lsystem", "source": label, "text": text, "overrides": kept,
            "seed": str(seed), "size": [int(size[0]), int(size[1])], "format": fmt,
            "heading": heading, "view": None if view is None else [float(v) for v in view],
            "max_modules": max_modules}


def render_lsystem_recipe(recipe: dict) -> bytes:
    """Re-render an L-system from its recipe (the bytes ``gencraft lsystem`` wrote)."""
    from gencraft.lsystem.grammar import parse_lsystem
    from gencraft.seeds import parse_seed

    overrides = dict(recipe.get("overrides") or {})
    for key in ("draw", "ignore", "move"):
        if key in overrides:
            overrides[key] = set(overrides[key])
    system = parse_lsystem(recipe["text"], source=recipe["source"], **overrides)
    view = recipe.get("view")
    return render_lsystem(system, size=tuple(recipe["size"]), fmt=recipe["format"],
                          rng=parse_seed(recipe["seed"]).rng(), heading=recipe.get("heading"),
                          view=None if view is None else tuple(view), max_modules=recipe.get("max_modules"),
                          recipe=recipe)
