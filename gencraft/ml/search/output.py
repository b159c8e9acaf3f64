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


def write_full_size(items, out: Path, size, timeout: float | None = None) -> list[Path]:
    """Re-render each (name, Render) at `size` into ``out/full/NAME.png``, recipe and stages kept.

    The winners of a search are scored small (64–224 px); these are the
    same recipes drawn at full size, each `gencraft reproduce`-able.
    """
    from gencraft.provenance import add_stage
    from gencraft.render import render
    from gencraft.timelimit import call_with_timeout

    folder = out / "full"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, r in items:
        def draw(r=r):
            fresh = render(r.sketch, r.params, r.seed, size)
            return fresh.rgba, fresh.recipe

        rgba, recipe = call_with_timeout(draw, timeout=timeout, what=f"full-size render of {name}")
        for stage in r.recipe.get("stages", []):
            recipe = add_stage(recipe, stage)
        path = folder / f"{name}.png"
        write_bytes(path, encode_png(rgba, recipe))
        written.append(path)
    return written


def write_links_page(out: Path, name: str, title: str, entries) -> Path:
    """An HTML contact sheet: each (thumbnail, full-size file, caption) as a linked cell."""
    import html

    cells = "".join(
        f'<a class="cell" href="{html.escape(full)}"><img src="{html.escape(thumb)}" alt="{html.escape(caption)}">'
        f'<span>{html.escape(caption)}</span></a>' for thumb, full, caption in entries)
    page = (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>'
            "body{background:#f4efe6;color:#222;font:14px system-ui,sans-serif;padding:24px}"
            ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:14px}"
            ".cell{display:block;text-decoration:none;color:#444}.cell img{width:100%;image-rendering:auto}"
            f"</style></head><body><h1>{html.escape(title)}</h1><p>Click a render for its full-size re-render "
            f"(<code>full/</code>; each carries its recipe).</p><div class=\"grid\">{cells}</div></body></html>\n")
    path = out / name
    write_text(path, page)
    return path
