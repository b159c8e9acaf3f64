"""`gencraft upscale` and `gencraft grade`: thin commands over gencraft.post."""
from __future__ import annotations

from pathlib import Path

import click

from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT, check_timeout


@click.command()
@click.argument("image", type=click.Path(dir_okay=False))
@click.option("--scale", type=float, default=4.0, show_default=True, help="How many times larger.")
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Output PNG (default IMAGE-xSCALE.png).")
@click.option("--model", type=click.Path(), default=None,
              help="Local diffusers upscaler folder, for refined images (their pixels are a model's).")
@click.option("--prompt", default=None, help="Upscaler prompt (default: the refinement's prompt).")
@click.option("--steps", type=int, default=25, show_default=True, help="Upscaler diffusion steps.")
@click.option("--seed", default="0", show_default=True, help="Upscaler seed.")
@click.option("--device", default="cpu", show_default=True, help="Upscaler device: cpu, cuda, mps.")
@click.option("--sketch", "sketch_path", type=click.Path(dir_okay=False), default=None,
              help="Use this sketch file instead of the path in the recipe.")
@click.option("--allow-changed", is_flag=True,
              help="Run the sketch even when its source differs from the recipe's sha256 (it is code: trust it).")
@click.option("--timeout", type=float, default=DEFAULT_RENDER_TIMEOUT, show_default=True,
              help="Seconds the re-render may take.")
def upscale(image, scale, out, model, prompt, steps, seed, device, sketch_path, allow_changed, timeout):
    """Upscale IMAGE: a gencraft render is re-rendered from its recipe at the larger size.

    That is exact, not interpolated: every line is drawn again at the new
    resolution (the rule-based answer to super-resolution). A refined image
    needs --model, a local diffusers upscaler folder.
    """
    from gencraft.post.upscale import upscale_file

    out = Path(out) if out else Path(image).with_name(f"{Path(image).stem}-x{scale:g}.png")
    result = upscale_file(image, out, scale, model=model, sketch_path=sketch_path, allow_changed=allow_changed,
                          prompt=prompt, steps=steps, seed=seed, device=device, timeout=check_timeout(timeout))
    how = ("re-rendered from its recipe (exact, not interpolated)" if result.method == "re-render"
           else "upscaled by the diffusion model")
    click.echo(f"{result.size[0]}x{result.size[1]}  {how}")
    click.echo(str(out))


@click.command()
@click.argument("image", type=click.Path(dir_okay=False))
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Output PNG (default IMAGE-graded.png).")
@click.option("--exposure", type=float, default=0.0, show_default=True, help="Stops, -8 to 8.")
@click.option("--contrast", type=float, default=1.0, show_default=True, help="Factor on OKLab lightness, 0 to 4.")
@click.option("--saturation", type=float, default=1.0, show_default=True, help="Factor on OKLab chroma, 0 to 4.")
@click.option("--temperature", type=float, default=0.0, show_default=True, help="Warm (+) or cool (-), -1 to 1.")
@click.option("--tint", type=float, default=0.0, show_default=True, help="Magenta (+) or green (-), -1 to 1.")
@click.option("--palette", default=None, help="Remap to a named palette (dusk, ink, sea, ...).")
@click.option("--palette-mode", type=click.Choice(["gradient", "nearest"]), default="gradient", show_default=True,
              help="Lightness onto the palette's ramp, or each pixel to its nearest colour.")
@click.option("--palette-mix", type=float, default=1.0, show_default=True, help="How much of the remap, 0 to 1.")
@click.option("--lut", type=click.Path(dir_okay=False), default=None, help="A .cube 3D LUT, applied last.")
def grade(image, out, exposure, contrast, saturation, temperature, tint, palette, palette_mode, palette_mix, lut):
    """Colour-grade IMAGE in OKLab, remap it to a palette or apply a .cube LUT.

    The grade is recorded as a stage in the recipe: `gencraft reproduce`
    replays it on a fresh render.
    """
    from gencraft.post.grade import grade_file

    out = Path(out) if out else Path(image).with_name(f"{Path(image).stem}-graded.png")
    grade_file(image, out, exposure=exposure, contrast=contrast, saturation=saturation, temperature=temperature,
               tint=tint, palette=palette, palette_mode=palette_mode, palette_mix=palette_mix, lut=lut)
    click.echo(str(out))
