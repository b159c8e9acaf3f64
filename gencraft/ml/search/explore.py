"""CLIP-guided exploration of a sketch's parameter space (and seed ranking).

    from gencraft.ml.search.explore import explore, rank

    result = explore("sketches/shapes.py", "red circles", budget=40)
    params, score, render = result.best[0]

``explore`` asks an Optuna sampler (TPE, CMA-ES or random) for a batch of
parameter sets, renders them (in worker processes if asked), scores the batch
with CLIP in one call, and tells the scores back. Every evaluation lives in an
Optuna study — in memory, or in a SQLite file that makes the search resumable
after an interruption and shareable between processes (see
:mod:`gencraft.ml.search.study`). Which parameters are searched and how (categoricals
as categoricals, colours held) is in :mod:`gencraft.ml.search.space`.
``explore(..., atlas=True)`` runs quality-diversity instead
(:mod:`gencraft.ml.search.atlas`). ``rank`` scores many seeds of fixed parameters
(:mod:`gencraft.ml.search.rank`).

Nothing here imports torch until a CLIP model is actually loaded.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from gencraft.errors import UserError
from gencraft.provenance import add_stage
from gencraft.render import Render, parse_size
from gencraft.sketch import Sketch, load_sketch
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT
from gencraft.ml.search.objective import ClipObjective, check_prompt, describe_objective
from gencraft.ml.search.common import ExploreResult, check_int, prepare_out_dir, progress_bar
from gencraft.ml.search.space import SearchSpace, params_key

DEFAULT_SIZE = (224, 224)


def explore(sketch: str | Path | Sketch, prompt: str, budget: int, *, algo: str = "tpe", model: Any = "tiny",
            seed: int = 0, study: str | Path | None = None, workers: int = 1,
            size: Any = DEFAULT_SIZE, negatives: Sequence[str] = (), top_k: int = 8,
            out_dir: str | Path | None = None, progress: bool = True, fixed: Mapping[str, Any] | None = None,
            render_seed: Any = 0, batch: int = 8, metric: str = "cosine", crops: int = 0,
            device: str = "cpu", atlas: bool = False, grid: tuple[int, int] = (8, 8),
            objective: Callable[[list[np.ndarray]], np.ndarray] | None = None,
            timeout: float | None = DEFAULT_RENDER_TIMEOUT, render_top: int = 0,
            render_size: Any = None, scheduler: Any = None) -> ExploreResult:
    """Search `sketch`'s declared parameters for renders that score highest for `prompt`.

    budget: total evaluations the study should hold (a resumed study counts the
    ones it already has). algo: "tpe", "cma" or "random" (atlas: "cma" runs
    CMA-ME, the others MAP-Elites). model: CLIP spec or a loaded model;
    objective: any callable scoring a list of RGBA arrays, used instead of CLIP.
    seed seeds the sampler; render_seed is the sketch's own seed for every render.
    fixed: parameters held at given values. size: render size while searching.
    out_dir: where to write the best renders, their parameters, a plot and a
    contact sheet (and atlas.png with atlas=True). timeout: seconds one render
    may take (renders then run in worker processes); None renders in this
    process without a limit. render_top: re-render the K best at `render_size`
    (default the sketch's size) into ``out_dir/full/``, linked from contact_sheet.html.
    scheduler: a Dask scheduler address (or Client) to render on instead of
    `workers` local processes; scoring stays here, and the trials and scores are
    those of a local run (see :mod:`gencraft.ml.search.cluster`).
    """
    from gencraft.ml.search.study import check_algo

    prompt = check_prompt(prompt)
    negatives = tuple(negatives or ())
    budget = check_int(budget, "budget", 1)
    workers = check_int(workers, "workers", 1)
    top_k = check_int(top_k, "top_k", 1)
    batch = check_int(batch, "batch", 1)
    check_algo(algo)
    size = parse_size(size) or DEFAULT_SIZE
    sk = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    render_top = check_int(render_top, "render_top", 0)
    full_size = parse_size(render_size) or sk.default_size
    if render_top and out_dir is None:
        raise UserError("render_top needs an output folder to write the full-size renders into")
    space = SearchSpace.of(sk, fixed)
    if atlas and study is not None:
        raise UserError("--study is not supported with --atlas: an atlas run keeps its archive in memory")
    if atlas:
        grid = (check_int(grid[0], "atlas grid columns", 1), check_int(grid[1], "atlas grid rows", 1))
    if out_dir is not None and Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise UserError(f"output folder {str(out_dir)!r} is a file: expected a folder")
    if objective is None:
        objective = ClipObjective(model, prompt, negatives, metric=metric, crops=crops, seed=seed, device=device)
    out = prepare_out_dir(out_dir)  # only once the model loaded: a bad --model leaves nothing behind
    described = describe_objective(objective, prompt, negatives)
    config = {"sketch": sk.name, "sketch_sha256": sk.sha256, "objective": described, "size": list(size),
              "render_seed": str(render_seed), "fixed": space.fixed, "space": space.describe()}
    from gencraft.ml.search.cluster import make_renderer

    with make_renderer(sk, size, workers, timeout, scheduler) as renderer:
        if atlas:
            from gencraft.ml.search.atlas import run_atlas

            result = run_atlas(space, renderer, objective, budget, algo=algo, seed=seed, grid=grid,
                               batch=batch, render_seed=render_seed, progress=progress, config=config,
                               top_k=top_k)
        else:
            result = _run_study(space, renderer, objective, budget, algo, seed, study, batch, render_seed,
                                progress, config, top_k)
    if out is not None:
        from gencraft.ml.search.output import write_explore_outputs

        result.files = write_explore_outputs(result, out)
        if render_top:
            from gencraft.ml.search.output import write_full_size, write_links_page

            chosen = result.best[:render_top]
            names = [f"best_{i:02d}" for i in range(1, len(chosen) + 1)]
            result.files += write_full_size(list(zip(names, [r for _, _, r in chosen])), out, full_size, timeout)
            result.files.append(write_links_page(out, "contact_sheet.html", f"{sk.name} · “{prompt}”", [
                (f"{n}.png", f"full/{n}.png", f"#{i}  {s:.4g}") for i, (n, (_, s, _)) in enumerate(zip(names, chosen), 1)]))
    return result


def _run_study(space: SearchSpace, renderer, objective, budget: int, algo: str, seed: int, study_path,
               batch: int, render_seed: Any, progress: bool, config: dict, top_k: int) -> ExploreResult:
    """The Optuna loop: ask a batch, render, score in one call, tell; until the study holds `budget`."""
    from optuna.trial import TrialState

    from gencraft.ml.search.cluster import progress_postfix
    from gencraft.ml.search.study import (OWNER_ATTR, describe_storage, fail_orphans, batch_seed, make_sampler, open_study,
                        owner_tag, study_name)

    name = study_name(space.sketch.name, config["objective"]["prompt"], config)
    st = open_study(study_path, name, config)
    fail_orphans(st)
    dists = space.distributions()
    active_states = (TrialState.COMPLETE, TrialState.RUNNING)
    kept: dict[str, tuple[float, Render]] = {}  # best renders of this run, by params key
    evaluated = 0
    done = len(st.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
    bar = progress_bar(budget, min(done, budget), progress, "explore")
    try:
        while True:
            active = st.get_trials(deepcopy=False, states=active_states)
            if len(active) >= budget:
                break
            n = min(batch, budget - len(active))
            st.sampler = make_sampler(algo, batch_seed(seed, len(st.get_trials(deepcopy=False))), budget)
            cache = {params_key(t.params): t.value for t in active if t.state == TrialState.COMPLETE}
            asked: list = []
            try:
                for _ in range(n):
                    trial = st.ask(dists)
                    asked.append(trial)
                    trial.set_user_attr(OWNER_ATTR, owner_tag())
                # Another process sharing the study may have asked at the same moment:
                # the first `budget` active trials (by number) go ahead, the rest are dropped.
                numbers = sorted(t.number for t in st.get_trials(deepcopy=False, states=active_states))
                allowed = set(numbers[:budget])
                for trial in [t for t in asked if t.number not in allowed]:
                    st.tell(trial, state=TrialState.FAIL)
                    asked.remove(trial)
                scores = _evaluate(space, renderer, objective, asked, cache, render_seed, kept, top_k)
                for trial, score in zip(asked, scores):
                    st.tell(trial, score)
                evaluated += len(asked)
            except BaseException:
                for trial in asked:  # leave no RUNNING trial behind: a resumed run redoes them
                    st.tell(trial, state=TrialState.FAIL, skip_if_finished=True)
                raise
            if kept:
                bar.set_postfix(best=f"{max(s for s, _ in kept.values()):.4g}", **progress_postfix(renderer),
                                refresh=False)
            bar.update(len(asked))
    finally:
        bar.close()
    complete = sorted(st.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)), key=lambda t: t.number)
    trials = [{"number": t.number, "params": dict(space.from_trial_params(t.params)), "score": float(t.value),
               "cached": bool(t.user_attrs.get("gencraft_cached", False))} for t in complete]
    stage = {"stage": "search", "algo": algo, "seed": seed, "study": name, "budget": budget,
             **{k: config["objective"][k] for k in ("prompt", "negatives", "model", "metric", "crops")}}
    best = _best_renders(space, renderer, trials, kept, top_k, render_seed, stage)
    return ExploreResult(best=best, history=[t["score"] for t in trials], study_name=name,
                         study=describe_storage(study_path), algo=algo, config=config, trials=trials,
                         evaluated=evaluated)


def _evaluate(space, renderer, objective, asked, cache, render_seed, kept, top_k) -> list[float]:
    """Scores for a batch of asked trials: repeats of evaluated parameters reuse the
    stored score; the rest are rendered and scored together in one objective call."""
    keys = [params_key(t.params) for t in asked]
    todo = []  # unique new keys, in order
    for trial, key in zip(asked, keys):
        if key in cache:
            trial.set_user_attr("gencraft_cached", True)
        elif key not in todo:
            todo.append(key)
    by_key = {key: t for key, t in zip(keys, asked)}
    if todo:
        params = [space.from_trial_params(by_key[k].params) for k in todo]
        renders = renderer(params, [render_seed] * len(params))
        scores = np.asarray(objective([r.rgba for r in renders]), dtype=np.float64).reshape(-1)
        if scores.shape[0] != len(renders) or not np.isfinite(scores).all():
            raise RuntimeError(f"objective returned {scores.tolist()} for {len(renders)} images: "
                               "expected one finite score per image")
        for key, r, s in zip(todo, renders, scores):
            cache[key] = float(s)
            kept[params_key(r.params)] = (float(s), r)
        for key in sorted(kept, key=lambda k: kept[k][0], reverse=True)[top_k:]:
            del kept[key]
    return [cache[k] for k in keys]


def _best_renders(space, renderer, trials, kept, top_k, render_seed, stage) -> list:
    """The top_k best distinct renders, re-rendered where they come from an earlier run.

    Distinct means different pixels, not only different parameters: a parameter
    that does not show (the tilt of circles, a count the sketch cannot place)
    would otherwise fill the contact sheet with copies of one image. At most
    4 x top_k candidates are looked at.
    """
    candidates, seen_params = [], set()
    for t in sorted(trials, key=lambda t: (-t["score"], t["number"])):
        key = params_key(t["params"])
        if key not in seen_params:
            seen_params.add(key)
            candidates.append(t)
    candidates = candidates[:4 * top_k]
    chosen, seen_pixels = [], set()
    for start in range(0, len(candidates), top_k):
        chunk = candidates[start:start + top_k]
        missing = [t for t in chunk if params_key(t["params"]) not in kept]
        if missing:
            for t, r in zip(missing, renderer([t["params"] for t in missing], [render_seed] * len(missing))):
                kept[params_key(t["params"])] = (t["score"], r)
        for t in chunk:
            digest = hashlib.sha256(kept[params_key(t["params"])][1].rgba.tobytes()).digest()
            if digest not in seen_pixels:
                seen_pixels.add(digest)
                chosen.append(t)
        if len(chosen) >= top_k:
            break
    best = []
    for rank, t in enumerate(chosen[:top_k], 1):
        r = kept[params_key(t["params"])][1]
        recipe = add_stage(r.recipe, {**stage, "score": t["score"], "trial": t["number"], "rank": rank})
        best.append((dict(t["params"]), t["score"], Render(r.rgba, recipe, r.sketch, r.params, r.seed)))
    return best


def rank(sketch, seeds, prompt: str, top: int = 24, **kwargs):
    """Score many seeds of one sketch; see :func:`gencraft.ml.search.rank.rank_seeds`."""
    from gencraft.ml.search.rank import rank_seeds

    return rank_seeds(sketch, seeds, prompt, top=top, **kwargs)
