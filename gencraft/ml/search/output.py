"""The files a search writes: best renders, their parameters, a plot, a contact sheet.

Layout of the output folder::

    best_01.png ...   the best distinct renders, recipe + search stage in the PNG
    best_01.json ...  {"params": ..., "score": ..., "trial": ...}: feed to
                      `gencraft render SKETCH --params best_01.json --size 2000`
    results.json      the study, its configuration, the best list and every evaluation
    history.csv       evaluation, trial, score, best so far
    search.png        score against evaluation (dots) and the best so far (line)
    contact_sheet.png the best renders side by side with their scores
    atlas.png/.json   (atlas runs) the best render of every cell of the grid

Every file is written atomically.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Sequence

import numpy as np

from gencraft.atomic import write_bytes, write_text
from gencraft.draw.contact import contact_sheet
from gencraft.provenance import encode_png


def write_explore_outputs(result, out: Path) -> list[Path]:
    """Write everything listed in the module docstring; returns the paths written."""
    files: list[Path] = []
    for rank, (params, score, render) in enumerate(result.best, 1):
        png = out / f"best_{rank:02d}.png"
        write_bytes(png, render.png_bytes())
        stage = render.recipe["stages"][-1]
        meta = {"params": params, "score": score, "rank": rank, "trial": stage.get("trial"),
                "seed": render.recipe["seed"], "sketch": render.recipe["sketch"]["path"],
                "prompt": stage.get("prompt"), "model": stage.get("model")}
        write_text(out / f"best_{rank:02d}.json", json.dumps(meta, indent=2, default=str) + "\n")
        files += [png, out / f"best_{rank:02d}.json"]
    summary = {"study": result.study, "study_name": result.study_name, "algo": result.algo,
               "config": result.config, "evaluations": len(result.history), "evaluated_now": result.evaluated,
               "best": [{"rank": i, "params": p, "score": s} for i, (p, s, _) in enumerate(result.best, 1)],
               "trials": result.trials}
    write_text(out / "results.json", json.dumps(summary, indent=2, default=str) + "\n")
    running = np.maximum.accumulate(result.history) if result.history else []
    lines = ["evaluation,trial,score,best_so_far"]
    lines += [f"{i},{t['number']},{t['score']:.6f},{b:.6f}"
              for i, (t, b) in enumerate(zip(result.trials, running), 1)]
    write_text(out / "history.csv", "\n".join(lines) + "\n")
    title = f"{result.config['sketch']} · “{result.config['objective']['prompt']}” · {result.algo}"
    write_bytes(out / "search.png", plot_history(result.history, title, result.config["objective"]["metric"]))
    sheet = contact_sheet([r.rgba for _, _, r in result.best],
                          [f"#{i}  {s:.4g}" for i, (_, s, _) in enumerate(result.best, 1)],
                          title=title, cell=min(256, max(160, *result.best[0][2].rgba.shape[:2])))
    write_bytes(out / "contact_sheet.png", encode_png(sheet, None))
    files += [out / "results.json", out / "history.csv", out / "search.png", out / "contact_sheet.png"]
    if result.atlas is not None:
        from gencraft.ml.search.atlas import atlas_image

        write_bytes(out / "atlas.png", encode_png(atlas_image(result.atlas, title), None))
        write_text(out / "atlas.json", json.dumps(result.atlas.to_json(), indent=2, default=str) + "\n")
        files += [out / "atlas.png", out / "atlas.json"]
    return files


def plot_history(history: Sequence[float], title: str, metric: str = "score") -> bytes:
    """PNG bytes: each evaluation's score as a dot, the best so far as a line."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.6), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(1, len(history) + 1)
    if len(history):
        ax.scatter(x, history, s=12, color="#8d8d99", alpha=0.8, label="evaluation", zorder=2)
        ax.step(x, np.maximum.accumulate(history), where="post", color="#d7263d", lw=2, label="best so far",
                zorder=3)
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.set_xlabel("evaluation")
    ax.set_ylabel(f"score ({metric})")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": "gencraft"})
    return buf.getvalue()
