"""The variant grid: neighbouring seeds, or random parameters with some locked.

Each cell is a seed plus a full set of parameter overrides, so clicking a
cell adopts exactly what it shows. Random values are drawn from the declared
ranges (snapped to each slider's step), as fx(lens) does for its variations.
"""
from __future__ import annotations

import colorsys
import random
import re
from typing import Any

_INT = re.compile(r"^[+-]?\d+$")
MAX_CELLS = 36


def step_seed(seed: str, delta: int) -> str:
    """The neighbouring seed: integers count, any other seed gets a numbered suffix."""
    seed = str(seed).strip()
    if _INT.match(seed):
        return str(int(seed) + delta)
    m = re.match(r"^(.*)-(\d+)$", seed)
    if m:
        n = int(m.group(2)) + delta
        return m.group(1) if n <= 0 else f"{m.group(1)}-{n}"
    return seed if delta <= 0 else f"{seed}-{delta}"


def neighbour_seeds(seed: str, count: int) -> list[str]:
    """`count` seeds centred on `seed` (which sits in the middle cell)."""
    first = -(count // 2)
    if _INT.match(str(seed).strip()):
        return [step_seed(seed, first + k) for k in range(count)]
    return [str(seed)] + [step_seed(seed, k) for k in range(1, count)]


def random_value(desc: dict[str, Any], rnd: random.Random) -> Any:
    """A random value for one described parameter (see Param.describe())."""
    kind = desc["kind"]
    if kind == "float":
        lo, hi, step = desc["min"], desc["max"], desc.get("step") or 0
        x = rnd.uniform(lo, hi)
        if step:
            x = lo + round((x - lo) / step) * step
        return float(min(hi, max(lo, round(x, 10))))
    if kind == "int":
        lo, hi, step = desc["min"], desc["max"], desc.get("step") or 1
        return lo + step * rnd.randint(0, (hi - lo) // step)
    if kind == "bool":
        return rnd.random() < 0.5
    if kind == "choice":
        return rnd.choice(desc["options"])
    if kind == "colour":  # any hue, but no neon: moderate saturation and lightness
        r, g, b = colorsys.hls_to_rgb(rnd.random(), rnd.uniform(0.25, 0.8), rnd.uniform(0.3, 0.7))
        return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))
    return desc["default"]


def grid_cells(mode: str, count: int, seed: str, values: dict[str, Any], params: list[dict[str, Any]],
               locked: set[str] | None = None, lock_seed: bool = True,
               rnd: random.Random | None = None) -> list[dict[str, Any]]:
    """The cells of a grid: ``[{"seed": str, "overrides": {name: value}}]``.

    mode "seeds": the current parameters with neighbouring seeds.
    mode "params": random values for every unlocked parameter; the seed stays
    unless `lock_seed` is false, then each cell gets a random seed too.
    """
    if not 1 <= count <= MAX_CELLS:
        raise ValueError(f"grid of {count} cells: expected 1 to {MAX_CELLS}")
    if mode == "seeds":
        return [{"seed": s, "overrides": dict(values)} for s in neighbour_seeds(seed, count)]
    if mode != "params":
        raise ValueError(f"grid mode {mode!r}: expected 'seeds' or 'params'")
    rnd = rnd or random.Random()
    locked = set(locked or ())
    cells = []
    for _ in range(count):
        overrides = {p["name"]: (values.get(p["name"], p["default"]) if p["name"] in locked
                                 else random_value(p, rnd)) for p in params}
        cell_seed = seed if lock_seed else str(rnd.randrange(1_000_000))
        cells.append({"seed": cell_seed, "overrides": overrides})
    return cells
