"""Fractal sums (fBm, ridged, turbulence), curl noise and base-noise dispatch.

All kernels are Numba scalar functions so other Numba code (particles, flow
fields) can call them per sample. A *kind* integer picks the base noise:
``SIMPLEX`` (opensimplex-compatible), ``OS2`` (OpenSimplex2, 2D only) or
``PERLIN`` (improved Perlin, seeded table). Octave ``i`` samples the base noise
at ``p * lacunarity**i + i * (OCTAVE_DX, OCTAVE_DY, ...)``: the shift keeps
octaves from sharing the lattice origin (where they would line up), and is the
same shift the array API uses, so fused and assembled sums agree.
Sums are divided by the sum of amplitudes, so fBm stays in the base noise's
range (about [-1, 1]); ridged and turbulence are in [0, 1].
"""
from __future__ import annotations


from numba import njit

from gencraft.noise.os2 import _os2, os2_2d_at
from gencraft.noise.perlin import perlin3_seeded_at
from gencraft.noise.simplex import _simplex2, simplex2_at, simplex3_at, simplex4_at
from gencraft.noise.tables import OFF_SEED

SIMPLEX = 0
OS2 = 1
PERLIN = 2

MODE_FBM = 0
MODE_RIDGED = 1
MODE_TURBULENCE = 2

OCTAVE_DX = 131.71
OCTAVE_DY = 71.37
OCTAVE_DZ = 53.93
OCTAVE_DW = 97.13


@njit(cache=True, inline="always")
def base2_at(kind, x, y, perm):
    """Base 2D noise of the given kind (Perlin 2D is the z=0 slice of Perlin 3D)."""
    if kind == OS2:
        return os2_2d_at(x, y, perm[OFF_SEED])
    if kind == PERLIN:
        return perlin3_seeded_at(x, y, 0.0, perm)
    return simplex2_at(x, y, perm)


@njit(cache=True, inline="always")
def base3_at(kind, x, y, z, perm):
    if kind == PERLIN:
        return perlin3_seeded_at(x, y, z, perm)
    return simplex3_at(x, y, z, perm)


@njit(cache=True, inline="always")
def _shape(mode, n):
    if mode == MODE_RIDGED:
        r = 1.0 - abs(n)
        return r * r
    if mode == MODE_TURBULENCE:
        return abs(n)
    return n


# One octave loop per base kind, so each loop inlines exactly one noise
# function (a kind test inside the loop stops LLVM inlining and halves speed).
@njit(cache=True)
def _fractal2_simplex(mode, x, y, perm, octaves, lacunarity, gain):
    total = 0.0
    norm = 0.0
    amp = 1.0
    freq = 1.0
    for i in range(octaves):
        n = _simplex2(x * freq + i * OCTAVE_DX, y * freq + i * OCTAVE_DY, perm)
        total += amp * _shape(mode, n)
        norm += amp
        amp *= gain
        freq *= lacunarity
    return total / norm


@njit(cache=True)
def _fractal2_os2(mode, x, y, perm, octaves, lacunarity, gain):
    seed = perm[OFF_SEED]
    total = 0.0
    norm = 0.0
    amp = 1.0
    freq = 1.0
    for i in range(octaves):
        n = _os2(x * freq + i * OCTAVE_DX, y * freq + i * OCTAVE_DY, seed)
        total += amp * _shape(mode, n)
        norm += amp
        amp *= gain
        freq *= lacunarity
    return total / norm


@njit(cache=True)
def _fractal2_perlin(mode, x, y, perm, octaves, lacunarity, gain):
    total = 0.0
    norm = 0.0
    amp = 1.0
    freq = 1.0
    for i in range(octaves):
        n = perlin3_seeded_at(x * freq + i * OCTAVE_DX, y * freq + i * OCTAVE_DY, 0.0, perm)
        total += amp * _shape(mode, n)
        norm += amp
        amp *= gain
        freq *= lacunarity
    return total / norm


@njit(cache=True)
def fractal2_at(kind, mode, x, y, perm, octaves, lacunarity, gain):
    """Sum of ``octaves`` (>= 1) octaves of base 2D noise, shaped by ``mode``, normalised."""
    if kind == OS2:
        return _fractal2_os2(mode, x, y, perm, octaves, lacunarity, gain)
    if kind == PERLIN:
        return _fractal2_perlin(mode, x, y, perm, octaves, lacunarity, gain)
    return _fractal2_simplex(mode, x, y, perm, octaves, lacunarity, gain)


@njit(cache=True)
def fractal3_at(kind, mode, x, y, z, perm, octaves, lacunarity, gain):
    if octaves == 1 and mode == MODE_FBM:  # plain noise: exactly the base (no x*1.0 + 0.0 round trip)
        return base3_at(kind, x, y, z, perm)
    total = 0.0
    norm = 0.0
    amp = 1.0
    freq = 1.0
    for i in range(octaves):
        n = base3_at(kind, x * freq + i * OCTAVE_DX, y * freq + i * OCTAVE_DY,
                     z * freq + i * OCTAVE_DZ, perm)
        total += amp * _shape(mode, n)
        norm += amp
        amp *= gain
        freq *= lacunarity
    return total / norm


@njit(cache=True)
def fractal4_at(mode, x, y, z, w, perm, octaves, lacunarity, gain):
    if octaves == 1 and mode == MODE_FBM:
        return simplex4_at(x, y, z, w, perm)
    total = 0.0
    norm = 0.0
    amp = 1.0
    freq = 1.0
    for i in range(octaves):
        n = simplex4_at(x * freq + i * OCTAVE_DX, y * freq + i * OCTAVE_DY,
                        z * freq + i * OCTAVE_DZ, w * freq + i * OCTAVE_DW, perm)
        total += amp * _shape(mode, n)
        norm += amp
        amp *= gain
        freq *= lacunarity
    return total / norm


@njit(cache=True)
def fbm2_at(x, y, perm, octaves, lacunarity, gain):
    """OpenSimplex 2D fBm at (x, y), normalised to about [-1, 1]."""
    return fractal2_at(SIMPLEX, MODE_FBM, x, y, perm, octaves, lacunarity, gain)


@njit(cache=True)
def curl2_at(x, y, perm, eps):
    """Curl of the simplex2 potential psi: (dpsi/dy, -dpsi/dx) by central differences.

    Divergence-free by construction (Bridson et al. 2007, "Curl-noise for
    procedural fluid flow"); speeds are about 1/eps-independent, roughly [-2, 2]
    per unit frequency.
    """
    inv = 0.5 / eps
    dpdx = (simplex2_at(x + eps, y, perm) - simplex2_at(x - eps, y, perm)) * inv
    dpdy = (simplex2_at(x, y + eps, perm) - simplex2_at(x, y - eps, perm)) * inv
    return dpdy, -dpdx


@njit(cache=True)
def curl2_fractal_at(kind, x, y, perm, eps, octaves, lacunarity, gain):
    """Curl of an fBm potential of the given base kind (same finite differences)."""
    inv = 0.5 / eps
    dpdx = (fractal2_at(kind, MODE_FBM, x + eps, y, perm, octaves, lacunarity, gain)
            - fractal2_at(kind, MODE_FBM, x - eps, y, perm, octaves, lacunarity, gain)) * inv
    dpdy = (fractal2_at(kind, MODE_FBM, x, y + eps, perm, octaves, lacunarity, gain)
            - fractal2_at(kind, MODE_FBM, x, y - eps, perm, octaves, lacunarity, gain)) * inv
    return dpdy, -dpdx


# Offsets that turn one scalar noise into the three components of a vector
# potential (psi1, psi2, psi3) for 3D curl noise.
_C3A = (0.0, 0.0, 0.0)
_C3B = (31.416, -47.853, 12.679)
_C3C = (-19.191, 27.182, 73.205)


@njit(cache=True, inline="always")
def _pot3(c, kind, x, y, z, perm, octaves, lacunarity, gain):
    if c == 0:
        ox, oy, oz = _C3A
    elif c == 1:
        ox, oy, oz = _C3B
    else:
        ox, oy, oz = _C3C
    return fractal3_at(kind, MODE_FBM, x + ox, y + oy, z + oz, perm, octaves, lacunarity, gain)


@njit(cache=True)
def curl3_at(kind, x, y, z, perm, eps, octaves, lacunarity, gain):
    """Curl of a 3-component noise vector potential: a divergence-free 3D velocity."""
    inv = 0.5 / eps
    d1dy = (_pot3(0, kind, x, y + eps, z, perm, octaves, lacunarity, gain)
            - _pot3(0, kind, x, y - eps, z, perm, octaves, lacunarity, gain)) * inv
    d1dz = (_pot3(0, kind, x, y, z + eps, perm, octaves, lacunarity, gain)
            - _pot3(0, kind, x, y, z - eps, perm, octaves, lacunarity, gain)) * inv
    d2dx = (_pot3(1, kind, x + eps, y, z, perm, octaves, lacunarity, gain)
            - _pot3(1, kind, x - eps, y, z, perm, octaves, lacunarity, gain)) * inv
    d2dz = (_pot3(1, kind, x, y, z + eps, perm, octaves, lacunarity, gain)
            - _pot3(1, kind, x, y, z - eps, perm, octaves, lacunarity, gain)) * inv
    d3dx = (_pot3(2, kind, x + eps, y, z, perm, octaves, lacunarity, gain)
            - _pot3(2, kind, x - eps, y, z, perm, octaves, lacunarity, gain)) * inv
    d3dy = (_pot3(2, kind, x, y + eps, z, perm, octaves, lacunarity, gain)
            - _pot3(2, kind, x, y - eps, z, perm, octaves, lacunarity, gain)) * inv
    return d3dy - d2dz, d1dz - d3dx, d2dx - d1dy


# Inigo Quilez, "Domain warping" (2002/2012): f(p + s*q(p)) with
# q = (fbm(p), fbm(p + (5.2, 1.3))), and a second level through r.
@njit(cache=True)
def warp2_at(kind, x, y, perm, levels, strength, octaves, lacunarity, gain):
    """IQ domain warping; returns (f, qx, qy, rx, ry) (r is 0 for one level)."""
    qx = fractal2_at(kind, MODE_FBM, x, y, perm, octaves, lacunarity, gain)
    qy = fractal2_at(kind, MODE_FBM, x + 5.2, y + 1.3, perm, octaves, lacunarity, gain)
    px = x + strength * qx
    py = y + strength * qy
    rx = 0.0
    ry = 0.0
    if levels >= 2:
        rx = fractal2_at(kind, MODE_FBM, px + 1.7, py + 9.2, perm, octaves, lacunarity, gain)
        ry = fractal2_at(kind, MODE_FBM, px + 8.3, py + 2.8, perm, octaves, lacunarity, gain)
        px = x + strength * rx
        py = y + strength * ry
    f = fractal2_at(kind, MODE_FBM, px, py, perm, octaves, lacunarity, gain)
    return f, qx, qy, rx, ry
