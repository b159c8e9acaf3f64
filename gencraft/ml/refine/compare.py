"""Rule-based, CLIP-steered and diffusion-refined, side by side: the point of the toolkit.

One sketch, one seed, one prompt, three columns:

1. **rule-based** -- the sketch at its declared defaults: every mark authored by rules.
2. **CLIP-steered** -- the same rules, with parameters chosen by a CLIP-guided
   search (:func:`gencraft.ml.search.explore.explore`): the model only picks settings.
3. **diffusion-refined** -- the steered render passed through a diffusion
   img2img model (:func:`gencraft.ml.refine.img2img.refine_array`): the model repaints pixels.

Each is scored by the same CLIP model against the prompt and labelled with what
produced it. Without a diffusion model the third column says "not available";
it is never faked. The sheet, a JSON of the same, and each column's image (with
its full recipe) are written atomically.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gencraft.draw.contact import fit_text
from gencraft.errors import UserError
from gencraft.provenance import add_stage, encode_png, recipe_json
from gencraft.seeds import parse_seed

DEFAULT_LONG_SIDE = 256
SEARCH_LONG_SIDE = 224


@dataclass
class Column:
    key: str                     # "rule" | "steered" | "refined"
    label: str                   # heading on the sheet
    produced_by: str             # one line: what made this image
    available: bool
    rgba: np.ndarray | None = None
    score: float | None = None
    recipe: dict | None = None
    params: dict | None = None
    reason: str | None = None    # why a column is not available
    note: str | None = None      # honest caveat (e.g. random test weights)
    control: str | None = None   # what conditioned a ControlNet: "recorded strokes", "pixel edges (Canny)"...

    def to_json(self) -> dict:
        out = {"key": self.key, "label": self.label, "produced_by": self.produced_by,
               "available": self.available, "score": self.score, "params": self.params}
        if self.reason:
            out["reason"] = self.reason
        if self.note:
            out["note"] = self.note
        if self.control:
            out["control"] = self.control
        if self.recipe is not None:
            out["recipe"] = json.loads(recipe_json(self.recipe))
        return out


@dataclass
class Comparison:
    prompt: str
    sketch: str
    seed: str
    clip_model: str
    size: tuple[int, int]
    columns: list[Column]
    files: dict[str, str] = field(default_factory=dict)

    @property
    def best(self) -> str | None:
        scored = [c for c in self.columns if c.available and c.score is not None]
        return max(scored, key=lambda c: c.score).key if scored else None

    def clip_name_short(self) -> str:
        return self.clip_model if len(self.clip_model) <= 24 else "\u2026" + self.clip_model[-23:]

    def to_json(self) -> dict:
        return {"prompt": self.prompt, "sketch": self.sketch, "seed": self.seed, "clip_model": self.clip_model,
                "size": list(self.size), "best": self.best, "columns": [c.to_json() for c in self.columns],
                "files": dict(self.files)}


def _fit_long_side(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    w, h = size
    scale = min(1.0, long_side / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def compare(sketch: Any, prompt: str, *, clip_model: Any = "tiny", refine_model: str | Path | None = None,
            controlnet: str | Path | None = None, budget: int = 32, algo: str = "tpe", seed: Any = 0,
            size: Any = None, search_size: Any = None, strength: float = 0.4, steps: int = 25,
            guidance: float | None = None, negative_prompt: str | None = None, device: str = "cpu",
            progress: bool = False) -> Comparison:
    """Render, steer and refine one sketch for ``prompt``; score all three with one CLIP model.

    size: compare renders (default: the sketch's size scaled to 256 px long side);
    search_size: renders during the search (default: 224 px long side, same aspect).
    """
    from gencraft.render import parse_size, render
    from gencraft.sketch import Sketch, load_sketch
    from gencraft.ml.clip.model import load_clip
    from gencraft.ml.search.explore import explore

    if not isinstance(prompt, str) or not prompt.strip():
        raise UserError("prompt must be a non-empty text")
    sk = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    seed_obj = parse_seed(seed)
    if refine_model is not None:  # fail on a bad model folder or settings before the slow search
        from gencraft.ml.refine.img2img import validate_settings
        from gencraft.ml.refine.load import check_controlnet_folder, check_model_folder

        validate_settings(strength, steps, guidance)
        check_model_folder(refine_model)
        if controlnet is not None:
            check_controlnet_folder(controlnet)
    elif controlnet is not None:
        raise UserError("--controlnet needs --refine-model (the diffusion model it conditions)")
    size = parse_size(size) or _fit_long_side(sk.default_size, DEFAULT_LONG_SIDE)
    search_size = parse_size(search_size) or _fit_long_side(size, SEARCH_LONG_SIDE)
    clip = clip_model if hasattr(clip_model, "score") else load_clip(clip_model, device=device)
    clip_name = str(getattr(clip, "name", None) or getattr(clip, "spec", clip_model))

    rule = render(sk, {}, seed_obj, size)
    columns = [Column("rule", "rule-based", f"declared defaults, seed {seed_obj}", True, rule.rgba,
                      recipe=rule.recipe, params=dict(rule.params))]

    found = explore(sk, prompt, budget, algo=algo, model=clip, seed=parse_seed(seed).rng().seed_int(),
                    size=search_size, render_seed=seed_obj, progress=progress, top_k=1, device=device)
    best_params = found.best[0][0]
    steered = render(sk, best_params, seed_obj, size)
    search_stage = dict(found.best[0][2].recipe.get("stages", [{}])[-1])
    steered_recipe = add_stage(steered.recipe, search_stage)
    columns.append(Column("steered", "CLIP-steered",
                          f"best of {len(found.history)} {algo.upper()} evaluations by {clip_name}", True,
                          steered.rgba, recipe=steered_recipe, params=dict(best_params)))

    if refine_model is None:
        columns.append(Column("refined", "diffusion-refined", "no diffusion model given (--refine-model DIR)",
                              False, reason="not available: no diffusion model was given"))
    else:
        from gencraft.ml.refine.img2img import refine_array

        geometry = None
        if controlnet is not None:  # the steered render's own strokes condition the ControlNet
            from gencraft.ml.refine.control import record_geometry
            geometry = record_geometry(sk, best_params, seed_obj, size)
        result = refine_array(steered.rgba, refine_model, prompt, negative_prompt=negative_prompt,
                              strength=strength, steps=steps, guidance=guidance, seed=seed_obj,
                              controlnet=controlnet, device=device, progress=progress, geometry=geometry)
        model_name = Path(result.stage["model"]).name
        how = f"{model_name} img2img of the steered render, strength {result.stage['strength']:g}"
        control = None
        if result.stage.get("control"):
            how += ", with a ControlNet"
            control = result.stage.get("control_source", result.stage["control"])
        columns.append(Column("refined", "diffusion-refined", how, True, result.rgba,
                              recipe=add_stage(steered_recipe, result.stage), params=dict(best_params),
                              note=result.stage.get("note"), control=control))

    available = [c for c in columns if c.available]
    scores = clip.score([c.rgba for c in available], prompt)
    for c, s in zip(available, np.asarray(scores, dtype=float)):
        c.score = float(s)
    return Comparison(prompt, sk.name, str(seed_obj), clip_name, tuple(size), columns)


# ------------------------------------------------------------------ the sheet
BACKGROUND = "#f4efe6"
INK = "#222222"
MUTED = "#6b6358"


def draw_sheet(cmp: Comparison, cell: int = 320) -> np.ndarray:
    """The comparison as one RGBA image: three labelled panels side by side."""
    from gencraft.draw.canvas import Canvas

    pad, title_h, label_h = 16, 40, 92
    if any(c.control for c in cmp.columns):
        label_h += 18  # a line saying what conditioned the ControlNet
    n = len(cmp.columns)
    w, h = cmp.size
    scale = cell / max(w, h)
    pw, ph = max(1, round(w * scale)), max(1, round(h * scale))
    notes = [f"{c.label}: {c.note}" for c in cmp.columns if c.note]
    foot_h = 22 * len(set(notes))
    width = n * pw + (n + 1) * pad
    height = title_h + ph + label_h + foot_h + 2 * pad
    cv = Canvas(width, height, "png")
    cv.background(BACKGROUND)
    cv.no_stroke().fill(INK).text(pad, 27, fit_text(cv, f"\u201c{cmp.prompt}\u201d \u2014 {cmp.sketch}, seed {cmp.seed}",
                                                 width - 2 * pad, 16), size=16)
    best = cmp.best
    for k, col in enumerate(cmp.columns):
        x, y = pad + k * (pw + pad), title_h + pad
        if col.available:
            cv.image(col.rgba, x, y, width=pw, height=ph)
            cv.no_fill().stroke("#d3cabb", 1.0).rect(x - 0.5, y - 0.5, pw + 1, ph + 1)
        else:
            cv.no_stroke().fill("#e4ddd0").rect(x, y, pw, ph)
            cv.no_fill().stroke("#c9bfae", 1.0)
            for d in range(-ph, pw, 14):  # hatching: an empty slot, plainly not an image
                cv.line(x + max(d, 0), y + max(-d, 0), x + min(d + ph, pw), y + min(ph, pw - d))
            cv.no_stroke().fill(MUTED).text(x + pw / 2, y + ph / 2 + 6, "not available", size=16, align="center")
        ty = y + ph + 22
        heading = col.label + ("  \u2605 highest" if col.key == best and len(cmp.columns) > 1 else "")
        cv.no_stroke().fill(INK).text(x, ty, fit_text(cv, heading, pw, 15), size=15)
        score = f"CLIP {cmp.clip_name_short()}: {col.score:.4f}" if col.score is not None else "CLIP score: \u2014"
        cv.fill(INK).text(x, ty + 21, fit_text(cv, score, pw, 13), size=13)
        lines = _wrap(cv, col.produced_by if col.available else (col.reason or col.produced_by), pw, 12)
        for j, line in enumerate(lines[:2]):
            cv.fill(MUTED).text(x, ty + 40 + 16 * j, line, size=12)
        if col.control:
            cv.fill(INK).text(x, ty + 40 + 16 * 2 + 2, fit_text(cv, f"control: {col.control}", pw, 12), size=12)
    fy = title_h + pad + ph + label_h
    for j, note in enumerate(dict.fromkeys(notes)):
        cv.fill("#9a3b2e").text(pad, fy + 14 + 22 * j, fit_text(cv, "note — " + note, width - 2 * pad, 12), size=12)
    return cv.to_array()


def _wrap(cv, text: str, width: float, size: float) -> list[str]:
    import cairo

    ctx = cv.ctx
    ctx.select_font_face("sans-serif", cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
    ctx.set_font_size(size)
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and ctx.text_extents(trial).x_advance > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    if len(lines) > 2:
        lines = lines[:1] + [fit_text(cv, " ".join(lines[1:]), width, size)]
    return lines


def write_comparison(cmp: Comparison, out: str | Path, json_path: str | Path | None = None) -> dict[str, str]:
    """Write the sheet PNG, each column's PNG (with its recipe) and the JSON; atomically, sheet last."""
    from gencraft.atomic import write_bytes, write_text

    out = Path(out)
    if out.suffix.lower() != ".png":
        raise UserError(f"output {str(out)!r}: expected a .png file")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"cannot write {str(out)!r}: folder {str(folder)!r} does not exist")
    json_path = Path(json_path) if json_path else out.with_suffix(".json")
    files: dict[str, str] = {}
    blobs: list[tuple[Path, bytes]] = []
    for col in cmp.columns:
        if col.available:
            path = out.with_name(f"{out.stem}-{col.key}.png")
            blobs.append((path, encode_png(col.rgba, col.recipe)))
            files[col.key] = path.name
    files["sheet"] = out.name
    files["json"] = json_path.name
    cmp.files = files
    sheet = draw_sheet(cmp)
    summary = {"stage": "compare", "prompt": cmp.prompt, "clip_model": cmp.clip_model,
               "scores": {c.key: c.score for c in cmp.columns}, "best": cmp.best}
    sheet_png = encode_png(sheet, add_stage(cmp.columns[0].recipe or {}, summary))
    text = json.dumps(cmp.to_json(), indent=2, sort_keys=True)
    for path, data in blobs:
        write_bytes(path, data)
    write_text(json_path, text + "\n")
    write_bytes(out, sheet_png)
    return files
