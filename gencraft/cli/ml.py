"""`gencraft score` and the `gencraft ml` group (training the tiny CLIP and the tiny diffusion model).

Thin click wrappers: the work is in :mod:`gencraft.ml.clip.model` and
:mod:`gencraft.ml.clip.tiny`. Importing this module does not import torch, so
``gencraft --help`` stays fast; the commands import it when they run.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from gencraft.errors import UserError
from gencraft.ml import TINY_CLIP_DIR
from gencraft.ml.clip.tiny.config import TRAIN_DEFAULTS

MODEL_HELP = ("CLIP model: 'tiny' (bundled, default), 'local-dir:PATH', 'ARCH:FILE' "
              "or 'ARCH:PRETRAINED_TAG' (needs the network or a cache)")


def _vocabulary_epilog() -> str:
    from gencraft.ml.clip.vocab import help_text
    return help_text("tiny")


@click.command("score", epilog=_vocabulary_epilog())
@click.argument("images", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--prompt", "-p", required=True, help="text to score the images against")
@click.option("--negative", "-n", multiple=True, help="negative prompt (repeatable): subtracted, contrastive")
@click.option("--model", "-m", "model_spec", default="tiny", show_default=True, help=MODEL_HELP)
@click.option("--metric", type=click.Choice(["cosine", "clipscore"]), default="cosine", show_default=True,
              help="cosine similarity or CLIPScore = 2.5*max(cos, 0)")
@click.option("--crops", type=click.IntRange(min=0), default=0, show_default=True,
              help="average over K random crops (ES-CLIP/CLIPDraw augmentation)")
@click.option("--seed", type=int, default=0, show_default=True, help="seed of the random crops")
@click.option("--ensemble", is_flag=True, help="average the prompt over a few templates ('a picture of ...')")
@click.option("--device", default="cpu", show_default=True, help="cpu or cuda")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
def score(images, prompt, negative, model_spec, metric, crops, seed, ensemble, device, as_json):
    """Rate IMAGES against a text prompt with a CLIP model."""
    if not prompt.strip():
        raise UserError("empty --prompt: give some words to score images against")
    for neg in negative:
        if not neg.strip():
            raise UserError("empty --negative prompt: give some words or drop the option")
    from gencraft.ml.clip.preprocess import load_image
    arrays = [load_image(p) for p in images]  # unreadable files fail before the model loads
    from gencraft.ml.clip.vocab import warn_unknown_words
    warn_unknown_words(model_spec, [prompt, *negative], echo=lambda m: click.echo(m, err=True))
    from gencraft.ml.clip.model import DEFAULT_TEMPLATES, load_clip
    model = load_clip(model_spec, device=device)
    values = model.score(arrays, prompt, negatives=negative, metric=metric, crops=crops, seed=seed,
                         templates=DEFAULT_TEMPLATES if ensemble else None)
    rows = [{"image": str(p), "score": round(float(v), 6)} for p, v in zip(images, values)]
    if as_json:
        click.echo(json.dumps({"model": model.spec, "prompt": prompt, "negatives": list(negative),
                               "metric": metric, "crops": crops, "ensemble": ensemble, "scores": rows},
                              indent=2))
        return
    order = sorted(range(len(rows)), key=lambda i: -rows[i]["score"])
    rank = {i: r + 1 for r, i in enumerate(order)}
    width = max(len(r["image"]) for r in rows)
    click.echo(f"model {model.name}, {metric}, prompt {prompt!r}"
               + (f", negatives {list(negative)!r}" if negative else ""))
    click.echo(f"{'image':<{width}}  {'score':>9}  rank")
    for i, r in enumerate(rows):
        click.echo(f"{r['image']:<{width}}  {r['score']:>9.4f}  {rank[i]:>4}")


@click.group("ml")
def ml_group():
    """Models gencraft trains itself (the tiny CLIP, the tiny diffusion model)."""


@ml_group.command("train-tiny-clip")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=TINY_CLIP_DIR,
              show_default="the bundled gencraft/ml/models/tiny-clip", help="output model folder")
@click.option("--steps", type=click.IntRange(min=1), default=TRAIN_DEFAULTS["steps"], show_default=True,
              help="steps on sketch renders mixed with random captioned scenes")
@click.option("--shape-steps", type=click.IntRange(min=0), default=TRAIN_DEFAULTS["shape_steps"],
              show_default=True, help="then steps with hard negatives for shape words")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--batch-size", type=click.IntRange(min=2), default=TRAIN_DEFAULTS["batch_size"], show_default=True)
@click.option("--per-sketch", type=click.IntRange(min=0), default=TRAIN_DEFAULTS["per_sketch"], show_default=True,
              help="training renders (token hashes) of each bundled sketch; 0: primitive scenes only")
@click.option("--sketch-share", type=click.FloatRange(0, 1), default=TRAIN_DEFAULTS["sketch_share"],
              show_default=True, help="fraction of each batch that is sketch renders")
@click.option("--sketch", "sketches", multiple=True,
              help="train on this bundled sketch (repeatable; default: every art sketch)")
@click.option("--word-weight", type=click.FloatRange(min=0), default=TRAIN_DEFAULTS["word_weight"],
              show_default=True, help="weight of the bare shape and colour words asked of every primitive scene")
@click.option("--threads", type=click.IntRange(min=1), default=TRAIN_DEFAULTS["threads"], show_default=True,
              help="torch CPU threads (same seed and threads: the same weights)")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="processes rendering the sketch data (once; it is cached)")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="~/.cache/gencraft/tiny-clip", help="render cache folder")
@click.option("--eval/--no-eval", "evaluate", default=True, show_default=True,
              help="report held-out accuracy after training")
def train_tiny_clip(out, steps, shape_steps, seed, batch_size, per_sketch, sketch_share, sketches, word_weight,
                    threads, workers, cache_dir, evaluate):
    """Render captioned scenes and sketch tokens and train the tiny CLIP on them (CPU, minutes)."""
    from gencraft.ml.clip.tiny.train import train

    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    summary = train(out, steps=steps, seed=seed, batch_size=batch_size, threads=threads, shape_steps=shape_steps,
                    per_sketch=per_sketch, sketch_share=sketch_share, sketches=list(sketches) or None,
                    cache_dir=cache_dir, workers=workers, word_weight=word_weight)
    click.echo(f"saved {out} (final loss {summary.get('shape_final_loss', summary['final_loss']):.3f}, "
               f"{summary['train_seconds']:.0f} s)")
    if evaluate:
        from gencraft.ml.clip.model import ClipModel
        from gencraft.ml.clip.load import ModelSpec, build_model
        from gencraft.ml.clip.tiny.evaluate import evaluate_and_record

        model, tok = build_model(ModelSpec("local-dir", path=out), "cpu")
        acc = evaluate_and_record(ClipModel(model, tok, spec=f"local-dir:{out}"), out, cache_dir=cache_dir,
                                  workers=workers, sketches=summary.get("sketches") or None)
        click.echo("held-out top-1 accuracy: " + ", ".join(
            f"{k} {acc[k]:.0%}" + (f" (chance {acc[k + ' chance']:.0%})" if k + " chance" in acc else "")
            for k in ("colour", "shape", "colour+shape", "kind", "background", "warmth", "density") if k in acc))


@ml_group.command("train-tiny-diffusion")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="the bundled gencraft/ml/models/tiny-diffusion", help="output model folder")
@click.option("--steps", type=click.IntRange(min=1), default=1500, show_default=True, help="training steps")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=5e-4, show_default=True,
              help="peak AdamW learning rate")
@click.option("--size", type=click.IntRange(min=8), default=64, show_default=True,
              help="render size in pixels = the model's native size")
@click.option("--crop", type=click.IntRange(min=0), default=32, show_default=True,
              help="train on random CROP x CROP crops (0: whole renders)")
@click.option("--per-sketch", type=click.IntRange(min=1), default=120, show_default=True,
              help="training renders (token hashes) per sketch")
@click.option("--sketch", "sketches", multiple=True,
              help="train on this bundled sketch (repeatable; default: every art sketch)")
@click.option("--channels", default="32,64,64", show_default=True,
              help="UNet channels per level, comma-separated (multiples of 8)")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="torch CPU threads (same seed and threads: the same weights)")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="processes rendering the training data (once; it is cached)")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="~/.cache/gencraft/tiny-diffusion", help="render cache and checkpoint folder")
@click.option("--checkpoint", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="checkpoint file (default: in the cache folder, named by the configuration)")
@click.option("--save-every", type=click.IntRange(min=0), default=100, show_default=True,
              help="write the checkpoint every N steps (0: only at the end and on Ctrl-C)")
@click.option("--restart", is_flag=True, help="ignore an existing checkpoint and start from step 0")
@click.option("--eval/--no-eval", "evaluate", default=True, show_default=True,
              help="measure FID-like distances on held-out renders and draw the strength grid")
@click.option("--eval-per-sketch", type=click.IntRange(min=2), default=16, show_default=True,
              help="held-out renders per sketch for the evaluation")
def train_tiny_diffusion(out, steps, batch_size, lr, size, crop, per_sketch, sketches, channels, seed, threads,
                         workers, cache_dir, checkpoint, save_every, restart, evaluate, eval_per_sketch):
    """Render the bundled sketches and train the tiny diffusion model on them (CPU, minutes)."""
    from gencraft.ml import TINY_DIFFUSION_DIR
    from gencraft.ml.refine.tiny.train import TrainConfig, train

    out = out or TINY_DIFFUSION_DIR
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    try:
        chans = tuple(int(c) for c in channels.split(","))
    except ValueError:
        raise UserError(f"--channels {channels!r}: expected whole numbers separated by commas, e.g. 32,64,64") from None
    cfg = TrainConfig(steps=steps, batch_size=batch_size, lr=lr, size=size, crop=crop, per_sketch=per_sketch,
                      channels=chans, seed=seed, sketches=list(sketches))
    try:
        summary = train(out, cfg, cache_dir=cache_dir, checkpoint=checkpoint, threads=threads, workers=workers,
                        save_every=save_every, restart=restart, log=lambda m: click.echo(m, err=True))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    click.echo(f"saved {out} ({summary['parameters']:,} parameters, final loss {summary['final_loss']:.4f}, "
               f"{summary['train_seconds']:.0f} s training)")
    if evaluate:
        from gencraft.ml.refine.tiny.evaluate import evaluate as run_eval
        from gencraft.ml.refine.tiny.evaluate import record

        ev = run_eval(out, per_sketch=eval_per_sketch, seed=seed, cache_dir=cache_dir, workers=workers,
                      threads=threads)
        record(out, ev)
        click.echo(f"FID-like (tiny CLIP) vs {ev['reference']} held-out renders: floor {ev['floor']:.3f}")
        for row in ev["rows"]:
            click.echo(f"  {row['what']}: trained {row['trained']:.3f}, random weights {row['random']:.3f}")
