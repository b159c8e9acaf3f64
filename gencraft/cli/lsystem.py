"""`gencraft lsystem`: render, list or measure an L-system (presets, files, inline rules)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import click

from gencraft.errors import UserError


def _parse_view(text: str | None):
    if text is None:
        return None
    parts = text.replace(",", " ").split()
    try:
        az, el = (float(p) for p in parts)
    except ValueError:
        raise UserError(f"--view {text!r}: expected 'AZIMUTH,ELEVATION' in degrees, e.g. 30,15") from None
    if not (math.isfinite(az) and math.isfinite(el)):
        raise UserError(f"--view {text!r}: expected finite degrees, e.g. 30,15")
    return (az, el)


@click.command("lsystem")
@click.argument("source", required=False)
@click.option("-n", "steps", type=int, default=None, help="Derivation steps (default: the system's n).")
@click.option("--angle", type=float, default=None, help="Turning angle in degrees.")
@click.option("--heading", type=float, default=None,
              help="Initial heading in degrees, 0 = +x (default 90 = +y).")
@click.option("--axiom", default=None, help="Inline system: the axiom.")
@click.option("--rule", "rules", multiple=True, metavar="'P->S'", help="Inline production (repeatable).")
@click.option("--draw", "draw_syms", default=None, help="Further symbols drawn like F, e.g. LR.")
@click.option("--ignore", default=None, help="Symbols ignored in context matching.")
@click.option("--seed", default="0", show_default=True, help="Seed for stochastic productions.")
@click.option("--view", default=None, help="3D view 'AZIMUTH,ELEVATION' in degrees.")
@click.option("--size", default="1000x1000", show_default=True, help="WIDTHxHEIGHT in pixels.")
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None, help="Output .png, .svg or .pdf.")
@click.option("--stats", is_flag=True, help="Print string length, draw count, end point and bbox; no drawing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (with --stats or --list).")
@click.option("--word", "show_word", is_flag=True, help="Print the derived word.")
@click.option("--list", "list_presets", is_flag=True, help="List the presets.")
@click.option("--max-modules", type=int, default=None, help="Size limit in modules (default 50,000,000).")
def lsystem(source, steps, angle, heading, axiom, rules, draw_syms, ignore, seed, view, size, out, stats,
            as_json, show_word, list_presets, max_modules):
    """Render an L-system: a preset (see --list), a .lsys FILE, or --axiom/--rule inline."""
    from gencraft.seeds import parse_seed
    from gencraft.lsystem.grammar import inline_lsystem
    from gencraft.lsystem.presets import load_preset, load_source, preset_names
    from gencraft.lsystem.rewrite import DEFAULT_MAX_MODULES, derive

    if list_presets:
        rows = []
        for name in preset_names():
            s = load_preset(name)
            rows.append({"name": name, "figure": s.figure, "n": s.n, "angle": s.angle,
                         "description": s.description})
        if as_json:
            click.echo(json.dumps(rows, indent=2))
        else:
            for r in rows:
                click.echo(f"{r['name']:<24} {r['figure']:<6} n={r['n']:<3} {r['description']}")
        return
    from gencraft.lsystem.rewrite import MAX_STEPS

    if steps is not None and not 0 <= steps <= MAX_STEPS:
        raise UserError(f"-n {steps}: expected a number of steps from 0 to {MAX_STEPS:,}")
    for flag, value in (("--angle", angle), ("--heading", heading)):
        if value is not None and not math.isfinite(value):
            raise UserError(f"{flag} {value}: expected a finite number of degrees")
    if max_modules is not None and max_modules < 1:
        raise UserError(f"--max-modules {max_modules}: expected a positive number")
    overrides = dict(n=steps, angle=angle, draw=set(draw_syms) if draw_syms else None,
                     ignore=set(ignore) if ignore else None)
    if axiom is not None or rules:
        if source:
            raise UserError("give a preset or file, or --axiom/--rule, not both")
        if axiom is None:
            raise UserError("--rule needs --axiom")
        system = inline_lsystem(axiom, list(rules), **overrides)
    elif source:
        system = load_source(source, **overrides)
    else:
        raise UserError("expected a preset name, a .lsys file, or --axiom with --rule (see --list)")
    seed_obj = parse_seed(seed)
    rng = seed_obj.rng()
    limit = max_modules or DEFAULT_MAX_MODULES
    if stats:
        from gencraft.lsystem.stats import lsystem_stats

        result = lsystem_stats(system, heading=heading, rng=rng, max_modules=limit)
        if as_json:
            click.echo(json.dumps(result, indent=2, sort_keys=True))
        else:
            for key in ("name", "n", "string_length", "draw_count", "end_point", "bbox"):
                click.echo(f"{key:<14} {result[key]}")
        return
    if show_word:
        click.echo(derive(system, rng=rng, max_modules=limit).to_string())
        return
    from gencraft.atomic import atomic_path
    from gencraft.render import parse_size
    from gencraft.lsystem.draw import render_lsystem

    out = Path(out) if out else Path(f"{system.name}.png")
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise UserError(f"output {str(out)!r}: expected a .png, .svg or .pdf file")
    from gencraft.lsystem.draw import lsystem_recipe

    if axiom is not None:
        label, text = "inline", "\n".join([f"axiom: {axiom}"] + list(rules))
    else:
        from gencraft.lsystem.presets import source_text

        label, text = source_text(source)
    size_px, view_angles = parse_size(size), _parse_view(view)
    recipe = lsystem_recipe(label, text, overrides, seed_obj, size_px, fmt, heading, view_angles, max_modules)
    data = render_lsystem(system, size=size_px, fmt=fmt, rng=rng, heading=heading, view=view_angles,
                          max_modules=limit, recipe=recipe)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
    click.echo(str(out))
