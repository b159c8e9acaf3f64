"""`gencraft morph`: a thin command over gencraft.morphing (and gencraft.ml.search.prompt_morph)."""
from __future__ import annotations

from pathlib import Path

import click

from gencraft.cli.options import sketch_options
from gencraft.errors import UserError
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT, check_timeout


def parse_eases(items) -> tuple[str, dict]:
    """--ease cosine --ease radius=linear -> ("cosine", {"radius": "linear"})."""
    default, per = "linear", {}
    defaults = [i for i in items if "=" not in i]
    if len(defaults) > 1:
        raise UserError(f"--ease given {len(defaults)} defaults ({', '.join(defaults)}); expected one, "
                        "and NAME=EASING for single parameters")
    if defaults:
        default = defaults[0].strip()
    for item in items:
        if "=" in item:
            name, how = item.split("=", 1)
            per[name.strip()] = how.strip()
    return default, per


@click.command()
@click.argument("sketch", type=click.Path(dir_okay=False))
@click.argument("keyframes", nargs=-1)
@click.option("--frames", type=int, default=48, show_default=True, help="Frames in the whole morph.")
@click.option("-o", "--out", default=None,
              help="A .gif, an .mp4, or a folder for PNG frames (default SKETCH-morph.gif).")
@click.option("--fps", type=float, default=24.0, show_default=True, help="Frames per second of a GIF or MP4.")
@click.option("--ease", "eases", multiple=True, metavar="EASING|NAME=EASING",
              help="linear, smoothstep or cosine; NAME=EASING for one parameter (repeatable).")
@click.option("--choices", type=click.Choice(["switch", "fade"]), default="switch", show_default=True,
              help="Choices and booleans switch halfway, or cross-fade the two renders.")
@click.option("--loop", is_flag=True, help="Return to the first keyframe: a seamless loop.")
@sketch_options
@click.option("--seed", default="0", show_default=True,
              help="Seed of keyframes that name none (JSON files without a seed).")
@click.option("--timeout", type=float, default=DEFAULT_RENDER_TIMEOUT, show_default=True,
              help="Seconds one frame may take before it is stopped.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--prompt-from", default=None, help="CLIP path: the prompt the morph starts from.")
@click.option("--prompt-to", default=None, help="CLIP path: the prompt the morph ends at.")
@click.option("--from-explore", type=click.Path(file_okay=False), default=None,
              help="CLIP path: reuse this exploration's best render for --prompt-from.")
@click.option("--to-explore", type=click.Path(file_okay=False), default=None,
              help="CLIP path: reuse this exploration's best render for --prompt-to.")
@click.option("--budget", type=int, default=32, show_default=True, help="CLIP path: evaluations per exploration.")
@click.option("--model", default="tiny", show_default=True, help="CLIP path: the CLIP model spec.")
@click.option("--explore-size", default="224", show_default=True, help="CLIP path: render size while exploring.")
@click.option("--device", default="cpu", show_default=True, help="CLIP path: cpu or cuda.")
def morph(sketch, keyframes, frames, out, fps, eases, choices, loop, size, params_file, assignments, seed, timeout,
          quiet, prompt_from, prompt_to, from_explore, to_explore, budget, model, explore_size, device):
    """Morph SKETCH through KEYFRAMES (A B [C ...]) into a GIF, MP4 or folder of frames.

    A keyframe is a PNG/SVG/PDF with a gencraft recipe, a JSON parameter file,
    or seed=VALUE. Floats and ints are eased, colours mixed in OKLab, choices
    switched halfway (or cross-faded), seeds held (different seeds cross-fade).
    The first frame has the pixels of A's render; the last, those of the last keyframe.
    """
    from gencraft.params import load_params_file, parse_assignments

    timeout = check_timeout(timeout)
    ease, per = parse_eases(eases)
    held = {**(load_params_file(params_file) if params_file else {}), **parse_assignments(assignments)}
    out = Path(out) if out else Path(f"{Path(sketch).stem}-morph.gif")
    kwargs = dict(size=size, ease=ease, eases=per, loop=loop, choices=choices)
    if prompt_from is not None or prompt_to is not None:
        if prompt_from is None or prompt_to is None:
            raise UserError("the CLIP path needs both --prompt-from and --prompt-to")
        if keyframes:
            raise UserError("give keyframes or --prompt-from/--prompt-to, not both")
        from gencraft.cli import ML, missing_modules

        if missing_modules(ML):
            raise UserError("gencraft morph --prompt-from/--prompt-to needs the ml extra: pip install 'gencraft[ml]'")
        from gencraft.ml.search.prompt_morph import prompt_morph

        result = prompt_morph(sketch, prompt_from, prompt_to, out, frames=frames, budget=budget, model=model,
                              from_explore=from_explore, to_explore=to_explore, explore_size=explore_size,
                              render_seed=seed, device=device, fps=fps, progress=not quiet, timeout=timeout,
                              fixed=held or None, **kwargs)
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(f"scores    {result.scores_from[0]:.4f} -> {result.scores_from[-1]:.4f} "
                   f"(“{prompt_from}”), {result.scores_to[0]:.4f} -> {result.scores_to[-1]:.4f} (“{prompt_to}”)")
        click.echo(f"chart     {result.chart}")
        click.echo(str(result.out))
        return
    from gencraft.morphing import plan_morph, write_morph

    m = plan_morph(sketch, list(keyframes), frames, params=held or None, seed=seed, **kwargs)
    for note in m.notes:
        click.echo(f"note: {note}", err=True)
    write_morph(m, out, fps=fps, progress=not quiet, timeout=timeout)
    click.echo(str(out))
