"""L-systems: a grammar language, fast rewriting and a 2D/3D turtle.

The pipeline, each step usable alone::

    from gencraft.lsystem import parse_lsystem, derive, interpret, draw_turtle
    system = parse_lsystem('''
        axiom: X
        angle: 20
        X -> F[+X]F[-X]+X
        F -> FF
    ''')
    word = derive(system, n=7, rng=rng)        # Word: uint8 codes (+ arguments)
    shape = interpret(system, word)            # TurtleResult: 3D polylines
    draw_turtle(canvas, shape)                 # fitted, one batched Canvas.polylines call

Presets (ABoP chapter 1): ``load_preset("dragon")``, ``preset_names()``.
Grammar and semantics: :mod:`.grammar`, :mod:`.rewrite`, :mod:`.turtle`.
"""
from gencraft.lsystem.expr import LSystemSyntaxError
from gencraft.lsystem.grammar import LSystem, inline_lsystem, parse_lsystem
from gencraft.lsystem.presets import load_preset, load_source, preset_names
from gencraft.lsystem.rewrite import DEFAULT_MAX_MODULES, Word, derive
from gencraft.lsystem.stats import lsystem_stats
from gencraft.lsystem.turtle import Projection, TurtleResult, interpret


def draw_turtle(canvas, shape, **kwargs):
    """Draw turtle output on a canvas (see :func:`gencraft.lsystem.draw.draw_turtle`)."""
    from gencraft.lsystem.draw import draw_turtle as _draw

    return _draw(canvas, shape, **kwargs)


__all__ = ["LSystem", "LSystemSyntaxError", "parse_lsystem", "inline_lsystem", "derive", "Word",
           "interpret", "TurtleResult", "Projection", "load_preset", "load_source", "preset_names",
           "lsystem_stats", "draw_turtle", "DEFAULT_MAX_MODULES"]
