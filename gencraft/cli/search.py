"""`gencraft explore` and `gencraft rank`: thin commands over gencraft.ml.search.explore."""
from __future__ import annotations

import json
from pathlib import Path

import click

from gencraft.cli.options import resolve_cli_params
from gencraft.errors import UserError
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT, check_timeout
from gencraft.params import load_params_file, parse_assignments


def _common(fn):
    """Options shared by explore and rank."""
    fn = click.option("--render-size", default=None,
                      help="Size of the --render-top re-renders, WxH (default: the sketch's own size).")(fn)
    fn = click.option("--render-top", type=int, default=0, show_default=True,
                      help="Re-render the K best at full size into OUT/full/ (linked from an HTML sheet).")(fn)
    fn = click.option("--device", default="cpu", show_default=True, help="cpu or cuda.")(fn)
    fn = click.option("-q", "--quiet", is_flag=True, help="No progress bar.")(fn)
    fn = click.option("--scheduler", default=None, metavar="ADDRESS",
                      help="Render on a Dask cluster, e.g. tcp://10.0.0.5:8786 (scoring stays here; "
                           "results as with --workers).")(fn)
    fn = click.option("--workers", type=int, default=1, show_default=True, help="Render processes.")(fn)
    fn = click.option("--timeout", type=float, default=DEFAULT_RENDER_TIMEOUT, show_default=True,
                      help="Seconds one render (or loading the sketch) may take before it is stopped.")(fn)
    fn = click.option("--metric", default="cosine", show_default=True, help="cosine or clipscore.")(fn)
    fn = click.option("--negative", "negatives", multiple=True, help="Negative prompt (repeatable).")(fn)
    fn = click.option("--size", default="224", show_default=True, help="Render size while scoring (WxH).")(fn)
    fn = click.option("--model", default="tiny", show_default=True,
                      help="CLIP: tiny | local-dir:PATH | ARCH:FILE | ARCH:PRETRAINED_TAG.")(fn)
    fn = click.option("--taste-weight", type=float, default=1.0, show_default=True,
                      help="With --prompt and --taste: score = CLIP cosine + WEIGHT x taste margin.")(fn)
    fn = click.option("--taste", "taste", type=click.Path(file_okay=False), default=None,
                      help="A likes folder (live page OUT/likes/, or gencraft like): score by the taste "
                           "learnt from it, alone or added to --prompt.")(fn)
    fn = click.option("--prompt", default=None, help="What the renders should look like (or --taste).")(fn)
    fn = click.option("-p", "--param", "assignments", multiple=True, metavar="NAME=VALUE",
                      help="Hold a declared parameter at a value (repeatable).")(fn)
    fn = click.option("--params", "params_file", type=click.Path(dir_okay=False),
                      help="JSON file of parameter values (applied before -p).")(fn)
    return fn


def _fixed(params_file, assignments) -> dict:
    layers = {}
    if params_file:
        layers.update(load_params_file(params_file))
    layers.update(parse_assignments(assignments))
    return layers


@click.command()
@click.argument("sketch", type=click.Path(dir_okay=False))
@_common
@click.option("--budget", type=int, default=64, show_default=True,
              help="Evaluations in the study (a resumed study counts the ones it has).")
@click.option("--algo", default="tpe", show_default=True, help="tpe | cma | random.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the search (sampler).")
@click.option("--render-seed", default="0", show_default=True, help="The sketch's seed for every render.")
@click.option("--study", default=None,
              help="SQLite file or database URL (postgresql://USER@HOST/DB) keeping every evaluation: "
                   "re-run to resume, share between processes and machines.")
@click.option("-o", "--out", type=click.Path(file_okay=False), default=None,
              help="Output folder (default explore-SKETCH[-atlas]).")
@click.option("--top", "top_k", type=int, default=8, show_default=True, help="Best renders to write.")
@click.option("--batch", type=int, default=8, show_default=True, help="Renders scored per CLIP call.")
@click.option("--crops", type=int, default=0, show_default=True, help="Average the score over K random crops.")
@click.option("--atlas", is_flag=True, help="Quality-diversity atlas (ribs) over ink density x colourfulness.")
@click.option("--grid", default="8x8", show_default=True, help="Atlas grid size.")
def explore(sketch, params_file, assignments, prompt, taste, taste_weight, model, size, negatives, metric, workers,
            scheduler, timeout, quiet, device, render_top, render_size, budget, algo, seed, render_seed, study, out,
            top_k, batch, crops, atlas, grid):
    """Search SKETCH's parameters for renders CLIP rates closest to --prompt."""
    from gencraft.sketch import load_sketch
    from gencraft.ml.search.explore import explore as run_explore

    sk = load_sketch(sketch, timeout=check_timeout(timeout))
    fixed = _fixed(params_file, assignments)
    sk.resolve(fixed)  # unknown or bad fixed parameters fail before any model loads
    _warn_vocabulary(model, prompt, negatives)
    objective, prompt = _taste_objective(sk, prompt, taste, taste_weight, model, negatives, metric, device)
    out = Path(out) if out else Path(f"explore-{sk.name}{'-atlas' if atlas else ''}")
    result = run_explore(sk, prompt, budget, objective=objective, algo=algo, model=model, seed=seed, study=study, workers=workers,
                         size=size, negatives=negatives, top_k=top_k, out_dir=out, progress=not quiet,
                         fixed=fixed, render_seed=render_seed, batch=batch, metric=metric, crops=crops,
                         device=device, atlas=atlas, grid=_parse_grid(grid), timeout=timeout,
                         render_top=render_top, render_size=render_size, scheduler=scheduler)
    params, score, _ = result.best[0]
    click.echo(f"study     {result.study_name} ({result.study}; {len(result.history)} evaluations, "
               f"{result.evaluated} now)")
    if result.atlas is not None:
        click.echo(f"atlas     {len(result.atlas.cells)} cells filled of "
                   f"{result.atlas.dims[0] * result.atlas.dims[1]}")
    click.echo(f"best      {score:.4f}  {json.dumps(params)}")
    click.echo(f"written   {out}/")


@click.command()
@click.argument("sketch", type=click.Path(dir_okay=False))
@_common
@click.option("--seeds", required=True, help="Seeds to rank: 0..999, 3,7,42, or token hashes.")
@click.option("--top", type=int, default=24, show_default=True, help="Seeds on the contact sheet.")
@click.option("--batch", type=int, default=32, show_default=True, help="Renders scored per CLIP call.")
@click.option("-o", "--out", type=click.Path(file_okay=False), default=None,
              help="Output folder (default rank-SKETCH).")
def rank(sketch, params_file, assignments, prompt, taste, taste_weight, model, size, negatives, metric, workers,
         scheduler, timeout, quiet, device, render_top, render_size, seeds, top, batch, out):
    """Render many seeds of SKETCH, score them for --prompt, write a ranked contact sheet."""
    from gencraft.sketch import load_sketch
    from gencraft.ml.search.rank import rank_seeds

    sk = load_sketch(sketch, timeout=check_timeout(timeout))
    params = _fixed(params_file, assignments)  # only what the user pinned: the rest comes from each seed's hash
    resolve_cli_params(sk, params_file, assignments)  # bad -p values fail before any model loads
    _warn_vocabulary(model, prompt, negatives)
    objective, prompt = _taste_objective(sk, prompt, taste, taste_weight, model, negatives, metric, device)
    out = Path(out) if out else Path(f"rank-{sk.name}")
    result = rank_seeds(sk, seeds, prompt, objective=objective, top=top, model=model, params=params, size=size, negatives=negatives,
                        metric=metric, batch=batch, workers=workers, out_dir=out, progress=not quiet,
                        device=device, timeout=timeout, render_top=render_top, render_size=render_size,
                        scheduler=scheduler)
    for i, (s, v) in enumerate(result.ranking[:min(10, top)], 1):
        click.echo(f"{i:>3}  seed {s}  {v:.4f}")
    click.echo(f"written   {out}/")


def _taste_objective(sk, prompt, taste, weight, model, negatives, metric, device):
    """(objective or None, prompt text): --taste makes a TasteObjective; one of --prompt/--taste is needed."""
    if prompt is not None and not prompt.strip():
        raise UserError("empty prompt: give some words describing the image you want (e.g. --prompt 'red circles')")
    if taste is None:
        if prompt is None:
            raise UserError("give --prompt TEXT, --taste LIKES_FOLDER, or both")
        return None, prompt
    from gencraft.ml.search.taste import TasteObjective

    objective = TasteObjective(taste, model=model, sketch=sk, prompt=prompt, negatives=negatives, weight=weight,
                               metric=metric, device=device)
    click.echo(objective.summary(), err=True)
    return objective, objective.describe()["prompt"]


def _warn_vocabulary(model, prompt, negatives) -> None:
    """One stderr line when the (tiny) model does not know some prompt words."""
    from gencraft.ml.clip.vocab import warn_unknown_words

    warn_unknown_words(model, [p for p in (prompt, *negatives) if p], echo=lambda m: click.echo(m, err=True))


def _parse_grid(text: str) -> tuple[int, int]:
    import re

    m = re.fullmatch(r"\s*(\d+)\s*(?:[xX×]\s*(\d+))?\s*", str(text))
    if not m or not 1 <= int(m.group(1)) <= 64 or not 1 <= int(m.group(2) or m.group(1)) <= 64:
        raise UserError(f"grid {text!r}: expected COLUMNSxROWS between 1x1 and 64x64, e.g. 8x8")
    return int(m.group(1)), int(m.group(2) or m.group(1))
