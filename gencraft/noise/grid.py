"""Array kernels behind ``gencraft.noise``: grids and broadcast arrays.

Each kernel computes one row with a ``_*_row`` function that calls the scalar
kernels, so arrays and per-sample callers get identical values. Every kernel
comes twice: ``name`` walks rows in parallel (``prange``), ``name_serial`` in
this thread; the Python layer picks the serial one for small inputs, where
opening a parallel region (and waiting for a second, possibly busy, core)
costs more than the work. Both run the same row function, so they agree to
the bit. Inputs are 1D grid axes or 2D arrays of one shape; the Python layer
turns broadcast outer products into grid calls and reshapes anything else to 2D.
"""
from __future__ import annotations

import numpy as np
from numba import carray, njit, prange

from gencraft.noise.fractal import (
    MODE_FBM, OCTAVE_DX, OCTAVE_DY, OS2, PERLIN, _shape, curl2_fractal_at, curl3_at, fractal3_at, fractal4_at,
)
from gencraft.noise.os2 import _os2
from gencraft.noise.perlin import perlin3_seeded_at
from gencraft.noise.simplex import _simplex2
from gencraft.noise.stack import CHUNK, stack_f64
from gencraft.noise.tables import OFF_SEED


@njit(cache=True)
def _simplex2_grid_row(j, xs, ys, perm, out):
    buf = carray(stack_f64(64), (CHUNK,))
    n = xs.size
    y = ys[j]
    row = out[j]
    for base in range(0, n, CHUNK):
        m = min(CHUNK, n - base)
        for i in range(m):  # vectorised: see stack.py
            buf[i] = _simplex2(xs[base + i], y, perm)
        for i in range(m):
            row[base + i] = buf[i]


@njit(cache=True)
def _os2_grid_row(j, xs, ys, seed, out):
    buf = carray(stack_f64(64), (CHUNK,))
    n = xs.size
    y = ys[j]
    row = out[j]
    for base in range(0, n, CHUNK):
        m = min(CHUNK, n - base)
        for i in range(m):  # vectorised: see stack.py
            buf[i] = _os2(xs[base + i], y, seed)
        for i in range(m):
            row[base + i] = buf[i]


@njit(cache=True, inline="always")
def _noise_chunk(buf, m, xrow, base, yv, yrow, ystep, perm, kind, seed, freq, ox, oy):
    """buf[:m] = base noise at (x*freq + ox, y*freq + oy); y is the scalar ``yv``
    (already scaled) when ``ystep`` is 0, else ``yrow[base + i]``. Separate loops
    per case keep every loop a plain unit-stride loop that LLVM vectorises."""
    if ystep == 0:
        if kind == OS2:
            for i in range(m):
                buf[i] = _os2(xrow[base + i] * freq + ox, yv, seed)
        elif kind == PERLIN:
            for i in range(m):
                buf[i] = perlin3_seeded_at(xrow[base + i] * freq + ox, yv, 0.0, perm)
        else:
            for i in range(m):
                buf[i] = _simplex2(xrow[base + i] * freq + ox, yv, perm)
    else:
        if kind == OS2:
            for i in range(m):
                buf[i] = _os2(xrow[base + i] * freq + ox, yrow[base + i] * freq + oy, seed)
        elif kind == PERLIN:
            for i in range(m):
                buf[i] = perlin3_seeded_at(xrow[base + i] * freq + ox, yrow[base + i] * freq + oy, 0.0, perm)
        else:
            for i in range(m):
                buf[i] = _simplex2(xrow[base + i] * freq + ox, yrow[base + i] * freq + oy, perm)


@njit(cache=True)
def _fractal_row(row, xrow, yrow, ystep, perm, kind, mode, octaves, lacunarity, gain):
    """A row of fractal2_at values, summed in the same order (bit-identical).

    ``ystep`` 0 means every sample shares ``yrow[0]`` (grids). One pass per
    octave over a row that stays in cache, in stack chunks so the noise loop
    vectorises (see stack.py); interleaving octaves per sample chains them
    and runs ~2.5x slower. Not inlined: every kernel (grid, arrays, five times
    in warp) shares one compiled copy, which keeps compile time down.
    """
    buf = carray(stack_f64(64), (CHUNK,))
    n = row.size
    seed = perm[OFF_SEED]
    for i in range(n):
        row[i] = 0.0
    amp = 1.0
    freq = 1.0
    norm = 0.0
    for o in range(octaves):
        ox = o * OCTAVE_DX
        oy = o * OCTAVE_DY
        yv = yrow[0] * freq + oy
        for base in range(0, n, CHUNK):
            m = min(CHUNK, n - base)
            _noise_chunk(buf, m, xrow, base, yv, yrow, ystep, perm, kind, seed, freq, ox, oy)
            for i in range(m):
                row[base + i] += amp * _shape(mode, buf[i])
        norm += amp
        amp *= gain
        freq *= lacunarity
    for i in range(n):
        row[i] = row[i] / norm


@njit(cache=True)
def _fractal3_grid_row(r, xs, ys, zs, perm, kind, mode, octaves, lacunarity, gain, out):
    """Row r of the (nz*ny, nx) view of a 3D grid: z = zs[r // ny], y = ys[r % ny]."""
    ny = ys.size
    k = r // ny
    y = ys[r - k * ny]
    z = zs[k]
    row = out[r]
    for i in range(xs.size):
        row[i] = fractal3_at(kind, mode, xs[i], y, z, perm, octaves, lacunarity, gain)


@njit(cache=True)
def _fractal4_grid_row(r, xs, ys, zs, ws, perm, mode, octaves, lacunarity, gain, out):
    """Row r of the (nw*nz*ny, nx) view of a 4D grid."""
    ny = ys.size
    nz = zs.size
    q = r // ny
    y = ys[r - q * ny]
    m = q // nz
    z = zs[q - m * nz]
    w = ws[m]
    row = out[r]
    for i in range(xs.size):
        row[i] = fractal4_at(mode, xs[i], y, z, w, perm, octaves, lacunarity, gain)


@njit(cache=True)
def _fractal3_array_row(j, X, Y, Z, perm, kind, mode, octaves, lacunarity, gain, out):
    for i in range(out.shape[1]):
        out[j, i] = fractal3_at(kind, mode, X[j, i], Y[j, i], Z[j, i], perm, octaves, lacunarity, gain)


@njit(cache=True)
def _fractal4_array_row(j, X, Y, Z, W, perm, mode, octaves, lacunarity, gain, out):
    for i in range(out.shape[1]):
        out[j, i] = fractal4_at(mode, X[j, i], Y[j, i], Z[j, i], W[j, i], perm, octaves, lacunarity, gain)


@njit(cache=True)
def _curl2_row(j, X, Y, perm, kind, eps, octaves, lacunarity, gain, outx, outy):
    for i in range(outx.shape[1]):
        vx, vy = curl2_fractal_at(kind, X[j, i], Y[j, i], perm, eps, octaves, lacunarity, gain)
        outx[j, i] = vx
        outy[j, i] = vy


@njit(cache=True)
def _curl3_row(j, X, Y, Z, perm, kind, eps, octaves, lacunarity, gain, outx, outy, outz):
    for i in range(outx.shape[1]):
        vx, vy, vz = curl3_at(kind, X[j, i], Y[j, i], Z[j, i], perm, eps, octaves, lacunarity, gain)
        outx[j, i] = vx
        outy[j, i] = vy
        outz[j, i] = vz


@njit(cache=True)
def _warp2_row(j, X, Y, perm, kind, levels, strength, octaves, lacunarity, gain, f, qx, qy, rx, ry):
    """IQ domain warping of row j (same arithmetic as ``warp2_at``, vectorised fBm rows)."""
    n = f.shape[1]
    x = X[j]
    y = Y[j]
    ax = np.empty(n)
    ay = np.empty(n)
    _fractal_row(qx[j], x, y, 1, perm, kind, MODE_FBM, octaves, lacunarity, gain)
    for i in range(n):
        ax[i] = x[i] + 5.2
        ay[i] = y[i] + 1.3
    _fractal_row(qy[j], ax, ay, 1, perm, kind, MODE_FBM, octaves, lacunarity, gain)
    if levels >= 2:
        for i in range(n):
            ax[i] = (x[i] + strength * qx[j, i]) + 1.7
            ay[i] = (y[i] + strength * qy[j, i]) + 9.2
        _fractal_row(rx[j], ax, ay, 1, perm, kind, MODE_FBM, octaves, lacunarity, gain)
        for i in range(n):
            ax[i] = (x[i] + strength * qx[j, i]) + 8.3
            ay[i] = (y[i] + strength * qy[j, i]) + 2.8
        _fractal_row(ry[j], ax, ay, 1, perm, kind, MODE_FBM, octaves, lacunarity, gain)
        for i in range(n):
            ax[i] = x[i] + strength * rx[j, i]
            ay[i] = y[i] + strength * ry[j, i]
    else:
        for i in range(n):
            rx[j, i] = 0.0
            ry[j, i] = 0.0
            ax[i] = x[i] + strength * qx[j, i]
            ay[i] = y[i] + strength * qy[j, i]
    _fractal_row(f[j], ax, ay, 1, perm, kind, MODE_FBM, octaves, lacunarity, gain)


# ---------------------------------------------------------------- drivers: parallel and serial
# Each pair differs only in prange/range; keep them in step.
@njit(cache=True, parallel=True)
def simplex2_grid(xs, ys, perm):
    """OpenSimplex 2D on the grid xs (nx,) by ys (ny,) -> (ny, nx), like opensimplex.noise2array."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        _simplex2_grid_row(j, xs, ys, perm, out)
    return out


@njit(cache=True)
def simplex2_grid_serial(xs, ys, perm):
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in range(ys.size):
        _simplex2_grid_row(j, xs, ys, perm, out)
    return out


@njit(cache=True, parallel=True)
def os2_grid(xs, ys, seed):
    """OpenSimplex2 2D on the grid xs (nx,) by ys (ny,) -> (ny, nx)."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        _os2_grid_row(j, xs, ys, seed, out)
    return out


@njit(cache=True)
def os2_grid_serial(xs, ys, seed):
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in range(ys.size):
        _os2_grid_row(j, xs, ys, seed, out)
    return out


@njit(cache=True, parallel=True)
def fractal2_grid(xs, ys, perm, kind, mode, octaves, lacunarity, gain):
    """Fused fractal sum of 2D noise on a grid -> (ny, nx), all octaves in one parallel kernel."""
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in prange(ys.size):
        _fractal_row(out[j], xs, ys[j:j + 1], 0, perm, kind, mode, octaves, lacunarity, gain)
    return out


@njit(cache=True)
def fractal2_grid_serial(xs, ys, perm, kind, mode, octaves, lacunarity, gain):
    out = np.empty((ys.size, xs.size), dtype=np.float64)
    for j in range(ys.size):
        _fractal_row(out[j], xs, ys[j:j + 1], 0, perm, kind, mode, octaves, lacunarity, gain)
    return out


@njit(cache=True, parallel=True)
def fractal3_grid(xs, ys, zs, perm, kind, mode, octaves, lacunarity, gain):
    """Fractal sum of 3D noise on the grid xs x ys x zs -> (nz, ny, nx), like opensimplex.noise3array."""
    out = np.empty((zs.size * ys.size, xs.size), dtype=np.float64)
    for r in prange(zs.size * ys.size):
        _fractal3_grid_row(r, xs, ys, zs, perm, kind, mode, octaves, lacunarity, gain, out)
    return out.reshape((zs.size, ys.size, xs.size))


@njit(cache=True)
def fractal3_grid_serial(xs, ys, zs, perm, kind, mode, octaves, lacunarity, gain):
    out = np.empty((zs.size * ys.size, xs.size), dtype=np.float64)
    for r in range(zs.size * ys.size):
        _fractal3_grid_row(r, xs, ys, zs, perm, kind, mode, octaves, lacunarity, gain, out)
    return out.reshape((zs.size, ys.size, xs.size))


@njit(cache=True, parallel=True)
def fractal4_grid(xs, ys, zs, ws, perm, mode, octaves, lacunarity, gain):
    """Fractal sum of 4D OpenSimplex on a grid -> (nw, nz, ny, nx), like opensimplex.noise4array."""
    out = np.empty((ws.size * zs.size * ys.size, xs.size), dtype=np.float64)
    for r in prange(ws.size * zs.size * ys.size):
        _fractal4_grid_row(r, xs, ys, zs, ws, perm, mode, octaves, lacunarity, gain, out)
    return out.reshape((ws.size, zs.size, ys.size, xs.size))


@njit(cache=True)
def fractal4_grid_serial(xs, ys, zs, ws, perm, mode, octaves, lacunarity, gain):
    out = np.empty((ws.size * zs.size * ys.size, xs.size), dtype=np.float64)
    for r in range(ws.size * zs.size * ys.size):
        _fractal4_grid_row(r, xs, ys, zs, ws, perm, mode, octaves, lacunarity, gain, out)
    return out.reshape((ws.size, zs.size, ys.size, xs.size))


@njit(cache=True, parallel=True)
def fractal2_array(X, Y, perm, kind, mode, octaves, lacunarity, gain, out):
    for j in prange(out.shape[0]):
        _fractal_row(out[j], X[j], Y[j], 1, perm, kind, mode, octaves, lacunarity, gain)


@njit(cache=True)
def fractal2_array_serial(X, Y, perm, kind, mode, octaves, lacunarity, gain, out):
    for j in range(out.shape[0]):
        _fractal_row(out[j], X[j], Y[j], 1, perm, kind, mode, octaves, lacunarity, gain)


@njit(cache=True, parallel=True)
def fractal3_array(X, Y, Z, perm, kind, mode, octaves, lacunarity, gain, out):
    for j in prange(out.shape[0]):
        _fractal3_array_row(j, X, Y, Z, perm, kind, mode, octaves, lacunarity, gain, out)


@njit(cache=True)
def fractal3_array_serial(X, Y, Z, perm, kind, mode, octaves, lacunarity, gain, out):
    for j in range(out.shape[0]):
        _fractal3_array_row(j, X, Y, Z, perm, kind, mode, octaves, lacunarity, gain, out)


@njit(cache=True, parallel=True)
def fractal4_array(X, Y, Z, W, perm, mode, octaves, lacunarity, gain, out):
    for j in prange(out.shape[0]):
        _fractal4_array_row(j, X, Y, Z, W, perm, mode, octaves, lacunarity, gain, out)


@njit(cache=True)
def fractal4_array_serial(X, Y, Z, W, perm, mode, octaves, lacunarity, gain, out):
    for j in range(out.shape[0]):
        _fractal4_array_row(j, X, Y, Z, W, perm, mode, octaves, lacunarity, gain, out)


@njit(cache=True, parallel=True)
def curl2_array(X, Y, perm, kind, eps, octaves, lacunarity, gain, outx, outy):
    for j in prange(outx.shape[0]):
        _curl2_row(j, X, Y, perm, kind, eps, octaves, lacunarity, gain, outx, outy)


@njit(cache=True)
def curl2_array_serial(X, Y, perm, kind, eps, octaves, lacunarity, gain, outx, outy):
    for j in range(outx.shape[0]):
        _curl2_row(j, X, Y, perm, kind, eps, octaves, lacunarity, gain, outx, outy)


@njit(cache=True, parallel=True)
def curl3_array(X, Y, Z, perm, kind, eps, octaves, lacunarity, gain, outx, outy, outz):
    for j in prange(outx.shape[0]):
        _curl3_row(j, X, Y, Z, perm, kind, eps, octaves, lacunarity, gain, outx, outy, outz)


@njit(cache=True)
def curl3_array_serial(X, Y, Z, perm, kind, eps, octaves, lacunarity, gain, outx, outy, outz):
    for j in range(outx.shape[0]):
        _curl3_row(j, X, Y, Z, perm, kind, eps, octaves, lacunarity, gain, outx, outy, outz)


@njit(cache=True, parallel=True)
def warp2_array(X, Y, perm, kind, levels, strength, octaves, lacunarity, gain, f, qx, qy, rx, ry):
    """IQ domain warping row by row (same arithmetic as ``warp2_at``, vectorised fBm rows)."""
    for j in prange(f.shape[0]):
        _warp2_row(j, X, Y, perm, kind, levels, strength, octaves, lacunarity, gain, f, qx, qy, rx, ry)


@njit(cache=True)
def warp2_array_serial(X, Y, perm, kind, levels, strength, octaves, lacunarity, gain, f, qx, qy, rx, ry):
    for j in range(f.shape[0]):
        _warp2_row(j, X, Y, perm, kind, levels, strength, octaves, lacunarity, gain, f, qx, qy, rx, ry)
