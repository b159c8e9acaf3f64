"""L-systems: rewriting + turtle, gencraft (Numba) against a naive pure-Python loop.

The baseline is what one writes first: ``"".join(rules.get(c, c) for c in s)``
per step, then a turtle loop over the characters with ``math.cos``/``sin``,
collecting segments. Both produce the same segment count (checked). The two
are interleaved (harness.compare); the ratio is the median of per-pair ratios.
"""
from __future__ import annotations

import math

from benchmarks.harness import Result, compare
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


def _case(label, spec, n, repeats):
    system = _system(spec)
    got = {}

    def ours_call():
        got["ours"] = ours(system, n)

    def base_call():
        got["base"] = naive(*spec[:2], spec[2], spec[3], n)

    t = compare(ours_call, base_call, repeats=repeats)
    assert got["ours"] == got["base"], (got["ours"], got["base"])
    modules, segments = got["ours"]
    return Result("lsystem", f"{label}: {modules:,} modules, {segments:,} segments",
                  baseline_name="naive Python (str join + turtle loop)", goal=">= 20x", timing=t,
                  extra={"M modules/s": modules / t.ours / 1e6, "M modules/s baseline": modules / t.baseline / 1e6})


def run(quick: bool, device: str) -> list[Result]:
    return [
        _case("ABoP 1.24b n=7, rewrite+turtle", PLANT_124B, 7, 5 if quick else 9),
        # the naive side takes ~3.5 s at n=22: 3 interleaved pairs after the warm-up
        _case(f"dragon n={18 if quick else 22}, rewrite+turtle", DRAGON, 18 if quick else 22, 5 if quick else 3),
    ]
