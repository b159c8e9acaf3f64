"""Numbers that describe a derived system without drawing it (``--stats``)."""
from __future__ import annotations

from gencraft.lsystem.grammar import LSystem
from gencraft.lsystem.rewrite import DEFAULT_MAX_MODULES, derive
from gencraft.lsystem.turtle import interpret


def lsystem_stats(system: LSystem, n: int | None = None, heading: float | None = None, rng=None,
                  max_modules: int = DEFAULT_MAX_MODULES) -> dict:
    """string_length, draw_count, end_point [x, y] and bbox [xmin, ymin, xmax, ymax].

    The turtle takes unit steps from (0, 0), heading ``heading`` degrees (0 =
    +x; default the system's, normally 90 = +y), ``+`` counter-clockwise. The
    bbox covers every position the turtle occupies (moves included).
    """
    word = derive(system, n, rng=rng, max_modules=max_modules)
    shape = interpret(system, word, step=1.0, heading=90.0 if heading is None else heading)

    def clean(v):
        v = round(float(v), 9)
        return 0.0 if v == 0 else v

    return {
        "name": system.name,
        "n": system.n if n is None else int(n),
        "string_length": len(word),
        "draw_count": shape.draw_count,
        "end_point": [clean(shape.end_point[0]), clean(shape.end_point[1])],
        "bbox": [clean(v) for v in shape.path_bbox],
    }
