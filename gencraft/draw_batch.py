"""Batched polyline stroking: many polylines, few cairo calls.

Polylines that share a colour and width are put in one cairo path and stroked
once. The path is not built with one Python call per segment: its
``cairo_path_data_t`` array (16-byte elements: a {type, length} header then
the points) is filled by a Numba kernel and handed to libcairo's
``cairo_append_path`` through ctypes on the context's own ``cairo_t*``.
``cairo_append_path`` replays exactly the move_to/line_to/close_path calls the
Python loop would make, so the pixels are identical; when the pointer cannot
be obtained and verified (another pycairo layout, another libcairo), the
plain Python loop runs instead.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os

import cairo
import numpy as np
from numba import njit

from .color import parse_color

_MOVE_TO, _LINE_TO, _CLOSE_PATH = 0, 1, 3


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
    # indices of each group in ascending order, without one full scan per group
    by_group = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[by_group], np.arange(len(uniq) + 1))
    groups = []
    for g in order:
        idx = by_group[bounds[g]:bounds[g + 1]]
        groups.append((tuple(uniq[g, :4]), float(uniq[g, 4]), idx))
    return groups


# ------------------------------------------------------------- libcairo route
class _CairoPath(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("data", ctypes.c_void_p), ("num_data", ctypes.c_int)]


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
    for fn, res, args in [
        ("cairo_append_path", None, [ctypes.c_void_p, ctypes.POINTER(_CairoPath)]),
        ("cairo_get_target", ctypes.c_void_p, [ctypes.c_void_p]),
        ("cairo_get_line_width", ctypes.c_double, [ctypes.c_void_p]),
        ("cairo_status", ctypes.c_int, [ctypes.c_void_p]),
    ]:
        f = getattr(lib, fn)
        f.restype = res
        f.argtypes = args
    return lib


_LIB = None
_LIB_TRIED = False
_PTR_SIZE = ctypes.sizeof(ctypes.c_void_p)


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


@njit(cache=True)
def _path_data(coords, offsets, idx, closed):
    """cairo_path_data_t elements for polylines ``idx`` as a (K, 2) float64 array.

    Each element is 16 bytes: a header {int type, int length} (in the first
    8 bytes) or a point {double x, double y}. Polylines with < 2 points are
    skipped, as the Python loop skips them.
    """
    total = 0
    for i in idx:
        npts = offsets[i + 1] - offsets[i]
        if npts >= 2:
            total += 2 * npts + (1 if closed else 0)
    data = np.zeros((total, 2))
    hdr = data.view(np.int32).reshape(total, 4)
    k = 0
    for i in idx:
        s = offsets[i]
        e = offsets[i + 1]
        if e - s < 2:
            continue
        for p in range(s, e):
            hdr[k, 0] = 0 if p == s else 1
            hdr[k, 1] = 2
            data[k + 1, 0] = coords[p, 0]
            data[k + 1, 1] = coords[p, 1]
            k += 2
        if closed:
            hdr[k, 0] = 3
            hdr[k, 1] = 1
            k += 1
    return data


def append_polylines(ctx: cairo.Context, coords: np.ndarray, offsets: np.ndarray, idx: np.ndarray,
                     closed: bool = False, ptr: int | None = None) -> None:
    """Add polylines ``idx`` to ctx's current path (libcairo route, else the Python loop)."""
    if ptr is None:
        ptr = cairo_t_pointer(ctx)
    if ptr is None:
        _append_python(ctx, coords, offsets, idx, closed)
        return
    data = _path_data(coords, offsets, np.ascontiguousarray(idx, dtype=np.int64), closed)
    if len(data) == 0:
        return
    if len(data) > 2**31 - 1:
        raise ValueError("too many path elements for one cairo path")
    path = _CairoPath(0, data.ctypes.data, len(data))
    lib = _lib()
    lib.cairo_append_path(ptr, ctypes.byref(path))
    status = lib.cairo_status(ptr)
    if status != 0:
        raise RuntimeError(f"cairo_append_path failed with cairo status {status}")


def _append_python(ctx, coords, offsets, idx, closed):
    """The reference route: one pycairo call per point."""
    xs = coords[:, 0].tolist()
    ys = coords[:, 1].tolist()
    for i in np.asarray(idx).tolist():
        s, e = int(offsets[i]), int(offsets[i + 1])
        if e - s < 2:
            continue
        ctx.move_to(xs[s], ys[s])
        for k in range(s + 1, e):
            ctx.line_to(xs[k], ys[k])
        if closed:
            ctx.close_path()


def stroke_polylines(canvas, coords: np.ndarray, offsets: np.ndarray, *, colors=None,
                     widths=None, closed: bool = False, fast: bool = True) -> None:
    """Stroke polylines given in CSR layout (see Canvas.polylines).

    ``fast=False`` forces the pure-pycairo path building (the reference the
    fast route is tested against pixel for pixel).
    """
    ctx = canvas.ctx
    n = len(offsets) - 1
    if n <= 0 or canvas._stroke is None and colors is None:
        return
    coords = np.ascontiguousarray(coords, dtype=np.float64).reshape(-1, 2)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    default_color = canvas._stroke or (0.0, 0.0, 0.0, 1.0)
    default_width = ctx.get_line_width()
    ptr = cairo_t_pointer(ctx) if fast else None
    saved_width = ctx.get_line_width()
    for color, width, idx in _style_groups(n, colors, widths, default_color, default_width):
        if ptr is not None:
            append_polylines(ctx, coords, offsets, idx, closed, ptr)
        else:
            _append_python(ctx, coords, offsets, idx, closed)
        ctx.set_source_rgba(*color)
        ctx.set_line_width(width)
        ctx.stroke()
    ctx.set_line_width(saved_width)
