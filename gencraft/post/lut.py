"""3D colour lookup tables in the ``.cube`` format, applied with trilinear interpolation.

A ``.cube`` file (Adobe/Resolve) lists ``LUT_3D_SIZE`` N, an optional
``DOMAIN_MIN``/``DOMAIN_MAX`` (or ``LUT_3D_INPUT_RANGE``), then N³ lines of
``r g b`` output values with red changing fastest, then green, then blue. The
table is indexed ``table[b, g, r]``. An input colour is scaled into the
lattice, and the 8 lattice points around it are mixed by their distances
(trilinear interpolation); inputs outside the domain are clamped to it.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gencraft.errors import UserError

MAX_SIZE = 256   # 256³ entries: the largest LUTs in use are 65³


@dataclass
class Lut3D:
    table: np.ndarray          # (N, N, N, 3) float64, indexed [b, g, r]
    domain_min: np.ndarray     # (3,)
    domain_max: np.ndarray     # (3,)
    title: str = ""
    path: str = ""
    sha256: str = ""

    @property
    def size(self) -> int:
        return int(self.table.shape[0])

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        return apply_lut(rgb, self)

    def describe(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "size": self.size, "title": self.title}


def identity_lut(n: int) -> Lut3D:
    """The LUT that changes nothing (N points a side)."""
    axis = np.linspace(0.0, 1.0, n)
    b, g, r = np.meshgrid(axis, axis, axis, indexing="ij")
    return Lut3D(np.stack([r, g, b], axis=-1), np.zeros(3), np.ones(3), "identity")


def write_cube(lut: Lut3D) -> str:
    """The ``.cube`` text of a LUT (red fastest)."""
    lines = [f'TITLE "{lut.title}"'] if lut.title else []
    lines.append(f"LUT_3D_SIZE {lut.size}")
    lines.append("DOMAIN_MIN " + " ".join(f"{v:g}" for v in lut.domain_min))
    lines.append("DOMAIN_MAX " + " ".join(f"{v:g}" for v in lut.domain_max))
    lines += [f"{r:.6f} {g:.6f} {b:.6f}" for r, g, b in lut.table.reshape(-1, 3)]
    return "\n".join(lines) + "\n"


def parse_cube(text: str, where: str = "LUT") -> Lut3D:
    """Parse ``.cube`` text; a mistake is one line naming the line number."""
    size = None
    dmin, dmax = np.zeros(3), np.ones(3)
    title = ""
    rows: list[tuple[float, float, float]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        key = words[0].upper()
        if key == "TITLE":
            title = line[5:].strip().strip('"')
        elif key == "LUT_1D_SIZE":
            raise UserError(f"{where}: line {number}: a 1D LUT (LUT_1D_SIZE); expected a 3D LUT (LUT_3D_SIZE)")
        elif key == "LUT_3D_SIZE":
            if len(words) != 2 or not words[1].isdigit() or not 2 <= int(words[1]) <= MAX_SIZE:
                raise UserError(f"{where}: line {number}: {line!r}; expected LUT_3D_SIZE N with N from 2 to {MAX_SIZE}")
            if rows:
                raise UserError(f"{where}: line {number}: LUT_3D_SIZE after the table; expected it before")
            size = int(words[1])
        elif key in ("DOMAIN_MIN", "DOMAIN_MAX"):
            values = _numbers(words[1:], 3, where, number, line)
            if key == "DOMAIN_MIN":
                dmin = values
            else:
                dmax = values
        elif key == "LUT_3D_INPUT_RANGE":
            lo, hi = _numbers(words[1:], 2, where, number, line)
            dmin, dmax = np.full(3, lo), np.full(3, hi)
        elif key[0].isalpha():
            continue  # other keywords (LUT_IN_VIDEO_RANGE...) do not change the table
        else:
            if size is None:
                raise UserError(f"{where}: line {number}: table data before LUT_3D_SIZE")
            rows.append(tuple(_numbers(words, 3, where, number, line)))
    if size is None:
        raise UserError(f"{where}: no LUT_3D_SIZE line; expected a 3D .cube LUT")
    if len(rows) != size ** 3:
        raise UserError(f"{where}: {len(rows):,} table rows; expected {size ** 3:,} ({size}³ for LUT_3D_SIZE {size})")
    if not (dmax > dmin).all():
        raise UserError(f"{where}: DOMAIN_MAX {dmax.tolist()} must exceed DOMAIN_MIN {dmin.tolist()} in every channel")
    table = np.asarray(rows, dtype=np.float64).reshape(size, size, size, 3)
    return Lut3D(table, dmin, dmax, title)


def _numbers(words, count: int, where: str, number: int, line: str) -> np.ndarray:
    try:
        values = [float(w) for w in words]
    except ValueError:
        values = []
    if len(values) != count or not all(math.isfinite(v) for v in values):
        raise UserError(f"{where}: line {number}: {line[:60]!r}; expected {count} finite numbers")
    return np.asarray(values, dtype=np.float64)


def read_cube(path: str | Path) -> Lut3D:
    """Read a ``.cube`` file (checked); its path and sha256 are recorded with it."""
    path = Path(path)
    if path.suffix.lower() != ".cube":
        raise UserError(f"LUT {str(path)!r}: expected a .cube file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"LUT {str(path)!r} does not exist") from None
    except OSError as exc:
        raise UserError(f"cannot read LUT {str(path)!r}: {exc.strerror or exc}") from None
    if len(data) > 64 * 2**20:
        raise UserError(f"LUT {str(path)!r} is {len(data) / 2**20:.0f} MiB; expected at most 64 MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"LUT {str(path)!r} is not text: expected a .cube file") from None
    lut = parse_cube(text, f"LUT {str(path)!r}")
    lut.path, lut.sha256 = str(path.resolve()), hashlib.sha256(data).hexdigest()
    return lut


def apply_lut(rgb: np.ndarray, lut: Lut3D) -> np.ndarray:
    """Map float RGB (..., 3) through the LUT with trilinear interpolation."""
    n = lut.size
    x = (np.asarray(rgb, dtype=np.float64) - lut.domain_min) / (lut.domain_max - lut.domain_min)
    x = np.clip(x, 0.0, 1.0) * (n - 1)
    i0 = np.minimum(np.floor(x).astype(np.intp), n - 2)
    f = x - i0
    r0, g0, b0 = i0[..., 0], i0[..., 1], i0[..., 2]
    fr, fg, fb = f[..., 0:1], f[..., 1:2], f[..., 2:3]
    t = lut.table

    def at(db, dg, dr):
        return t[b0 + db, g0 + dg, r0 + dr]

    c00 = at(0, 0, 0) * (1 - fr) + at(0, 0, 1) * fr
    c10 = at(0, 1, 0) * (1 - fr) + at(0, 1, 1) * fr
    c01 = at(1, 0, 0) * (1 - fr) + at(1, 0, 1) * fr
    c11 = at(1, 1, 0) * (1 - fr) + at(1, 1, 1) * fr
    c0 = c00 * (1 - fg) + c10 * fg
    c1 = c01 * (1 - fg) + c11 * fg
    return c0 * (1 - fb) + c1 * fb
