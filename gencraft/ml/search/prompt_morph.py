"""A morph from one prompt to another: the learned side of `gencraft morph`.

    gencraft morph sketches/flow.py --prompt-from "a calm sea" --prompt-to "a storm" -o storm.gif

CLIP-guided exploration finds the sketch's parameters that best match each
prompt (or an earlier exploration's folder is reused), the morph walks from
one best render to the other, and every frame is scored against both prompts:
a chart ``NAME-scores.png`` (and ``NAME-scores.csv``) beside the output shows
how the scores trade places along the path; the scores also go into the
video's recipe.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from gencraft.errors import UserError
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT


@dataclass
class PromptMorphResult:
    out: Path
    chart: Path
    table: Path
    scores_from: list[float]
    scores_to: list[float]
    keyframes: list[Path]
    notes: list[str] = field(default_factory=list)


def best_of(folder: str | Path) -> Path:
    """The best render of an exploration folder (best_01.png)."""
    path = Path(folder) / "best_01.png"
    if not path.is_file():
        raise UserError(f"exploration folder {str(folder)!r} has no best_01.png: expected the output folder of "
                        "`gencraft explore`")
    return path


def prompt_morph(sketch, prompt_from: str, prompt_to: str, out: str | Path, *, frames: int = 48, budget: int = 32,
                 model: Any = "tiny", from_explore: str | Path | None = None, to_explore: str | Path | None = None,
                 explore_size: Any = 224, algo: str = "tpe", seed: int = 0, render_seed: Any = 0,
                 device: str = "cpu", fps: float = 24.0, progress: bool = True,
                 timeout: float | None = DEFAULT_RENDER_TIMEOUT, fixed: dict | None = None,
                 **morph_kwargs) -> PromptMorphResult:
    """Explore (or reuse) the best render for each prompt, morph between them, chart both scores.

    morph_kwargs go to :func:`gencraft.morphing.plan_morph` (size, ease, eases, loop, choices).
    """
    from gencraft.atomic import write_bytes, write_text
    from gencraft.ml.clip.model import load_clip
    from gencraft.ml.search.explore import explore
    from gencraft.ml.search.objective import ClipObjective, check_prompt
    from gencraft.morphing import check_output, output_kind, plan_morph, write_morph
    from gencraft.sketch import Sketch, load_sketch

    prompt_from, prompt_to = check_prompt(prompt_from, "--prompt-from"), check_prompt(prompt_to, "--prompt-to")
    out = Path(out)
    output_kind(out)
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise UserError(f"cannot write {str(out)!r}: folder {str(out.parent)!r} does not exist")
    sk = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    keys = [best_of(from_explore) if from_explore else None, best_of(to_explore) if to_explore else None]
    clip = load_clip(model, device=device) if isinstance(model, str) or model is None else model
    stem = out.stem if out.suffix else out.name.rstrip("/")
    parent = out.parent if str(out.parent) else Path(".")
    for k, (prompt, side) in enumerate(((prompt_from, "from"), (prompt_to, "to"))):
        if keys[k] is None:
            folder = parent / f"{stem}-explore-{side}"
            explore(sk, prompt, budget, algo=algo, model=clip, seed=seed, size=explore_size, top_k=4,
                    out_dir=folder, progress=progress, fixed=fixed, render_seed=render_seed, device=device,
                    timeout=timeout)
            keys[k] = best_of(folder)
    m = plan_morph(sk, keys, frames, params=fixed, **morph_kwargs)
    check_output(m, out)
    rendered = list(m.render(progress=progress, timeout=timeout))
    images = [f.rgba for f in rendered]
    scores = []
    for prompt in (prompt_from, prompt_to):
        objective = ClipObjective(clip, prompt, device=device)
        scores.append([float(v) for start in range(0, len(images), 16)
                       for v in objective(images[start:start + 16])])
    chart, table = parent / f"{stem}-scores.png", parent / f"{stem}-scores.csv"
    spec = str(getattr(clip, "spec", model))
    write_bytes(chart, plot_scores(scores[0], scores[1], prompt_from, prompt_to, f"{sk.name} · CLIP {spec}"))
    lines = ["frame,score_from,score_to"] + [f"{i},{a:.6f},{b:.6f}" for i, (a, b) in enumerate(zip(*scores))]
    write_text(table, "\n".join(lines) + "\n")
    extra = {"clip": {"model": spec, "prompt_from": prompt_from, "prompt_to": prompt_to,
                      "scores_from": [round(v, 6) for v in scores[0]], "scores_to": [round(v, 6) for v in scores[1]]}}
    write_morph(m, out, fps=fps, frames=rendered, extra=extra)
    return PromptMorphResult(out, chart, table, scores[0], scores[1], keys, list(m.notes))


def plot_scores(scores_from: Sequence[float], scores_to: Sequence[float], prompt_from: str, prompt_to: str,
                title: str) -> bytes:
    """PNG bytes: each prompt's CLIP score along the morph."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.2), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(scores_from))
    ax.plot(x, scores_from, color="#1b4f9c", lw=2, label=f"“{prompt_from}”")
    ax.plot(x, scores_to, color="#d7263d", lw=2, label=f"“{prompt_to}”")
    ax.set_xlabel("frame")
    ax.set_ylabel("CLIP score")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", frameon=False, fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": "gencraft"})
    return buf.getvalue()
