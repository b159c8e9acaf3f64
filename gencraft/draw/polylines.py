"""Drawing many polylines fast, with exactly the pixels of the plain pycairo loop.

What ``Canvas.polylines`` means is what an artist would write by hand::

    for each polyline, in order:
        ctx.set_source_rgba(*its colour); ctx.set_line_width(its width)
        ctx.move_to(...); ctx.line_to(...) for every further point; ctx.stroke()

Each polyline is composited on its own, so translucent curves build up where
they cross and later ones lie on top (as in p5/Processing). That loop is
``_stroke_each_python`` and the tests hold the fast route to it pixel for pixel.

The fast route does the same cairo calls, faster:

1. The loop runs in a Numba kernel that calls libcairo's own functions through
   their addresses (no Python call per point or per polyline). The ``cairo_t*``
   is read out of the pycairo object and verified against libcairo first; if
   that fails (another pycairo layout, another libcairo) the Python loop runs.
2. On an image surface with enough work, the canvas is cut into horizontal
   bands drawn at the same time by threads (the kernel releases the GIL), each
   through its own ``cairo_t`` limited to its rows, stroking only the parts
   of each polyline that can reach them. This keeps the pixels: cairo's
   scan converter derives every pixel row from the polygon edges crossing
   that row, stepping edges with exact integer arithmetic, so a row comes out
   the same whatever lies outside it. As insurance for the little state a row
   carries over from the row above (which edges are active, in what order),
   a band starts ``_MARGIN`` rows early, into a scratch copy whose extra rows
   are thrown away; band 0 draws straight into the canvas. The tests compare
   banded and single-context renders pixel for pixel (dense curves, long
   lines, sharp miters, wide square caps, transforms, translucency).

Why not put all polylines in one path and stroke once: that draws their union
(overlaps don't build up), and cairo is about twice as slow on one huge path
as on the same curves stroked one by one (measured in benchmarks/).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from concurrent.futures import ThreadPoolExecutor

import cairo
import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from gencraft.draw.color import parse_color
from gencraft.draw.threads import draw_threads

_MARGIN = 2            # rows each band starts early (see module docstring)
_MIN_SEGMENTS_PER_BAND = 20_000  # below this, threads cost more than they save
_PTR_SIZE = ctypes.sizeof(ctypes.c_void_p)


# ------------------------------------------------------------------ libcairo
def _find_libcairo():
    """The libcairo pycairo itself is linked to (already mapped into this process)."""
    path = None
    try:
        with open("/proc/self/maps") as fh:
            for line in fh:
                if "libcairo.so" in line or "libcairo.2.dylib" in line or "libcairo-2.dll" in line:
                    path = line.split()[-1]
                    break
    except OSError:
        pass
    name = path or ctypes.util.find_library("cairo")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.cairo_version.restype = ctypes.c_int
    if lib.cairo_version() != cairo.cairo_version():
        return None  # a different libcairo than pycairo's: struct layouts may differ
    vp, d, i = ctypes.c_void_p, ctypes.c_double, ctypes.c_int
    for fn, res, args in [
        ("cairo_get_target", vp, [vp]),
        ("cairo_get_line_width", d, [vp]),
        ("cairo_status", i, [vp]),
        ("cairo_image_surface_create_for_data", vp, [vp, i, i, i, i]),
        ("cairo_surface_flush", None, [vp]),
        ("cairo_surface_destroy", None, [vp]),
        ("cairo_create", vp, [vp]),
        ("cairo_destroy", None, [vp]),
        ("cairo_set_matrix", None, [vp, ctypes.POINTER(d * 6)]),
        ("cairo_set_line_cap", None, [vp, i]),
        ("cairo_set_line_join", None, [vp, i]),
        ("cairo_set_miter_limit", None, [vp, d]),
        ("cairo_set_tolerance", None, [vp, d]),
        ("cairo_set_antialias", None, [vp, i]),
        ("cairo_set_operator", None, [vp, i]),
        ("cairo_rectangle", None, [vp, d, d, d, d]),
        ("cairo_clip", None, [vp]),
    ]:
        f = getattr(lib, fn)
        f.restype = res
        f.argtypes = args
    return lib


_LIB = None
_LIB_TRIED = False


def _lib():
    global _LIB, _LIB_TRIED
    if not _LIB_TRIED:
        _LIB_TRIED = True
        if os.environ.get("GENCRAFT_NO_CTYPES_PATH") != "1":
            try:
                _LIB = _find_libcairo()
            except OSError:
                _LIB = None
    return _LIB


# the kernel's function table: addresses of these libcairo functions, in this order
_KERNEL_FUNCTIONS = ("cairo_move_to", "cairo_line_to", "cairo_close_path", "cairo_stroke",
                     "cairo_set_source_rgba", "cairo_set_line_width")


_TABLE: np.ndarray | None = None


def _function_table() -> np.ndarray:
    """The kernel's function addresses (looked up once per process)."""
    global _TABLE
    if _TABLE is None:
        lib = _lib()
        _TABLE = np.array([ctypes.cast(getattr(lib, name), ctypes.c_void_p).value for name in _KERNEL_FUNCTIONS],
                          dtype=np.intp)
    return _TABLE


def _raise_on_error(cr: int) -> None:
    """Turn an error status left on a cairo_t by the kernel into an exception."""
    status = _lib().cairo_status(cr)
    if status != 0:
        raise RuntimeError(f"cairo stroke failed with status {status}")


def _struct_pointer(obj) -> int | None:
    """The C pointer a pycairo object wraps: the field right after PyObject_HEAD.

    pycairo's PycairoContext/PycairoSurface are {PyObject_HEAD; T *ptr; PyObject *base};
    refuse any other layout (by size) rather than guess.
    """
    if type(obj).__basicsize__ != object.__basicsize__ + 2 * _PTR_SIZE:
        return None
    ptr = ctypes.c_void_p.from_address(id(obj) + object.__basicsize__).value
    return ptr if ptr and ptr % _PTR_SIZE == 0 else None


def cairo_t_pointer(ctx: cairo.Context) -> int | None:
    """``ctx``'s ``cairo_t*``, verified against libcairo, or None if it cannot be trusted."""
    lib = _lib()
    if lib is None or type(ctx) is not cairo.Context:
        return None
    ptr = _struct_pointer(ctx)
    target = ctx.get_target()
    surf = _struct_pointer(target) if isinstance(target, cairo.Surface) else None
    if ptr is None or surf is None:
        return None
    if lib.cairo_get_target(ptr) != surf:
        return None
    saved = ctx.get_line_width()
    probe = 1234.5678125  # a value nothing else would set; read back through libcairo
    ctx.set_line_width(probe)
    ok = lib.cairo_get_line_width(ptr) == probe
    ctx.set_line_width(saved)
    return ptr if ok and lib.cairo_status(ptr) == 0 else None


# ------------------------------------------------- calling C from the kernel
def _c_caller(n_doubles: int):
    """An intrinsic ``call(fn_address, cairo_t, *doubles)`` for ``void f(cairo_t*, double...)``."""
    @intrinsic
    def call(typingctx, fn, cr, *args):
        if len(args) == 1 and isinstance(args[0], types.BaseTuple):
            args = tuple(args[0])  # star-args arrive as one tuple type
        if len(args) != n_doubles:
            return None
        sig = types.void(types.intp, types.intp, types.StarArgTuple(tuple(types.float64 for _ in args)))

        def codegen(context, builder, signature, llargs):
            i8p = ir.IntType(8).as_pointer()
            fnty = ir.FunctionType(ir.VoidType(), [i8p] + [ir.DoubleType()] * n_doubles)
            fptr = builder.inttoptr(llargs[0], fnty.as_pointer())
            doubles = [builder.extract_value(llargs[2], k) for k in range(n_doubles)]
            builder.call(fptr, [builder.inttoptr(llargs[1], i8p)] + doubles)
            return context.get_dummy_value()
        return sig, codegen
    return call


_call0, _call1, _call2, _call4 = _c_caller(0), _c_caller(1), _c_caller(2), _c_caller(4)


@njit(nogil=True, cache=True)
def _stroke_each(fns, cr, coords, offsets, idx, colors, widths, closed, dev_y, rows_lo, rows_hi, reach):
    """The artist's loop, in native code: for i in idx, style, path, stroke.

    ``fns`` holds the addresses of _KERNEL_FUNCTIONS. The source and width are
    set only when they change (cairo draws the same either way).

    A band passes the device rows it draws, [rows_lo, rows_hi), and each
    polyline's ``reach``: how far its stroke extends from its points, caps and
    miters included (an empty ``reach`` means: draw everything). Open
    polylines are then trimmed to the segments within
    reach of those rows: the segments that are kept, and the joins between
    them, are exactly as before, and the caps at the cut points lie outside the
    rows, so the kept rows come out the same while cairo strokes only what the
    band shows. Pieces of one polyline stay one path (one stroke), as before.
    Closed polylines (``closed[i]``) are always drawn whole.
    """
    move_to, line_to, close_path, stroke, set_source_rgba, set_line_width = (
        fns[0], fns[1], fns[2], fns[3], fns[4], fns[5])
    trim = len(reach) > 0
    last = np.full(5, np.nan)
    for k in range(len(idx)):
        i = idx[k]
        s = offsets[i]
        e = offsets[i + 1]
        if e - s < 2:
            continue
        if not (colors[i, 0] == last[0] and colors[i, 1] == last[1] and colors[i, 2] == last[2]
                and colors[i, 3] == last[3]):
            _call4(set_source_rgba, cr, colors[i, 0], colors[i, 1], colors[i, 2], colors[i, 3])
            last[:4] = colors[i]
        if widths[i] != last[4]:
            _call1(set_line_width, cr, widths[i])
            last[4] = widths[i]
        if closed[i] or not trim:
            _call2(move_to, cr, coords[s, 0], coords[s, 1])
            for p in range(s + 1, e):
                _call2(line_to, cr, coords[p, 0], coords[p, 1])
            if closed[i]:
                _call0(close_path, cr)
        else:
            pen_at = -1  # index of the last point put in the path, -1: no piece open
            for p in range(s + 1, e):
                y0 = dev_y[p - 1]
                y1 = dev_y[p]
                if max(y0, y1) < rows_lo - reach[k] or min(y0, y1) > rows_hi + reach[k]:
                    continue  # this segment's stroke cannot reach the kept rows
                if pen_at != p - 1:
                    _call2(move_to, cr, coords[p - 1, 0], coords[p - 1, 1])
                _call2(line_to, cr, coords[p, 0], coords[p, 1])
                pen_at = p
        _call0(stroke, cr)


def _stroke_each_python(ctx, coords, offsets, idx, colors, widths, closed):
    """The reference: the same loop with one pycairo call per point."""
    xs = coords[:, 0].tolist()
    ys = coords[:, 1].tolist()
    last_color, last_width = None, None
    for i in np.asarray(idx).tolist():
        s, e = int(offsets[i]), int(offsets[i + 1])
        if e - s < 2:
            continue
        color, width = tuple(colors[i].tolist()), float(widths[i])
        if color != last_color:
            ctx.set_source_rgba(*color)
            last_color = color
        if width != last_width:
            ctx.set_line_width(width)
            last_width = width
        ctx.move_to(xs[s], ys[s])
        for k in range(s + 1, e):
            ctx.line_to(xs[k], ys[k])
        if closed[i]:
            ctx.close_path()
        ctx.stroke()


# --------------------------------------------------------------------- styles
def _style_arrays(n: int, colors, widths, closed, default_color, default_width):
    """Per-polyline RGBA (n, 4), width (n,) and closed (n,) arrays from the user's arguments."""
    if colors is None:
        color_arr = np.broadcast_to(np.asarray(default_color, dtype=np.float64), (n, 4))
    elif isinstance(colors, np.ndarray) and colors.ndim == 2 and colors.dtype.kind in "fiu":
        color_arr = colors.astype(np.float64)
        if color_arr.shape[1] == 3:
            color_arr = np.concatenate([color_arr, np.ones((len(color_arr), 1))], axis=1)
    else:
        color_arr = np.array([parse_color(c) for c in colors], dtype=np.float64)
    if color_arr.shape != (n, 4):
        raise ValueError(f"colors must give one colour per polyline ({n}), got shape {color_arr.shape}")
    width_arr = np.broadcast_to(np.asarray(default_width if widths is None else widths, dtype=np.float64), (n,))
    closed_arr = np.asarray(closed, dtype=np.bool_)
    if closed_arr.ndim and closed_arr.shape != (n,):
        raise ValueError(f"closed must be one bool or one per polyline ({n}), got shape {closed_arr.shape}")
    return (np.ascontiguousarray(color_arr), np.ascontiguousarray(width_arr),
            np.ascontiguousarray(np.broadcast_to(closed_arr, (n,))))


# ---------------------------------------------------------------------- bands
def _band_plain_state(ctx: cairo.Context) -> bool:
    """Whether ctx's state can be rebuilt on a band context (else: draw unbanded).

    Needs an ARGB32/RGB24 image target without device offset or scale, no dash
    and no clip.
    """
    target = ctx.get_target()
    if not isinstance(target, cairo.ImageSurface) or target.get_format() not in (cairo.FORMAT_ARGB32,
                                                                                 cairo.FORMAT_RGB24):
        return False
    if target.get_device_offset() != (0.0, 0.0) or target.get_device_scale() != (1.0, 1.0):
        return False
    if ctx.get_dash_count():
        return False
    matrix = ctx.get_matrix()
    ctx.identity_matrix()  # read the clip in device space
    try:
        rects = ctx.copy_clip_rectangle_list()
    except cairo.Error:
        return False  # a clip that is not a list of rectangles
    finally:
        ctx.set_matrix(matrix)
    w, h = target.get_width(), target.get_height()
    return len(rects) == 1 and tuple(rects[0]) == (0, 0, w, h)


def _band_bounds(dev_y: np.ndarray, height: int, n_bands: int) -> np.ndarray:
    """Row boundaries splitting the points' device y into bands of equal point counts."""
    qs = np.quantile(np.clip(dev_y, 0, height), np.linspace(0, 1, n_bands + 1)[1:-1]) if len(dev_y) else []
    inner = np.unique(np.clip(np.round(qs).astype(np.int64), _MARGIN + 1, height - 1))
    return np.concatenate([[0], inner, [height]]).astype(np.int64)


@njit(cache=True)
def _y_ranges(dev_y, offsets, idx):
    """Lowest and highest device y of each polyline in ``idx``."""
    lo = np.empty(len(idx))
    hi = np.empty(len(idx))
    for k in range(len(idx)):
        i = idx[k]
        lo[k] = dev_y[offsets[i]:offsets[i + 1]].min()
        hi[k] = dev_y[offsets[i]:offsets[i + 1]].max()
    return lo, hi


def _stroke_banded(ctx, fns, coords, offsets, idx, colors, widths, closed, n_bands) -> None:
    """Stroke polylines ``idx`` through one cairo_t per horizontal band, in threads."""
    lib = _lib()
    target = ctx.get_target()
    width_px, height_px, stride = target.get_width(), target.get_height(), target.get_stride()
    fmt = int(target.get_format())
    matrix = tuple(float(v) for v in ctx.get_matrix())  # xx, yx, xy, yy, x0, y0
    xx, yx, xy, yy, _, y0 = matrix
    state = [(lib.cairo_set_line_cap, int(ctx.get_line_cap())), (lib.cairo_set_line_join, int(ctx.get_line_join())),
             (lib.cairo_set_miter_limit, ctx.get_miter_limit()), (lib.cairo_set_tolerance, ctx.get_tolerance()),
             (lib.cairo_set_antialias, int(ctx.get_antialias())), (lib.cairo_set_operator, int(ctx.get_operator()))]

    idx = idx[offsets[idx + 1] - offsets[idx] >= 2]
    if len(idx) == 0:
        return
    dev_y = coords[:, 0] * yx + coords[:, 1] * yy + y0
    ys_lo, ys_hi = _y_ranges(dev_y, offsets, idx)
    # how far a stroke reaches from its path in device pixels: miter spikes, square caps, antialiasing
    scale = float(np.linalg.norm(np.array([[xx, xy], [yx, yy]]), 2))
    miter = ctx.get_miter_limit() if ctx.get_line_join() == cairo.LINE_JOIN_MITER else 1.0
    reach_of = widths * scale * max(miter, 1.5) / 2 + 2.0
    reach = reach_of[idx]

    bounds = _band_bounds(dev_y, height_px, n_bands)
    target.flush()
    dest = np.ndarray((height_px, stride), np.uint8, target.get_data())
    jobs, scratches = [], []
    for top, bottom in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        first = max(0, top - _MARGIN)
        band_idx = idx[(ys_hi + reach >= first) & (ys_lo - reach <= bottom)]
        if len(band_idx) == 0:
            continue
        if top == 0:
            buf = dest
        else:  # a canvas-sized scratch of which only rows [first, bottom) are touched (and paged in)
            buf = np.empty((bottom, stride), np.uint8)
            buf[first:bottom] = dest[first:bottom]
            scratches.append((buf, top, bottom))
        jobs.append((buf, first, bottom, band_idx))

    def run(job):
        buf, first, bottom, band_idx = job
        surface = lib.cairo_image_surface_create_for_data(buf.ctypes.data, fmt, width_px, bottom, stride)
        cr = lib.cairo_create(surface)
        try:
            if first > 0:  # keep the band's rows (device space: set before the matrix)
                lib.cairo_rectangle(cr, 0.0, float(first), float(width_px), float(bottom - first))
                lib.cairo_clip(cr)
            lib.cairo_set_matrix(cr, (ctypes.c_double * 6)(*matrix))
            for setter, value in state:
                setter(cr, value)
            _stroke_each(fns, cr, coords, offsets, band_idx, colors, widths, closed, dev_y,
                         float(first), float(bottom), reach_of[band_idx])
            _raise_on_error(cr)
        finally:
            lib.cairo_destroy(cr)
            lib.cairo_surface_flush(surface)
            lib.cairo_surface_destroy(surface)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(run, jobs))
    for buf, top, bottom in scratches:
        dest[top:bottom] = buf[top:bottom]
    target.mark_dirty()


# ------------------------------------------------------------------ entry point
def stroke_polylines(canvas, coords: np.ndarray, offsets: np.ndarray, *, colors=None,
                     widths=None, closed=False, fast: bool = True, threads: int | None = None) -> None:
    """Stroke polylines given in CSR layout (see Canvas.polylines), one by one, in order.

    ``fast=False`` runs the pure-pycairo loop (the reference the fast route is
    tested against pixel for pixel). ``threads`` caps the drawing bands
    (default: ``draw_threads()``).
    """
    ctx = canvas.ctx
    n = len(offsets) - 1
    if n <= 0 or canvas._stroke is None and colors is None:
        return
    coords = np.ascontiguousarray(coords, dtype=np.float64).reshape(-1, 2)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        k = int(np.argmin(finite))
        raise ValueError(f"polyline point {k} is {tuple(coords[k].tolist())}: coordinates must be finite numbers")
    color_arr, width_arr, closed = _style_arrays(n, colors, widths, closed, canvas._stroke or (0.0, 0.0, 0.0, 1.0),
                                                 ctx.get_line_width())
    idx = np.arange(n, dtype=np.int64)
    ctx.new_path()  # the loop starts from an empty path (Canvas never leaves one open)
    ptr = cairo_t_pointer(ctx) if fast else None
    if ptr is None:
        ctx.save()
        try:
            _stroke_each_python(ctx, coords, offsets, idx, color_arr, width_arr, closed)
        finally:
            ctx.restore()
        return
    fns = _function_table()
    n_segments = len(coords) - n
    n_bands = min(threads or draw_threads(), max(1, n_segments // _MIN_SEGMENTS_PER_BAND))
    if n_bands > 1 and _band_plain_state(ctx):
        _stroke_banded(ctx, fns, coords, offsets, idx, color_arr, width_arr, closed, n_bands)
        return
    ctx.save()
    try:
        nothing = np.empty(0)
        _stroke_each(fns, ptr, coords, offsets, idx, color_arr, width_arr, closed, nothing, 0.0, 0.0, nothing)
        _raise_on_error(ptr)
    finally:
        ctx.restore()
