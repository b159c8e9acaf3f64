"""Trait tables and rarity scores.

The trait table counts each value of each trait over the edition; a token
without a trait counts as the value ``None`` ("(none)"), as OpenRarity does.

Rarity score (OpenRarity-style information content): a token whose value of
trait t has share p_t carries ``I = sum_t -log2(p_t)`` bits; the score is
``I / H`` where ``H = sum_t H_t`` is the edition's total trait entropy (the
expected I of a random token). A score of 1 is typical, higher is rarer;
rank 1 is the rarest token (ties share a rank). Every distinct value is a
category, so a continuous float trait makes every token unique: round such
traits inside ``features()``.
"""
from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

METHOD = "information content (OpenRarity-style): score = sum_t -log2(share_t) / sum_t entropy_t"


def _key(value: Any) -> str:
    """A dict key that keeps True, 1 and "1" apart."""
    return json.dumps(value, sort_keys=True)


def display(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def trait_types(traits: list[dict]) -> list[str]:
    """Trait names in order of first appearance."""
    seen: dict[str, None] = {}
    for t in traits:
        for k in t:
            seen.setdefault(k, None)
    return list(seen)


def trait_table(traits: list[dict]) -> dict[str, list[dict]]:
    """{trait: [{"value", "count", "share"}, ...]} with the commonest value first."""
    n = len(traits)
    table: dict[str, list[dict]] = {}
    for name in trait_types(traits):
        counts: dict[str, list] = {}
        for t in traits:
            v = t.get(name)
            entry = counts.setdefault(_key(v), [v, 0])
            entry[1] += 1
        rows = [{"value": v, "count": c, "share": round(c / n, 6)} for v, c in counts.values()]
        rows.sort(key=lambda r: (-r["count"], _key(r["value"])))
        table[name] = rows
    return table


def rarity(traits: list[dict], hashes: list[str] | None = None) -> dict:
    """Trait table, per-trait entropy and a score and rank per token (see module docstring)."""
    n = len(traits)
    table = trait_table(traits)
    share = {name: {_key(r["value"]): r["count"] / n for r in rows} for name, rows in table.items()}
    entropy = {name: max(0.0, -sum(p * math.log2(p) for p in s.values())) for name, s in share.items()}
    total_h = sum(entropy.values())
    tokens = []
    for i, t in enumerate(traits):
        bits = sum(-math.log2(share[name][_key(t.get(name))]) for name in table)
        score = bits / total_h if total_h > 0 else 0.0
        tokens.append({"token_id": i, "hash": hashes[i] if hashes else None,
                       "information_bits": round(bits, 6), "score": round(score, 6)})
    order = sorted(range(n), key=lambda i: (-tokens[i]["score"], i))
    rank = 0
    prev = None
    for pos, i in enumerate(order, start=1):
        if tokens[i]["score"] != prev:
            rank, prev = pos, tokens[i]["score"]
        tokens[i]["rank"] = rank
    combos: dict = {}
    for t in traits:
        key = _key(sorted(t.items()))
        combos.setdefault(key, [t, 0])[1] += 1
    top = max(combos.values(), key=lambda entry: entry[1]) if combos else ({}, 0)
    return {
        "method": METHOD,
        "count": n,
        "unique_combinations": len(combos),
        "top_combination": {"traits": dict(top[0]), "share": round(top[1] / n, 6) if n else 0.0},
        "entropy_bits": {k: round(v, 6) for k, v in entropy.items()},
        "traits": table,
        "tokens": tokens,
    }


def rarity_csv(report: dict, traits: list[dict]) -> str:
    """One row per token: id, hash, rank, score, bits, then each trait's value."""
    names = list(report["traits"])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["token_id", "hash", "rank", "score", "information_bits", *names])
    for tok, t in zip(report["tokens"], traits):
        w.writerow([tok["token_id"], tok["hash"], tok["rank"], f"{tok['score']:.6f}",
                    f"{tok['information_bits']:.6f}", *[display(t.get(k)) for k in names]])
    return buf.getvalue()


def format_table(report: dict, max_values: int = 12) -> str:
    """The trait table as aligned text for the terminal."""
    lines = []
    n = report["count"]
    for name, rows in report["traits"].items():
        lines.append(f"{name}  ({len(rows)} values, {report['entropy_bits'][name]:.2f} bits)")
        for r in rows[:max_values]:
            bar = "#" * max(1, round(r["share"] * 30)) if r["count"] else ""
            lines.append(f"  {display(r['value'])[:28]:<28} {r['count']:>7}  {100 * r['share']:6.2f}%  {bar}")
        if len(rows) > max_values:
            rest = sum(r["count"] for r in rows[max_values:])
            lines.append(f"  ... {len(rows) - max_values} more values ({rest} tokens)")
    if not report["traits"]:
        lines.append("(the sketch has no features(): no traits)")
    lines.append(f"{report['unique_combinations']} distinct trait combinations among {n} tokens")
    return "\n".join(lines)
