"""L-systems: rewriting + turtle, gencraft (Numba) against a naive pure-Python loop.

The baseline is what one writes first: ``"".join(rules.get(c, c) for c in s)``
per step, then a turtle loop over the characters with ``math.cos``/``sin``,
collecting segments. Both produce the same segment count (checked).
"""
from __future__ import annotations

import math

from benchmarks.harness import Result, best_time
from gencraft.lsystem import derive, interpret, parse_lsystem

PLANT_124B = ("F", {"F": "F[+F]F[-F][F]"}, 20.0, "F")
DRAGON = ("L", {"L": "L+R+", "R": "-L-R"}, 90.0, "LR")


def naive(axiom: str, rules: dict, angle: float, draw: str, n: int):
    s = axiom
    for _ in range(n):
        s = "".join(rules.get(c, c) for c in s)
    x = y = 0.0
    h = math.pi / 2
    a = math.radians(angle)
    stack, segments = [], []
    for c in s:
        if c in draw:
            nx, ny = x + math.cos(h), y + math.sin(h)
            segments.append((x, y, nx, ny))
            x, y = nx, ny
        elif c == "+":
            h += a
        elif c == "-":
            h -= a
        elif c == "[":
            stack.append((x, y, h))
        elif c == "]":
            x, y, h = stack.pop()
    return len(s), len(segments)


def ours(system, n: int):
    word = derive(system, n)
    shape = interpret(system, word)
    return len(word), shape.draw_count


def _system(spec):
    axiom, rules, angle, draw = spec
    lines = [f"axiom: {axiom}", f"angle: {angle}", f"draw: {draw}"] + [f"{k} -> {v}" for k, v in rules.items()]
    return parse_lsystem("\n".join(lines))


def _case(label, spec, n, repeats, base_repeats):
    system = _system(spec)
    ours_result = ours(system, n)
    base_result = naive(*spec[:2], spec[2], spec[3], n)
    assert ours_result == base_result, (ours_result, base_result)
    t_ours = best_time(lambda: ours(system, n), repeats=repeats)
    t_base = best_time(lambda: naive(*spec[:2], spec[2], spec[3], n), repeats=base_repeats, warmup=0)
    modules = ours_result[0]
    return Result("lsystem", f"{label}: {modules:,} modules, {ours_result[1]:,} segments", t_ours,
                  "naive Python (str join + turtle loop)", t_base, ">= 20x",
                  {"M modules/s": modules / t_ours / 1e6, "M modules/s baseline": modules / t_base / 1e6})


def run(quick: bool, device: str) -> list[Result]:
    return [
        _case("ABoP 1.24b n=7, rewrite+turtle", PLANT_124B, 7, 15, 3),
        _case(f"dragon n={18 if quick else 22}, rewrite+turtle", DRAGON, 18 if quick else 22, 3, 1),
    ]
