"""`gencraft render`, `info`, `reproduce` and `params`."""
from __future__ import annotations

import json
from pathlib import Path

import click

from gencraft.cli.options import echo_json, sketch_options
from gencraft.cli.plot import PLOT_EXTENSIONS, plotter_options
from gencraft.errors import UserError
from gencraft.params import load_params_file, parse_assignments
from gencraft.sketch import load_sketch


@click.command()
@click.argument("sketch", type=click.Path(dir_okay=False))
@sketch_options
@click.option("--seed", default=None, help="Integer or any string.")
@click.option("--hash", "token_hash", default=None, help="Token hash: 0x+64 hex or fx(hash) oo... base58.")
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Output file: .png, .svg, .pdf, .gif or .mp4 (default SKETCH.png); for a plot .svg, "
                   ".gcode or .hpgl.")
@click.option("--timeout", type=float, default=300.0, show_default=True,
              help="Seconds a render may take before it is stopped.")
@plotter_options
def render(sketch, params_file, assignments, size, seed, token_hash, out, timeout, plotter, **plot):
    """Render SKETCH to an image that carries its recipe (or, with --plotter, to a pen plot)."""
    from gencraft.render import render_to_file

    if seed is not None and token_hash is not None:
        raise UserError("give --seed or --hash, not both")
    overrides = {**(load_params_file(params_file) if params_file else {}), **parse_assignments(assignments)}
    plotter = plotter or (out is not None and Path(out).suffix.lower() in PLOT_EXTENSIONS)
    out = Path(out) if out else Path(f"{Path(sketch).stem}.{'svg' if plotter else 'png'}")
    # The sketch is loaded inside the time-limited child: a loop at module level is stopped too.
    if token_hash is not None:
        from gencraft.seeds import parse_token_hash

        chosen = parse_token_hash(token_hash)
    else:
        from gencraft.seeds import parse_seed

        chosen = parse_seed(seed if seed is not None else 0)  # --seed "" is a mistake, not seed 0
    from gencraft.timelimit import check_timeout

    if plotter:
        from gencraft.cli.plot import plot_settings
        from gencraft.plotter import plot_to_file, require_vpype

        require_vpype()
        options, write = plot_settings(plot)
        _, summary = plot_to_file(sketch, out, overrides, chosen, size, options, timeout=check_timeout(timeout),
                                  **write)
        click.echo(summary, err=True)
        click.echo(str(out))
        return
    render_to_file(sketch, out, overrides, chosen, size, timeout=check_timeout(timeout))
    click.echo(str(out))


@click.command("plot")
@click.argument("sketch", type=click.Path(dir_okay=False))
@click.pass_context
def plot_cmd(ctx, sketch, **kw):
    """Render SKETCH for a pen plotter: `gencraft render SKETCH --plotter` (same options)."""
    ctx.invoke(render, sketch=sketch, **{**kw, "plotter": True})


for _param in render.params:  # `plot` takes every option of `render`
    if _param.name not in ("sketch", "plotter"):
        plot_cmd.params.append(_param)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the recipe as JSON.")
def info(file, as_json):
    """Print the recipe stored in a gencraft image."""
    from gencraft.provenance import read_recipe

    recipe = read_recipe(file)
    if as_json:
        echo_json(recipe)
        return
    click.echo(f"file      {file}")
    click.echo(f"gencraft  {recipe.get('gencraft') or '(version not recorded)'}")
    if recipe.get("command"):  # `gencraft attractor` / `gencraft lsystem`: the command's own settings
        click.echo(f"command   {recipe['command']}")
        for key in sorted(recipe):
            if key not in ("gencraft", "command", "text"):
                click.echo(f"  {key} = {json.dumps(recipe[key], sort_keys=True)}")
        if "text" in recipe:
            click.echo("grammar")
            for line in str(recipe["text"]).splitlines():
                click.echo(f"  {line}")
        return
    sk = recipe.get("sketch", {})
    click.echo(f"sketch    {sk.get('path')}  (sha256 {str(sk.get('sha256'))[:12]}…)")
    click.echo(f"seed      {recipe.get('seed')}")
    click.echo(f"size      {'x'.join(map(str, recipe.get('size', [])))}")
    drawn = set(recipe.get("drawn", ()))
    for name, value in recipe.get("params", {}).items():
        click.echo(f"  {name} = {json.dumps(value)}" + ("   (drawn from the hash)" if name in drawn else ""))
    for stage in recipe.get("stages", []):
        click.echo(f"stage     {json.dumps(stage, sort_keys=True)}")
    plot = recipe.get("plotter")
    if isinstance(plot, dict):  # a pen plot: its page and how the drawing became lines
        page = "x".join(f"{v:g}" for v in plot.get("page_mm", [])) or "?"
        click.echo(f"plotter   page {page} mm, margin {plot.get('margin_mm')} mm, fill {plot.get('fill')}, "
                   f"occlude {plot.get('occlude')}, optimise {plot.get('optimise')}")
        for when in ("before", "after"):
            st = recipe.get("plot", {}).get(when)
            if isinstance(st, dict):
                click.echo(f"  {when:<6} pen down {st.get('pen_down_mm')} mm, pen up {st.get('pen_up_mm')} mm, "
                           f"{st.get('lifts')} lifts, {st.get('seconds')} s")


@click.command("reproduce")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--sketch", "sketch_path", type=click.Path(dir_okay=False), default=None,
              help="Use this sketch file instead of the path in the recipe.")
@click.option("--allow-changed", is_flag=True,
              help="Run the sketch even when its source differs from the recipe's sha256 (it is code: trust it).")
def reproduce_cmd(file, sketch_path, allow_changed):
    """Re-render FILE from its recipe and verify the bytes match (exit 1 if not).

    The sketch runs only when its source matches the sha256 in FILE's recipe.
    """
    from gencraft.reproduce import reproduce

    verdict = reproduce(file, sketch_path, allow_changed=allow_changed)
    click.echo(verdict.summary())
    if not verdict.ok:
        raise SystemExit(1)


@click.command("params")
@click.argument("sketch", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
def params_cmd(sketch, as_json):
    """List a sketch's declared parameters."""
    sk = load_sketch(sketch)
    described = [p.describe() for p in sk.params.values()]
    if as_json:
        echo_json(described)
        return
    for d in described:
        rng = f"[{d['min']}, {d['max']}]" if "min" in d else (f"{d['options']}" if "options" in d else "")
        click.echo(f"{d['name']:<16} {d['kind']:<7} default {json.dumps(d['default']):<12} {rng}  {d['help']}")
        trait = f"   trait {d['trait']!r}" if d.get("trait") else ""
        click.echo(f"{'':<16} per token: {d['variation']}{trait}")
