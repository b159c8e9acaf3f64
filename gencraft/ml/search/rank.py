"""Seed triage: render many seeds of one sketch, score them for a prompt, rank them.

Artists browse seeds by hand; `gencraft rank sketches/flow.py --seeds 0..999
--prompt "a storm over the sea"` renders every seed small and headless, scores
the renders in batches with CLIP, and writes

    rank_sheet.png   the top seeds, best first, each captioned with seed and score
    ranking.json     every seed's score, best first (with the prompt, model, params)
    ranking.csv      rank,seed,score

Only the top renders are kept in memory, so a thousand seeds cost no more
memory than `top` images.
"""
from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from gencraft.errors import UserError
from gencraft.render import Render, parse_size
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT

MAX_SEEDS = 1_000_000


@dataclass
class RankResult:
    ranking: list[tuple[Any, float]]          # every seed with its score, best first
    top: list[tuple[Any, float, Render]]      # the best `top` seeds with their renders
    config: dict
    files: list[Path] = field(default_factory=list)


def parse_seeds(spec: Any) -> list:
    """'0..999' (inclusive), '3,7,42', '0..9,100..109', an int, or a list of seeds.

    Parts that are not integers or ranges are taken as string seeds (token hashes).
    """
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        return [int(spec)]
    if isinstance(spec, range) or (isinstance(spec, Sequence) and not isinstance(spec, str)):
        seeds = list(spec)
    else:
        seeds = []
        for part in str(spec).split(","):
            part = part.strip()
            if not part:
                continue
            m = re.fullmatch(r"(-?\d+)\s*\.\.\s*(-?\d+)", part)
            if m:
                lo, hi = int(m.group(1)), int(m.group(2))
                if hi < lo:
                    raise UserError(f"seed range {part!r}: the end is before the start (expected e.g. 0..999)")
                if hi - lo + 1 > MAX_SEEDS:
                    raise UserError(f"seed range {part!r}: more than {MAX_SEEDS:,} seeds")
                seeds.extend(range(lo, hi + 1))
            elif re.fullmatch(r"[+-]?\d+", part):
                seeds.append(int(part))
            elif ".." in part:
                raise UserError(f"seed range {part!r}: expected two whole numbers such as 0..999")
            elif re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|nan)", part, re.I):
                raise UserError(f"seed {part!r}: expected a whole number, a range such as 0..999 or a token hash")
            else:
                seeds.append(part)
    if not seeds:
        raise UserError(f"no seeds in {spec!r}: expected e.g. 0..999 or 3,7,42")
    if len(seeds) > MAX_SEEDS:
        raise UserError(f"{len(seeds):,} seeds: at most {MAX_SEEDS:,} at once")
    return list(dict.fromkeys(seeds))  # each seed once, first order kept


def rank_seeds(sketch, seeds, prompt: str, top: int = 24, model: Any = "tiny",
               params: Mapping[str, Any] | None = None, size: Any = (224, 224), negatives: Sequence[str] = (),
               metric: str = "cosine", crops: int = 0, batch: int = 32, workers: int = 1,
               out_dir: str | Path | None = None, progress: bool = True, device: str = "cpu",
               objective: Callable | None = None, timeout: float | None = DEFAULT_RENDER_TIMEOUT,
               render_top: int = 0, render_size: Any = None, scheduler: Any = None) -> RankResult:
    """Render `seeds` with fixed `params`, score each for `prompt`, rank best first.

    Varying parameters not in `params` are drawn from each seed's hash, as an
    edition would. timeout: seconds one render may take (None: in this process).
    render_top: re-render the K best at `render_size` (default the sketch's size)
    into ``out_dir/full/``, linked from rank_sheet.html. scheduler: a Dask
    scheduler address (or Client) to render on instead of `workers` local
    processes; the ranking is identical (see :mod:`gencraft.ml.search.cluster`).
    """
    from gencraft.provenance import add_stage
    from gencraft.sketch import Sketch, load_sketch
    from gencraft.ml.search.objective import ClipObjective, check_prompt, describe_objective
    from gencraft.ml.search.cluster import make_renderer, progress_postfix, render_ahead
    from gencraft.ml.search.common import check_int, prepare_out_dir, progress_bar

    prompt = check_prompt(prompt)
    top = check_int(top, "top", 1)
    batch = check_int(batch, "batch", 1)
    workers = check_int(workers, "workers", 1)
    seeds = parse_seeds(seeds)
    size = parse_size(size) or (224, 224)
    sk = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    resolved = sk.resolve(params or {})
    render_top = check_int(render_top, "render_top", 0)
    full_size = parse_size(render_size) or sk.default_size
    if render_top and out_dir is None:
        raise UserError("render_top needs an output folder to write the full-size renders into")
    if objective is None:
        objective = ClipObjective(model, prompt, tuple(negatives), metric=metric, crops=crops, device=device)
    out = prepare_out_dir(out_dir)
    described = describe_objective(objective, prompt, negatives)
    config = {"sketch": str(sk.path), "sketch_sha256": sk.sha256, "objective": described,
              "params": dict(resolved), "size": list(size), "seeds": len(seeds)}
    scores: list[float] = []
    heap: list = []  # (score, -order, seed, render): the current top, smallest first
    bar = progress_bar(len(seeds), 0, progress, "rank")
    try:
        with make_renderer(sk, size, workers, timeout, scheduler) as renderer:
            starts = range(0, len(seeds), batch)
            jobs = (([resolved] * len(seeds[i:i + batch]), seeds[i:i + batch]) for i in starts)
            for start, renders in zip(starts, render_ahead(renderer, jobs, batch)):
                chunk = seeds[start:start + batch]
                values = np.asarray(objective([r.rgba for r in renders]), dtype=np.float64).reshape(-1)
                for k, (seed, r, v) in enumerate(zip(chunk, renders, values)):
                    scores.append(float(v))
                    item = (float(v), -(start + k), start + k, r)
                    if len(heap) < top:
                        heapq.heappush(heap, item)
                    elif item[:2] > heap[0][:2]:
                        heapq.heapreplace(heap, item)
                bar.set_postfix(best=f"{max(scores):.4g}", **progress_postfix(renderer), refresh=False)
                bar.update(len(chunk))
    finally:
        bar.close()
    order = sorted(range(len(seeds)), key=lambda i: (-scores[i], i))
    ranking = [(seeds[i], scores[i]) for i in order]
    stage = {"stage": "rank", **{k: described[k] for k in ("prompt", "negatives", "model", "metric")}}
    best = []
    for rank, (score, _, i, r) in enumerate(sorted(heap, key=lambda it: (-it[0], it[2])), 1):
        recipe = add_stage(r.recipe, {**stage, "score": score, "rank": rank})
        best.append((seeds[i], score, Render(r.rgba, recipe, r.sketch, r.params, r.seed)))
    result = RankResult(ranking, best, config)
    if out is not None:
        result.files = write_rank_outputs(result, out, sk.name)
        if render_top:
            from gencraft.ml.search.output import write_full_size, write_links_page

            chosen = best[:render_top]
            names = [f"rank_{i:02d}" for i in range(1, len(chosen) + 1)]
            result.files += write_full_size(list(zip(names, [r for _, _, r in chosen])), out, full_size, timeout)
            result.files.append(write_links_page(out, "rank_sheet.html", f"{sk.name} · seeds ranked for “{prompt}”", [
                (f"full/{n}.png", f"full/{n}.png", f"#{i}  seed {s}  {v:.4g}")
                for i, (n, (s, v, _)) in enumerate(zip(names, chosen), 1)]))
    return result


def write_rank_outputs(result: RankResult, out: Path, sketch_name: str) -> list[Path]:
    from gencraft.atomic import write_bytes, write_text
    from gencraft.draw.contact import contact_sheet
    from gencraft.provenance import encode_png

    prompt = result.config["objective"]["prompt"]
    side = min(256, max(160, *result.top[0][2].rgba.shape[:2]))
    sheet = contact_sheet([r.rgba for _, _, r in result.top],
                          [f"#{i}  seed {s}  {v:.4g}" for i, (s, v, _) in enumerate(result.top, 1)],
                          cell=side, title=f"{sketch_name} · seeds ranked for “{prompt}”")
    write_bytes(out / "rank_sheet.png", encode_png(sheet, None))
    data = {**result.config, "ranking": [{"rank": i, "seed": s, "score": v}
                                         for i, (s, v) in enumerate(result.ranking, 1)]}
    write_text(out / "ranking.json", json.dumps(data, indent=2, default=str) + "\n")
    lines = ["rank,seed,score"] + [f"{i},{_csv(s)},{v:.6f}" for i, (s, v) in enumerate(result.ranking, 1)]
    write_text(out / "ranking.csv", "\n".join(lines) + "\n")
    return [out / "rank_sheet.png", out / "ranking.json", out / "ranking.csv"]


def _csv(value: Any) -> str:
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text
