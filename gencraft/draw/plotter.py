"""Plotter output through vpype: pen layers on a page in millimetres, optimised, measured, written.

The geometry model is vpype's own: a ``vpype.Document`` holding one
``LineCollection`` per pen layer, with the layer's name, colour and pen width
as vpype metadata, and the page size set — so what gencraft writes is what
``vpype read`` reads back, and vpype's layered SVG is what Inkscape opens as
layers. Optimisation is vpype's (``linemerge``, ``reloop``, ``linesort``,
``linesimplify``), with the seam of ``reloop`` chosen by a seeded generator
instead of NumPy's global one so a plot is byte-identical run to run.

Lengths given to and returned by this module are in millimetres; vpype works
in CSS pixels (1/96 in) inside the document.

vpype is the optional ``plotter`` extra: it is imported inside the functions.
"""
from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

MM = 96.0 / 25.4          # vpype's unit (CSS px) per millimetre
GCODE_PROFILE = "gencraft"
GCODE_CONFIG = Path(__file__).with_name("plotter_gcode.toml")


@dataclass
class PenLayer:
    """One pen: its name, colour (RGB 0-1), pen width in mm and polylines in page millimetres."""

    name: str
    color: tuple
    pen_mm: float
    lines: list   # (k, 2) arrays, x right and y down from the page's top-left corner, in mm


@dataclass
class PlotStats:
    """What a plot costs: pen-down length, pen-up travel, pen lifts, and an estimated time."""

    pen_down_mm: float
    pen_up_mm: float
    lifts: int
    layers: int
    seconds: float

    def text(self) -> str:
        return (f"{self.layers} layer(s), {self.lifts:,} pen lift(s), pen down {self.pen_down_mm / 1000:.2f} m, "
                f"pen up {self.pen_up_mm / 1000:.2f} m, about {_duration(self.seconds)}")

    def to_json(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class PlotSpeed:
    """The plotter the time estimate assumes (AxiDraw-like defaults)."""

    draw_mm_s: float = 40.0     # pen-down speed
    travel_mm_s: float = 120.0  # pen-up speed
    lift_s: float = 0.25        # one pen lift and lower


def _duration(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min" if h else (f"{m} min {s:02d} s" if m else f"{s} s")


def hex_color(rgb: Sequence[float]) -> str:
    r, g, b = (int(round(min(max(float(v), 0.0), 1.0) * 255)) for v in rgb[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def build_document(layers: Sequence[PenLayer], page_mm: tuple[float, float]):
    """A vpype Document: one layer per pen (ids 1..n in order), page size set, lines cropped to the page."""
    import vpype as vp

    doc = vp.Document(page_size=(page_mm[0] * MM, page_mm[1] * MM))
    for i, pen in enumerate(layers, start=1):
        lc = vp.LineCollection()
        for line in pen.lines:
            arr = np.asarray(line, dtype=np.float64)
            if len(arr) >= 2:
                lc.append((arr[:, 0] + 1j * arr[:, 1]) * MM)
        bounds = lc.bounds()
        if bounds is not None and (min(bounds[:2]) < 0 or bounds[2] > page_mm[0] * MM or bounds[3] > page_mm[1] * MM):
            lc.crop(0.0, 0.0, page_mm[0] * MM, page_mm[1] * MM)  # only what lies on the sheet
        doc.add(lc, i, with_metadata=False)
        if i not in doc.layers:  # vpype drops an empty collection: keep the pen anyway
            doc.layers[i] = lc
        layer = doc.layers[i]
        layer.set_property(vp.METADATA_FIELD_NAME, pen.name)
        layer.set_property(vp.METADATA_FIELD_COLOR, vp.Color(hex_color(pen.color)))
        layer.set_property(vp.METADATA_FIELD_PEN_WIDTH, float(pen.pen_mm) * MM)
    return doc


def measure(doc, speed: PlotSpeed = PlotSpeed()) -> PlotStats:
    """Pen-down length, pen-up travel (within layers, as vpype counts it), lifts and time at `speed`."""
    down = float(doc.length()) / MM
    up = float(doc.pen_up_length()) / MM
    lifts = int(sum(len(layer) for layer in doc.layers.values()))
    seconds = down / speed.draw_mm_s + up / speed.travel_mm_s + lifts * speed.lift_s
    return PlotStats(down, up, lifts, len(doc.layers), seconds)


def optimise(doc, tolerance_mm: float = 0.1, *, merge: bool = True, reloop: bool = True, sort: bool = True,
             simplify: bool = True, seed: int = 0):
    """vpype's line optimisation on every layer, in place: linemerge, reloop, linesort, linesimplify.

    ``tolerance_mm`` is the gap ``linemerge`` closes and the deviation
    ``linesimplify`` allows. ``reloop`` moves the seam of closed paths to a
    vertex drawn from a generator seeded with ``seed`` (vpype draws it from
    NumPy's global state). Returns the document.
    """
    import vpype as vp

    tol = float(tolerance_mm) * MM
    rng = np.random.default_rng(seed)
    for layer_id in sorted(doc.layers):
        original = doc.layers[layer_id]
        lc = original.clone(list(original.lines))
        if merge:
            lc.merge(tolerance=tol, flip=True)
        tries = [lc]
        if reloop:
            looped = lc.clone(list(lc.lines))
            for i, line in enumerate(looped.lines):
                if len(line) > 3 and abs(line[-1] - line[0]) <= tol:
                    looped.lines[i] = vp.reloop(line.copy(), int(rng.integers(len(line) - 1)))
            tries.insert(0, looped)
        if sort:
            tries = [_linesort(t) for t in tries]
        # a new seam can lengthen the way to the next path: keep the order with the least pen-up travel
        best = min(tries, key=lambda t: (round(t.pen_up_length()[0], 6), len(t)))
        if best.pen_up_length()[0] > original.pen_up_length()[0] and len(best) >= len(original):
            best = original
        if simplify:
            best = _simplify(best, tol)
        doc.layers[layer_id] = best
    return doc


def _linesort(lc):
    """vpype's greedy nearest-neighbour sort (the ``linesort`` command's code)."""
    import vpype as vp

    if len(lc) < 2:
        return lc
    index = vp.LineIndex(lc[1:], reverse=True)
    out = lc.clone([lc[0]])
    while len(index) > 0:
        idx, reverse = index.find_nearest(out[-1][-1])
        line = index.pop(idx)
        if line is not None:
            out.append(np.flip(line) if reverse else line)
    return out if out.pen_up_length()[0] <= lc.pen_up_length()[0] else lc


def _simplify(lc, tol: float):
    """vpype's ``linesimplify``: shapely's simplify over the layer's lines."""
    if len(lc) < 1:
        return lc
    return lc.clone(lc.as_mls().simplify(tolerance=tol, preserve_topology=False))


def svg_bytes(doc, source: str = "gencraft", show_pen_up: bool = False) -> bytes:
    """The layered SVG vpype writes (Inkscape layers, page in mm), without a date (byte-identical)."""
    import vpype as vp

    buf = io.StringIO()
    vp.write_svg(buf, doc, source_string=source, layer_label_format=None, show_pen_up=show_pen_up,
                 set_date=False, use_svg_metadata=False)
    return buf.getvalue().encode("utf-8")


def gcode_bytes(doc, profile: str = GCODE_PROFILE, config: str | Path | None = None) -> bytes:
    """G-code through the vpype-gcode plugin's ``gwrite``, with gencraft's documented profile.

    The default profile (``gencraft``, in ``plotter_gcode.toml`` beside this
    module) is for a GRBL-style pen plotter: millimetres, absolute moves,
    origin at the page's bottom-left corner (y flipped), pen up/down on Z,
    a pause (M0) between layers to change pens. Pass ``config`` (a vpype TOML
    file with ``[gwrite.NAME]`` sections) and ``profile`` for another machine.
    """
    try:
        import vpype_cli
        import vpype_gcode  # noqa: F401  (registers its bundled profiles)
    except ImportError:
        from gencraft.errors import UserError

        raise UserError("G-code output needs vpype-gcode: pip install 'gencraft[plotter]'") from None
    import tempfile

    import vpype as vp

    vp.config_manager.load_config_file(str(GCODE_CONFIG))
    if config is not None:
        vp.config_manager.load_config_file(str(config))
    if profile not in vp.config_manager.config.get("gwrite", {}):
        from gencraft.errors import UserError

        known = sorted(k for k in vp.config_manager.config.get("gwrite", {}) if k != "default_profile")
        raise UserError(f"G-code profile {profile!r} not found: expected one of {', '.join(known)}")
    import contextlib

    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stderr(io.StringIO()):  # gwrite prints `info`
        out = Path(tmp) / "plot.gcode"
        vpype_cli.execute(f"gwrite --profile {profile} '{out}'", doc)  # execute works on a deep copy
        return out.read_bytes()


def hpgl_bytes(doc, device: str = "hp7475a", velocity: int | None = None) -> bytes:
    """HPGL through vpype's own writer for a configured device (paper size inferred from the page)."""
    import vpype as vp

    buf = io.StringIO()
    try:
        vp.write_hpgl(buf, doc, page_size=_hpgl_paper(doc, device), landscape=False, center=False,
                      device=device, velocity=velocity, absolute=True, quiet=True)
    except (ValueError, KeyError) as exc:
        from gencraft.errors import UserError

        raise UserError(f"HPGL for device {device!r}: {exc}") from None
    return buf.getvalue().encode("ascii")


def _hpgl_paper(doc, device: str) -> str:
    """The device's configured paper whose size matches the page (vpype needs its name)."""
    import vpype as vp

    from gencraft.errors import UserError

    try:
        cfg = vp.config_manager.get_plotter_config(device)
    except Exception:
        cfg = None
    if cfg is None:
        raise UserError(f"HPGL device {device!r} is not configured in vpype: expected one of "
                        f"{', '.join(vp.config_manager.get_plotter_list())}")
    w, h = doc.page_size
    for paper in cfg.paper_configs:
        pw, ph = paper.paper_size or (0, 0)
        if pw and {round(pw / MM), round(ph / MM)} == {round(w / MM), round(h / MM)}:
            return paper.name
    names = ", ".join(f"{p.name}" for p in cfg.paper_configs)
    raise UserError(f"HPGL device {device!r} has no paper of {w / MM:.0f}x{h / MM:.0f} mm: expected a page of one "
                    f"of its papers ({names})")


def read_svg_document(path: str | Path):
    """Read a plotter SVG back with vpype (layers by group, as ``vpype read`` does)."""
    import vpype as vp

    return vp.read_multilayer_svg(str(path), quantization=0.1 * MM)
