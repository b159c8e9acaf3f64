"""Pre-mint simulation: traits and rarity for many hashes, without rendering.

Only ``features()`` runs, so an artist can sample 10,000 hashes in seconds and
balance trait odds before committing to an edition.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from gencraft.params import Params
from gencraft.sketch import Sketch, load_sketch
from gencraft.editions.hashes import check_count, hashes_from_seed, random_collection_seed
from gencraft.editions.rarity import display, format_table, rarity
from gencraft.editions.runner import compute_traits

RARE_SHARE = 0.01
#: one trait combination held by more tokens than this reads as "they all look the same"
COMMON_COMBINATION = 0.40


@dataclass
class SimulationReport:
    sketch: str
    collection_seed: str
    count: int
    rarity: dict

    def to_json(self) -> dict:
        return {"sketch": self.sketch, "collection_seed": self.collection_seed, "count": self.count,
                "hints": self.hints(), **{k: v for k, v in self.rarity.items() if k != "tokens"},
                "score": self.score_stats(), "rarest": self.rarest()}

    def score_stats(self) -> dict:
        scores = [t["score"] for t in self.rarity["tokens"]]
        if not scores:
            return {}
        q = statistics.quantiles(scores, n=20) if len(scores) > 1 else [scores[0]] * 19
        return {"min": min(scores), "p5": round(q[0], 6), "median": round(statistics.median(scores), 6),
                "p95": round(q[-1], 6), "max": max(scores)}

    def rarest(self, k: int = 5) -> list[dict]:
        return sorted(self.rarity["tokens"], key=lambda t: (t["rank"], t["token_id"]))[:k]

    def hints(self) -> list[str]:
        """Plain-language warnings about trait balance."""
        out = []
        for name, rows in self.rarity["traits"].items():
            if len(rows) == 1:
                out.append(f"trait {name!r} always has the value {display(rows[0]['value'])!r}")
            elif len(rows) > max(20, self.count // 2):
                out.append(f"trait {name!r} has {len(rows)} distinct values: round it, or every token is unique")
            rare = [r for r in rows if r["share"] < RARE_SHARE]
            if rare and len(rows) <= 20:
                shown = ", ".join(f"{display(r['value'])} ({100 * r['share']:.2f}%)" for r in rare[:4])
                out.append(f"trait {name!r}: rare values {shown}")
        top = self.rarity.get("top_combination") or {}
        if self.rarity["traits"] and top.get("share", 0) > COMMON_COMBINATION:
            shown = ", ".join(f"{k}={display(v)}" for k, v in top["traits"].items())
            out.append(f"{100 * top['share']:.0f}% of tokens share one trait combination ({shown})")
        return out

    def text(self) -> str:
        lines = [f"simulated {self.count} tokens of {self.sketch} (collection seed {self.collection_seed})",
                 "",
                 format_table(self.rarity), ""]
        s = self.score_stats()
        if s and self.rarity["traits"]:
            lines.append(f"rarity score: min {s['min']:.3f}  p5 {s['p5']:.3f}  median {s['median']:.3f}  "
                         f"p95 {s['p95']:.3f}  max {s['max']:.3f}")
            lines.append("rarest: " + ", ".join(f"#{t['token_id']} ({t['score']:.2f})" for t in self.rarest()))
        for h in self.hints():
            lines.append(f"note: {h}")
        return "\n".join(lines)


def simulate(sketch: str | Path | Sketch, count: int, collection_seed: Any = None,
             params: Mapping[str, Any] | Params | None = None, progress: bool = False) -> SimulationReport:
    """Traits and rarity of `count` hashes from `collection_seed` (a fresh random one if None)."""
    check_count(count, "--simulate")
    sk = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    params = params if isinstance(params, Params) else sk.resolve(params or {})
    seed = str(collection_seed) if collection_seed is not None else random_collection_seed()
    hashes = hashes_from_seed(seed, count)
    traits = compute_traits(sk, params, hashes, progress)
    return SimulationReport(str(sk.path), seed, count, rarity(traits, hashes))
