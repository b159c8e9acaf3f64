"""`gencraft refine` and `gencraft compare`: thin commands over gencraft.ml.refine.img2img / .compare."""
from __future__ import annotations

from pathlib import Path

import click

from gencraft.errors import UserError

_DEVICE_HELP = "cpu (default, fp32), cuda or cuda:N (fp16), mps."


@click.command()
@click.argument("image", type=click.Path(dir_okay=False))
@click.option("--model", "model", default=None, type=click.Path(),
              help="Local diffusers model folder (save_pretrained: SD 1.5, SD-Turbo, SDXL...); "
                   "default (or 'tiny'): gencraft's bundled tiny diffusion model.")
@click.option("--prompt", required=True, help="What the refined image should show.")
@click.option("--negative", "negative", default=None, help="Negative prompt.")
@click.option("--strength", type=float, default=0.4, show_default=True,
              help="How far the model may move the render: 0 keeps it, 1 ignores it.")
@click.option("--steps", type=int, default=25, show_default=True, help="Diffusion steps (SD-Turbo: 2-4).")
@click.option("--guidance", type=float, default=None,
              help="Classifier-free guidance scale (default: the pipeline's, 7.5 for SD; SD-Turbo: 0).")
@click.option("--seed", default="0", show_default=True, help="Integer or any string; same seed, same image.")
@click.option("--controlnet", type=click.Path(), default=None,
              help="ControlNet folder: hold the layout with the render's own line drawing.")
@click.option("--control", type=click.Choice(["auto", "strokes", "lines", "edges"]), default="auto",
              show_default=True,
              help="Control image: the sketch's recorded strokes (re-run from the image's recipe), or from "
                   "the pixels: its ink (lines) or outlines (edges). auto: strokes when the recipe allows.")
@click.option("--control-scale", type=float, default=1.0, show_default=True, help="ControlNet strength.")
@click.option("--save-control", type=click.Path(dir_okay=False), default=None,
              help="Also write the control image to this PNG.")
@click.option("--resolution", type=int, default=None,
              help="Long side in pixels the model works at (default: its native size, e.g. 512).")
@click.option("--device", default="cpu", show_default=True, help=_DEVICE_HELP)
@click.option("--dtype", type=click.Choice(["auto", "fp32", "fp16", "bf16"]), default="auto", show_default=True,
              help="GPU precision (CPU always runs fp32).")
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Output PNG (default IMAGE-refined.png).")
def refine(image, model, prompt, negative, strength, steps, guidance, seed, controlnet, control, control_scale,
           save_control, resolution, device, dtype, out):
    """Refine IMAGE with a diffusion model (img2img); the PNG keeps both stages' provenance."""
    from gencraft.ml.refine.img2img import refine_file

    out = Path(out) if out else Path(image).with_name(Path(image).stem + "-refined.png")
    if model is None:
        from gencraft.ml import TINY_DIFFUSION_DIR

        click.echo(f"no --model given: using gencraft's bundled tiny diffusion model ({TINY_DIFFUSION_DIR})",
                   err=True)
    result = refine_file(image, out, model, prompt, save_control=save_control, negative_prompt=negative,
                         strength=strength, steps=steps, guidance=guidance, seed=seed, controlnet=controlnet,
                         control=control, control_scale=control_scale, resolution=resolution, device=device,
                         dtype=dtype, progress=True)
    click.echo(str(out))
    if result.stage.get("note"):
        click.echo(f"note: {result.stage['note']}", err=True)


@click.command()
@click.argument("sketch", type=click.Path(dir_okay=False))
@click.option("--prompt", required=True, help="The text every column is scored against.")
@click.option("--model", "clip_model", default="tiny", show_default=True,
              help="CLIP spec: tiny (bundled), local-dir:PATH, ARCH:FILE.safetensors.")
@click.option("--refine-model", type=click.Path(), default=None,
              help="Diffusion model folder, or 'tiny' (the bundled one); without it the refined column "
                   "says 'not available'.")
@click.option("--controlnet", type=click.Path(), default=None, help="ControlNet folder for the refinement.")
@click.option("--negative", default=None, help="Negative prompt for the refinement.")
@click.option("--strength", type=float, default=0.4, show_default=True)
@click.option("--steps", type=int, default=25, show_default=True)
@click.option("--guidance", type=float, default=None)
@click.option("--budget", type=int, default=32, show_default=True, help="CLIP-guided search evaluations.")
@click.option("--algo", type=click.Choice(["tpe", "cma", "random"]), default="tpe", show_default=True)
@click.option("--seed", default="0", show_default=True, help="The sketch's seed (and the search's).")
@click.option("--size", default=None, help="Render size, WIDTHxHEIGHT (default: 256 px long side).")
@click.option("--search-size", default=None, help="Render size during the search (default: 224 px long side).")
@click.option("--device", default="cpu", show_default=True, help=_DEVICE_HELP)
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Sheet PNG (default SKETCH-compare.png); the JSON and each column's PNG go beside it.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="JSON path (default: the sheet's name with .json).")
def compare(sketch, prompt, clip_model, refine_model, controlnet, negative, strength, steps, guidance, budget,
            algo, seed, size, search_size, device, out, json_path):
    """Rule-based vs CLIP-steered vs diffusion-refined SKETCH, side by side with CLIP scores."""
    from gencraft.ml.refine.compare import compare as run_compare
    from gencraft.ml.refine.compare import write_comparison

    out = Path(out) if out else Path(f"{Path(sketch).stem}-compare.png")
    if out.suffix.lower() != ".png":
        raise UserError(f"output {str(out)!r}: expected a .png file")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise UserError(f"cannot write {str(out)!r}: folder {str(out.parent)!r} does not exist")
    from gencraft.ml.clip.vocab import warn_unknown_words

    warn_unknown_words(clip_model, prompt, echo=lambda m: click.echo(m, err=True))
    cmp = run_compare(sketch, prompt, clip_model=clip_model, refine_model=refine_model, controlnet=controlnet,
                      budget=budget, algo=algo, seed=seed, size=size, search_size=search_size, strength=strength,
                      steps=steps, guidance=guidance, negative_prompt=negative, device=device, progress=True)
    write_comparison(cmp, out, json_path)
    for col in cmp.columns:
        score = f"{col.score:.4f}" if col.score is not None else "n/a"
        click.echo(f"{col.label:18s} {score:>8s}  {col.produced_by if col.available else col.reason}")
    notes = {c.note for c in cmp.columns if c.note}
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(str(out))
