"""Sketch to pen plotter: a layered, optimised, millimetre-sized SVG (or G-code, or HPGL) with its recipe.

The path (``gencraft render SKETCH -o plot.svg --plotter``)::

    sketch draws on a recording canvas (Canvas(..., "plotter"): gencraft.draw.retained)
      -> the background is dropped (it is the paper); rasters are refused
      -> fills become hatching + outline (gencraft.geometry.hatch), or outlines
      -> hidden lines: each line is cut by the opaque fills drawn after it
         (gencraft.geometry.hidden_lines, shapely)
      -> pen layers: one per stroke colour, or as the sketch names them (c.layer)
      -> the canvas is scaled into the page less its margin (or by --scale), in mm
      -> a vpype Document; vpype's linemerge, reloop, linesort, linesimplify
      -> layered SVG with the recipe / G-code (vpype-gcode) / HPGL (vpype)

This module glues an engine (geometry) to the drawing layer, so it lives
beside :mod:`gencraft.render` rather than in ``draw/`` (which imports no
engine). vpype is the optional ``plotter`` extra.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gencraft.errors import UserError

PLOT_FORMATS = {".svg": "svg", ".gcode": "gcode", ".nc": "gcode", ".gc": "gcode", ".hpgl": "hpgl", ".plt": "hpgl"}
FILL_MODES = ("hatch", "outline", "none")
OPAQUE = 0.95          # a fill at least this opaque hides what is behind it
PAPER_TOLERANCE = 0.03  # a fill within this (RGB, 0-1) of the paper colour is the paper: it hides, draws nothing
GCODE_RECIPE_PREFIX = "; gencraft:recipe="
MAX_PEN_MM = 1.0        # a layer's pen width follows its strokes' median width, capped at a broad marker


@dataclass
class PlotterOptions:
    """How a drawing becomes a plot; every field is recorded in the plot's recipe."""

    page: str | None = None          # "A3", "297x420mm", "11x17in"; None: the sketch's PAPER, else A4
    margin_mm: float = 10.0
    scale: float | None = None       # mm per canvas pixel; None: fit the page less its margin
    fill: str = "hatch"              # filled shapes: hatch (+ outline), outline, none
    hatch_mm: float = 0.8            # hatch line spacing
    hatch_angle: float = 45.0        # degrees
    occlude: bool = True             # remove lines hidden by later opaque fills
    optimise: bool = True            # vpype linemerge, reloop, linesort, linesimplify
    tolerance_mm: float = 0.1        # merge gap and simplify tolerance
    pen_mm: float | None = None      # pen width for every layer; None: from the stroke widths
    landscape: bool | None = None    # turn the page; None: as the drawing is

    def check(self) -> "PlotterOptions":
        def positive(name, v, allow_zero=False):
            ok = isinstance(v, (int, float)) and math.isfinite(v) and (v >= 0 if allow_zero else v > 0)
            if not ok:
                raise UserError(f"{name} {v!r}: expected a {'non-negative' if allow_zero else 'positive'} number")

        positive("--margin", self.margin_mm, allow_zero=True)
        positive("--hatch", self.hatch_mm)
        positive("--tolerance", self.tolerance_mm, allow_zero=True)
        if self.scale is not None:
            positive("--scale", self.scale)
        if self.pen_mm is not None:
            positive("--pen", self.pen_mm)
        if self.fill not in FILL_MODES:
            raise UserError(f"--fill {self.fill!r}: expected one of {', '.join(FILL_MODES)}")
        if not math.isfinite(self.hatch_angle):
            raise UserError(f"--hatch-angle {self.hatch_angle!r}: expected a finite number of degrees")
        return self

    def to_json(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------------ page
_LENGTH = {"mm": 1.0, "cm": 10.0, "in": 25.4}


def parse_page(text: str) -> tuple[tuple[float, float] | None, tuple[int, int] | None]:
    """A page for a plot: ``(page_mm or None, canvas_px or None)``.

    'A3' or 'A3@300' (a paper; with a dpi the canvas gets that many pixels),
    '297x420mm', '11x17in', '30x40cm' (a page), '1600x1200' (canvas pixels only).
    """
    from gencraft.sizes import PAPER_MM, mm_to_px

    s = str(text).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(mm|cm|in)?\s*[xX×]\s*(\d+(?:\.\d+)?)\s*(mm|cm|in)?", s)
    if m and (m.group(2) or m.group(4)):
        unit = _LENGTH[m.group(4) or m.group(2)]
        w, h = float(m.group(1)) * _LENGTH[m.group(2) or m.group(4)], float(m.group(3)) * unit
        if not (w > 0 and h > 0) or max(w, h) > 10_000:
            raise UserError(f"size {s!r}: expected a page between 0 and 10 m a side")
        return (w, h), None
    paper = {k.lower(): v for k, v in PAPER_MM.items()}
    m = re.fullmatch(r"([A-Za-z0-9]+)(?:@(\d+)(?:dpi)?)?", s)
    if m and m.group(1).lower() in paper:
        wmm, hmm = paper[m.group(1).lower()]
        px = (mm_to_px(wmm, int(m.group(2))), mm_to_px(hmm, int(m.group(2)))) if m.group(2) else None
        return (float(wmm), float(hmm)), px
    from gencraft.render import parse_size

    try:
        return None, parse_size(s)
    except UserError:
        raise UserError(f"size {s!r}: expected a paper (e.g. A3; papers: {', '.join(PAPER_MM)}), a page such as "
                        "297x420mm or 11x17in, or WIDTHxHEIGHT canvas pixels") from None


@dataclass
class Layout:
    """Where the canvas lands on the page: page size, canvas pixels, mm per pixel, top-left offset (mm)."""

    page_mm: tuple[float, float]
    canvas_px: tuple[int, int]
    scale: float
    offset_mm: tuple[float, float]
    margin_mm: float

    def to_json(self) -> dict:
        return {"page_mm": [round(v, 3) for v in self.page_mm], "margin_mm": self.margin_mm,
                "mm_per_px": round(self.scale, 9), "offset_mm": [round(v, 4) for v in self.offset_mm]}


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def plan_layout(sketch, size: Any, options: PlotterOptions) -> Layout:
    """Page, canvas size and placement (see the README's plotter section for the rules)."""
    page, canvas = (None, None)
    if size is not None:
        page, canvas = parse_page(size) if not isinstance(size, tuple) else (None, tuple(size))
    page_text = options.page or (getattr(sketch.module, "PAPER", None) if page is None else None)
    if page is None and page_text is not None:
        page, _ = parse_page(str(page_text))
        if page is None:
            raise UserError(f"paper {page_text!r}: expected a paper or a page in mm/in, e.g. A3 or 297x420mm")
    margin = float(options.margin_mm)
    if canvas is None:
        default = sketch.default_size
        if page is None or options.scale is not None:  # a stated scale is mm per pixel of the sketch's canvas
            canvas = default
        else:  # the canvas takes the printable area's shape, at the sketch's own scale (its long side)
            pw, ph = _oriented(page, options.landscape, default)
            aw, ah = pw - 2 * margin, ph - 2 * margin
            if aw > 0 and ah > 0:
                long_side = max(default)
                canvas = ((long_side, max(1, round(long_side * ah / aw))) if aw >= ah
                          else (max(1, round(long_side * aw / ah)), long_side))
            else:
                canvas = default
    if page is None:
        page = (210.0, 297.0)
    page = _oriented(page, options.landscape, canvas)
    pw, ph = page
    aw, ah = pw - 2 * margin, ph - 2 * margin
    if aw <= 0 or ah <= 0:
        side = "width" if aw <= 0 else "height"
        raise UserError(f"--margin {_fmt(margin)} mm leaves no room on a {_fmt(pw)}x{_fmt(ph)} mm page "
                        f"(its {side} is {_fmt(pw if aw <= 0 else ph)} mm); expected a margin under "
                        f"{_fmt(min(pw, ph) / 2)} mm")
    cw, ch = canvas
    if options.scale is None:
        scale = min(aw / cw, ah / ch)
    else:
        scale = float(options.scale)
        over = [(name, have * scale - room) for name, have, room in (("wide", cw, aw), ("tall", ch, ah))
                if have * scale - room > 1e-9]
        if over:
            detail = " and ".join(f"{_fmt(d)} mm too {name}" for name, d in over)
            raise UserError(f"the drawing ({_fmt(cw * scale)}x{_fmt(ch * scale)} mm at --scale {scale:g} mm/px) does "
                            f"not fit the {_fmt(pw)}x{_fmt(ph)} mm page less {_fmt(margin)} mm margins "
                            f"({_fmt(aw)}x{_fmt(ah)} mm): {detail}; expected a larger page, a smaller margin "
                            "or a smaller --scale")
    offset = ((pw - cw * scale) / 2, (ph - ch * scale) / 2)
    return Layout((pw, ph), (int(cw), int(ch)), scale, offset, margin)


def _oriented(page, landscape, like) -> tuple[float, float]:
    w, h = page
    if landscape is None:
        wide = like[0] > like[1]
        if like[0] == like[1]:
            return (w, h)
    else:
        wide = bool(landscape)
    return (max(w, h), min(w, h)) if wide else (min(w, h), max(w, h))


# ------------------------------------------------------------ recorded -> pens
@dataclass
class _Entry:
    key: str
    named: bool
    rgba: tuple
    widths: list
    lines: list
    shape: Any = None


@dataclass
class Plot:
    """A finished plot: the vpype document, its layout, stats before/after optimising, and the recipe."""

    doc: Any
    layout: Layout
    before: Any
    after: Any
    recipe: dict
    notes: list = field(default_factory=list)

    def summary(self) -> str:
        w, h = self.layout.page_mm
        lines = [f"page {_fmt(w)}x{_fmt(h)} mm, drawing {_fmt(self.layout.canvas_px[0] * self.layout.scale)}x"
                 f"{_fmt(self.layout.canvas_px[1] * self.layout.scale)} mm, layers: "
                 + ", ".join(str(self.doc.layers[i].property("vp_name")) for i in sorted(self.doc.layers)),
                 f"drawing order: {self.before.text()}"]
        if self.after is not self.before:
            lines.append(f"optimised:     {self.after.text()}")
        return "\n".join(lines + self.notes)


def _is_paper(rgba, paper) -> bool:
    return max(abs(float(a) - float(b)) for a, b in zip(rgba[:3], paper[:3])) <= PAPER_TOLERANCE


def _polygonal(geom):
    """The polygonal part of a shapely geometry (valid), or None when it has no area."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and g.area > 1e-9]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else _polygonal_parts(shapely.union_all(parts), MultiPolygon)


def _polygonal_parts(geom, multi):
    from shapely.geometry import Polygon

    if isinstance(geom, (Polygon, multi)):
        return geom
    import shapely

    return multi([g for g in shapely.get_parts(geom) if isinstance(g, Polygon)])


def _rings_shape(rings, even_odd: bool):
    """Filled rings as one shape: even-odd is the XOR of the rings; winding unions rings of the main
    orientation and cuts those turning the other way (holes), as cairo fills them."""
    import shapely
    from shapely.geometry import Polygon

    polys = []
    for r in rings:
        if len(r) >= 3:
            p = Polygon(r)
            if not p.is_valid:
                p = _polygonal(p)
            if p is not None and p.area > 1e-9:
                polys.append((p, _signed_area(r)))
    if not polys:
        return None
    if even_odd:
        out = polys[0][0]
        for p, _ in polys[1:]:
            out = shapely.symmetric_difference(out, p)
        return _polygonal(out)
    main = max(polys, key=lambda t: abs(t[1]))[1] >= 0
    keep = [p for p, a in polys if (a >= 0) == main]
    cut = [p for p, a in polys if (a >= 0) != main]
    out = shapely.union_all(keep)
    if cut:
        out = shapely.difference(out, shapely.union_all(cut))
    return _polygonal(out)


def _signed_area(r) -> float:
    x, y = r[:, 0], r[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _clip_shape(rec, clip_id, cache):
    if clip_id is None:
        return None
    if clip_id not in cache:
        import shapely

        shape = None
        for rings in rec.clips[clip_id]:
            region = _rings_shape(rings, False)
            if region is None:
                shape = shapely.Polygon()
                break
            shape = region if shape is None else shapely.intersection(shape, region)
        cache[clip_id] = shape
    return cache[clip_id]


def _clip_lines(lines, clip):
    if clip is None:
        return lines
    import shapely

    from gencraft.geometry.polygons import shape_polylines

    if clip.is_empty:
        return []
    geoms = shapely.linestrings(lines) if lines else []
    return shape_polylines(shapely.intersection(geoms, clip)) if len(geoms) else []


def _closed(path, closed):
    return np.vstack([path, path[:1]]) if closed and len(path) >= 2 and not np.array_equal(path[0], path[-1]) \
        else path


def pen_entries(rec, options: PlotterOptions, scale: float, where: str = "the sketch") -> tuple[list, list]:
    """Recorded items -> entries (key, colour, lines in canvas px, occluding shape), back to front; plus notes."""
    import shapely

    from gencraft.geometry import hatch, hidden_lines
    from gencraft.geometry.polygons import shape_polylines

    items = rec.items
    rasters = [it for it in items if it.kind == "raster"]
    inked = [it for it in items if it.kind in ("stroke", "fill")]
    if rasters:
        kinds = sorted({it.where for it in rasters})
        if not inked:
            raise UserError(f"{where} draws only rasters ({', '.join(kinds)}): a pen plotter draws lines, so there "
                            "is nothing to plot; expected strokes or fills (check c.plotter to draw lines instead)")
        raise UserError(f"{where} draws {len(rasters)} raster image(s) ({', '.join(kinds)}): a pen plotter cannot "
                        "draw pixels; expected lines only (skip the raster when c.plotter is True)")
    paints = [i for i, it in enumerate(items) if it.kind == "paint"]
    paper = tuple(items[paints[-1]].rgba) if paints else (1.0, 1.0, 1.0, 1.0)
    if paints:
        items = items[paints[-1] + 1:]  # a background hides everything before it; it is the paper itself
    spacing = options.hatch_mm / scale
    angle = math.radians(options.hatch_angle)
    canvas_shape = shapely.box(0, 0, rec.width, rec.height)
    clips: dict = {}
    entries: list[_Entry] = []
    notes: list[str] = []
    for n, it in enumerate(items):
        clip = _clip_shape(rec, it.clip, clips)
        named = it.layer is not None
        if it.kind == "stroke":
            colors = np.asarray(it.rgba, dtype=float)
            per_path = colors.ndim == 2
            widths = np.broadcast_to(np.asarray(it.width, dtype=float), (len(it.paths),))
            groups: dict[str, _Entry] = {}
            for k, path in enumerate(it.paths):
                rgba = tuple(colors[k]) if per_path else tuple(colors)
                if rgba[3] <= 0.0 or len(path) < 2:
                    continue
                key = it.layer if named else _hex(rgba)
                e = groups.get(key)
                if e is None:
                    e = groups[key] = _Entry(key, named, rgba, [], [])
                e.lines.append(_closed(np.asarray(path, dtype=float), it.closed[k]))
                e.widths.append(float(widths[k]))
            for e in groups.values():
                e.lines = _clip_lines(e.lines, clip)
                entries.append(e)
        elif it.kind == "fill":
            rgba = tuple(it.rgba)
            shape = _rings_shape(it.paths, it.even_odd) if it.paths else canvas_shape
            if shape is not None and clip is not None:
                shape = _polygonal(shapely.intersection(shape, clip))
            if shape is None:
                continue
            opaque = rgba[3] >= OPAQUE
            lines: list = []
            if options.fill != "none" and rgba[3] > 0.02 and not _is_paper(rgba, paper):
                if options.fill == "hatch":
                    try:
                        segs = hatch(shape, spacing / max(rgba[3], 0.05), angle)
                    except ValueError as exc:
                        raise UserError(f"--hatch {options.hatch_mm:g} mm: {exc}") from None
                    lines.extend(list(segs))
                nxt = items[n + 1] if n + 1 < len(items) else None
                stroked_after = (nxt is not None and nxt.kind == "stroke" and len(nxt.paths) == len(it.paths)
                                 and all(np.array_equal(a, b) for a, b in zip(nxt.paths, it.paths)))
                if not stroked_after:
                    lines.extend(shape_polylines(shape.boundary))
            key = it.layer if named else _hex(rgba)
            entries.append(_Entry(key, named, rgba, [], lines, shape if (opaque and options.occlude) else None))
    if any(e.shape is not None for e in entries):
        visible = hidden_lines([(e.lines, e.shape) for e in entries])
        for e, v in zip(entries, visible):
            e.lines = v
    for e in entries:  # the canvas is the sheet: nothing outside it is drawn (as in the raster)
        if e.lines and any((ln.min(axis=0) < 0).any() or ln[:, 0].max() > rec.width or ln[:, 1].max() > rec.height
                           for ln in e.lines):
            e.lines = _clip_lines(e.lines, canvas_shape)
    return entries, notes


def _hex(rgba) -> str:
    from gencraft.draw.plotter import hex_color

    return hex_color(rgba)


def pen_layers(entries, rec, layout: Layout, options: PlotterOptions) -> list:
    """Entries grouped into pen layers (first appearance order), names checked, in page millimetres."""
    from gencraft.draw.plotter import PenLayer

    by_key: dict[str, list] = {}
    canonical: dict[str, tuple[str, bool]] = {}
    for e in entries:
        norm = " ".join(e.key.split()).casefold()
        prev = canonical.setdefault(norm, (e.key, e.named))
        if prev[0] != e.key and (e.named or prev[1]):
            raise UserError(f"layer name {e.key!r} collides with layer {prev[0]!r} (layer names are compared "
                            "ignoring case and spacing); expected one spelling for one pen")
        if prev[0] == e.key and prev[1] != e.named:
            raise UserError(f"layer name {e.key!r} collides with the colour layer of unnamed drawing in {e.key}; "
                            "expected a layer name that is not a colour in use (or name every layer)")
        by_key.setdefault(e.key, []).append(e)
    s, (ox, oy) = layout.scale, layout.offset_mm
    layers = []
    for key, group in by_key.items():
        lines = [ln * s + (ox, oy) for e in group for ln in e.lines if len(ln) >= 2]
        if not lines:  # paper-coloured fills (they only hide) and fully hidden drawing: no pen
            continue
        widths = [w for e in group for w in e.widths]
        color = rec.layer_colors.get(key, group[0].rgba) if group[0].named else group[0].rgba
        pen = options.pen_mm if options.pen_mm is not None else (
            float(np.clip(np.median(widths) * s, 0.1, MAX_PEN_MM)) if widths else 0.3)
        # an unnamed pen is called after its number and colour: `vpype read` numbers layers by the first digits
        # of their label, so "#1d1d22" alone would land on layer 1 beside "#1f3a5f"
        name = key if group[0].named else f"pen {len(layers) + 1} {key}"
        layers.append(PenLayer(name, tuple(color[:3]), round(pen, 4), lines))
    return layers


# ---------------------------------------------------------------------- plots
def record(sketch, params, seed, canvas_px):
    """Run the sketch on a recording canvas; its Recorder."""
    from gencraft.draw.canvas import Canvas
    from gencraft.render import draw_on

    canvas = Canvas(canvas_px[0], canvas_px[1], "plotter")
    draw_on(canvas, sketch, params, seed)
    canvas.finish()
    return canvas.recorder


def make_plot(sketch, params=None, seed: Any = 0, size: Any = None, options: PlotterOptions | None = None,
              speed=None) -> Plot:
    """Render a sketch to an optimised vpype Document on its page, with stats and recipe (the library API)."""
    from gencraft.draw.plotter import PlotSpeed, build_document, measure, optimise
    from gencraft.provenance import make_recipe
    from gencraft.render import _prepare

    options = (options or PlotterOptions()).check()
    sketch, params, seed, _ = _prepare(sketch, params, seed, None)
    layout = plan_layout(sketch, size, options)
    rec = record(sketch, params, seed, layout.canvas_px)
    entries, notes = pen_entries(rec, options, layout.scale, where=str(sketch.path))
    layers = pen_layers(entries, rec, layout, options)
    if not any(len(p.lines) for p in layers):
        raise UserError(f"{sketch.path} draws nothing a plotter can draw (no visible strokes or fills)")
    doc = build_document(layers, layout.page_mm)
    speed = speed or PlotSpeed()
    before = measure(doc, speed)
    after = before
    if options.optimise:
        optimise(doc, options.tolerance_mm, seed=seed.entropy % 2**32)
        after = measure(doc, speed)
    recipe = make_recipe(sketch, params, seed, layout.canvas_px, "plotter-svg")
    recipe["plotter"] = {**options.to_json(), **layout.to_json(),  # the page as used, so a replay needs no --size
                         "page": f"{layout.page_mm[0]:g}x{layout.page_mm[1]:g}mm"}
    recipe["plot"] = {"before": before.to_json(), "after": after.to_json()}
    return Plot(doc, layout, before, after, recipe, notes)


def replot_svg(sketch, params, recipe: dict) -> bytes:
    """The plotter SVG a recipe describes, made again (gencraft reproduce)."""
    known = set(PlotterOptions.__dataclass_fields__)
    saved = recipe.get("plotter") or {}
    options = PlotterOptions(**{k: v for k, v in saved.items() if k in known})
    return plot_bytes(make_plot(sketch, params, recipe["seed"], tuple(recipe["size"]), options), "svg")


def require_vpype() -> None:
    """One line naming the extra when vpype (the plotter extra) is not installed."""
    import importlib.util

    for name in ("vpype", "vpype_cli"):
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise UserError("plotter output needs the plotter extra (vpype): pip install 'gencraft[plotter]'")


def plot_format(path: str | Path) -> str:
    """'svg', 'gcode' or 'hpgl' from a plot file's extension (one line if unknown)."""
    suffix = Path(path).suffix.lower()
    if suffix not in PLOT_FORMATS:
        raise UserError(f"plotter output {str(path)!r}: expected a file ending in "
                        f"{', '.join(PLOT_FORMATS)} (.svg for the layered SVG)")
    return PLOT_FORMATS[suffix]


def plot_bytes(plot: Plot, fmt: str, *, gcode_profile: str = "gencraft", gcode_config=None,
               hpgl_device: str = "hp7475a") -> bytes:
    """The plot as file bytes: layered SVG with the recipe, G-code with the recipe as a comment, or HPGL."""
    from gencraft.draw.plotter import gcode_bytes, hpgl_bytes, svg_bytes
    from gencraft.provenance import recipe_json, svg_with_recipe

    if fmt == "svg":
        return svg_with_recipe(svg_bytes(plot.doc, source=f"gencraft {plot.recipe['sketch']['name']}"), plot.recipe)
    recipe = dict(plot.recipe, format="plotter-" + fmt)
    if fmt == "gcode":
        return (GCODE_RECIPE_PREFIX + recipe_json(recipe) + "\n").encode("utf-8") + \
            gcode_bytes(plot.doc, gcode_profile, gcode_config)
    if fmt == "hpgl":
        return hpgl_bytes(plot.doc, hpgl_device)
    raise ValueError(f"unknown plot format {fmt!r}")


def plot_to_file(sketch, out: str | Path, params=None, seed: Any = 0, size: Any = None,
                 options: PlotterOptions | None = None, timeout: float | None = None, **write) -> tuple[Path, str]:
    """Render a plot and write `out` atomically (time-limited child like render_to_file); (path, summary)."""
    from gencraft.atomic import atomic_path
    from gencraft.timelimit import call_with_timeout

    out = Path(out)
    fmt = plot_format(out)
    (options or PlotterOptions()).check()
    with atomic_path(out) as tmp:
        data, summary = call_with_timeout(_plot_file_bytes, sketch, fmt, params, seed, size, options, write,
                                          timeout=timeout)
        tmp.write_bytes(data)
    return out, summary


def _plot_file_bytes(sketch, fmt, params, seed, size, options, write):
    plot = make_plot(sketch, params, seed, size, options)
    return plot_bytes(plot, fmt, **write), plot.summary()
