"""The measured bar every bundled art sketch meets (issue: editions that vary).

Traits: over 400 simulated hashes, at least 8 unique trait combinations, every
trait takes at least 2 values, no combination above 40 %.
Renders: over 12 seeds rendered small, none blank (at least 3 % of pixels
differ from the background colour) and no two near-identical.

Kept apart from the tests so an artist can run it on a sketch of their own::

    python -m tests.edition_bar sketches/flow.py
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np

MIN_COMBINATIONS = 8
MAX_COMBINATION_SHARE = 0.40
MIN_INK = 0.03
INK_LEVELS = 24            # a pixel differs from the background by more than this (any channel)
SAME_MEAN_LEVELS = 4.0     # two 64 px thumbnails closer than this on average are near-identical
BAR_SEEDS = [f"0x{i:02x}" + "c3" * 31 for i in range(12)]


@dataclass
class BarReport:
    sketch: str
    combinations: int = 0
    top_share: float = 0.0
    trait_values: dict = field(default_factory=dict)
    ink: list = field(default_factory=list)
    closest: float = float("inf")
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def background_share(rgba: np.ndarray) -> float:
    """Share of pixels that look like the background (the commonest colour, quantised)."""
    rgb = rgba[..., :3].astype(np.int32)
    q = (rgb // 8).reshape(-1, 3)
    keys = q[:, 0] * 1024 + q[:, 1] * 32 + q[:, 2]
    mode = np.bincount(keys).argmax()
    bg = np.array([mode // 1024, (mode // 32) % 32, mode % 32]) * 8 + 4
    return float((np.abs(rgb - bg).max(axis=-1) <= INK_LEVELS).mean())


def thumb(rgba: np.ndarray, side: int = 64) -> np.ndarray:
    from PIL import Image

    img = Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB").resize((side, side), Image.Resampling.BOX)
    return np.asarray(img, dtype=np.float64)


def check(path, count: int = 400, size=(160, 160), seeds=BAR_SEEDS) -> BarReport:
    from gencraft.editions.simulate import simulate
    from gencraft.render import render
    from gencraft.sketch import load_sketch

    sk = load_sketch(path)
    report = BarReport(sk.name)
    sim = simulate(sk, count, collection_seed="edition-bar", progress=False).rarity
    report.combinations = sim["unique_combinations"]
    report.top_share = sim["top_combination"]["share"]
    report.trait_values = {name: len(rows) for name, rows in sim["traits"].items()}
    if not sim["traits"]:
        report.problems.append("no traits")
    if report.combinations < MIN_COMBINATIONS:
        report.problems.append(f"{report.combinations} trait combinations in {count} (want >= {MIN_COMBINATIONS})")
    if report.top_share > MAX_COMBINATION_SHARE:
        report.problems.append(f"one combination holds {100 * report.top_share:.0f}% of tokens")
    for name, n in report.trait_values.items():
        if n < 2:
            report.problems.append(f"trait {name!r} never varies")
    thumbs = []
    for seed in seeds:
        rgba = render(sk, None, seed=seed, size=size).rgba
        ink = 1.0 - background_share(rgba)
        report.ink.append(round(ink, 4))
        if ink < MIN_INK:
            report.problems.append(f"seed {seed[:8]}… is nearly blank ({100 * ink:.1f}% ink)")
        thumbs.append(thumb(rgba))
    for i in range(len(thumbs)):
        for j in range(i + 1, len(thumbs)):
            d = float(np.abs(thumbs[i] - thumbs[j]).mean())
            report.closest = min(report.closest, d)
            if d < SAME_MEAN_LEVELS:
                report.problems.append(f"seeds {i} and {j} are near-identical (mean difference {d:.1f} levels)")
    return report


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        r = check(arg)
        print(f"{r.sketch}: {'OK' if r.ok else 'FAILS'}  combinations {r.combinations}, top {100 * r.top_share:.0f}%, "
              f"traits {r.trait_values}, min ink {100 * min(r.ink):.1f}%, closest pair {r.closest:.1f} levels")
        for p in r.problems:
            print("   ", p)
