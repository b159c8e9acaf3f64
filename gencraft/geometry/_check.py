"""Argument checks shared by the geometry engines: one clear ValueError naming the argument."""
from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite_positive(name: str, value: Any) -> float:
    """A finite number > 0, or ValueError naming it."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a finite number > 0, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name}: expected a finite number > 0, got {value!r}")
    return x


def finite_number(name: str, value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a finite number, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(x):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return x


def int_in(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name}: expected an integer in [{lo}, {hi}], got {value!r}")
    return int(value)


def seed_rng(seed: Any) -> np.random.Generator:
    """A generator from an explicit seed: an int >= 0, a SeedSequence or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise ValueError(f"seed: expected an int >= 0, a numpy SeedSequence or Generator, got {seed!r}")


def points2d(name: str, points: Any, min_count: int = 1) -> np.ndarray:
    """An (N, 2) float64 array of finite points, N >= min_count."""
    try:
        p = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected an (N, 2) array of numbers, got {type(points).__name__}") from None
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"{name}: expected an (N, 2) array of points, got shape {p.shape}")
    if len(p) < min_count:
        raise ValueError(f"{name}: expected at least {min_count} points, got {len(p)}")
    if not np.isfinite(p).all():
        bad = int(np.flatnonzero(~np.isfinite(p).all(axis=1))[0])
        raise ValueError(f"{name}: expected finite coordinates, point {bad} is {p[bad].tolist()}")
    return p


def field_image(name: str, field: Any, width: float, height: float, feature: float) -> np.ndarray:
    """A 2-D image for a field given as an array (row 0 at the top) or a callable f(x, y).

    A callable is sampled at pixel centres on a grid fine enough for ``feature``
    (canvas units), 256 to 2048 pixels on the long side.
    """
    if callable(field):
        n = int(min(2048, max(256, math.ceil(max(width, height) / max(feature / 2, 1e-9)))))
        scale = max(width, height) / n
        cols, rows = max(1, round(width / scale)), max(1, round(height / scale))
        xs = (np.arange(cols) + 0.5) * (width / cols)
        ys = (np.arange(rows) + 0.5) * (height / rows)
        X, Y = np.meshgrid(xs, ys)
        try:
            out = np.asarray(field(X, Y))
        except Exception as exc:  # noqa: BLE001 - report which argument failed
            raise ValueError(f"{name}: the callable raised {type(exc).__name__}: {exc}") from None
        if out.shape != X.shape:
            try:
                out = np.broadcast_to(out, X.shape)
            except ValueError:
                raise ValueError(f"{name}: the callable must return an array shaped like x, got {out.shape}") from None
        return np.asarray(out) if out.dtype == bool else np.asarray(out, dtype=np.float64)
    try:
        img = np.asarray(field)
    except Exception:  # noqa: BLE001
        raise ValueError(f"{name}: expected a 2-D array or a callable, got {type(field).__name__}") from None
    if img.dtype != bool:
        try:
            img = img.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: expected a 2-D numeric or boolean array, got dtype {img.dtype}") from None
    if img.ndim != 2 or img.size == 0:
        raise ValueError(f"{name}: expected a non-empty 2-D array (rows, cols), got shape {img.shape}")
    if img.dtype != bool and not np.isfinite(img).all():
        raise ValueError(f"{name}: expected finite values, got NaN or inf")
    return img
