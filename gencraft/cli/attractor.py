"""`gencraft attractor`: render a strange attractor as a tone-mapped density image."""
from __future__ import annotations

import math
from pathlib import Path

import click

from gencraft.errors import UserError


def _parse_params(text: str | None):
    if text is None:
        return None
    try:
        values = tuple(float(v) for v in text.replace(" ", "").split(",") if v != "")
    except ValueError:
        values = (math.nan,)
    if not all(math.isfinite(v) for v in values):
        raise UserError(f"--params {text!r}: expected comma-separated finite numbers such as -1.4,1.6,1.0,0.7")
    return values


def _parse_count(text: str) -> int:
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise UserError(f"-n {text!r}: expected a number of points such as 10000000 or 1e7") from None
    if not math.isfinite(value) or value != int(value) or value < 1:
        raise UserError(f"-n {text!r}: expected a positive whole number of points")
    return int(value)


@click.command()
@click.argument("name")
@click.option("--params", "params", default=None, help="a,b,c,d (default: the attractor's classic values).")
@click.option("-n", "count", default="10000000", show_default=True, help="Number of points (e.g. 1e8).")
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None, help="Output PNG (default NAME.png).")
@click.option("--size", default="1600x1600", show_default=True, help="WIDTHxHEIGHT in pixels.")
@click.option("--tone", default="eq_hist", show_default=True, help="linear, log, cbrt or eq_hist.")
@click.option("--palette", default="ember", show_default=True, help="Palette name (colours ramp faint -> dense).")
@click.option("--background", default=None, help="Background colour (default: the palette's).")
def attractor(name, params, count, out, size, tone, palette, background):
    """Render attractor NAME (clifford, dejong, svensson, ...) as a density image."""
    from gencraft.atomic import atomic_path
    from gencraft.provenance import encode_png
    from gencraft.render import parse_size
    from gencraft.particles.attractors import spec
    from gencraft.particles.density import TONES
    from gencraft.particles.render import render_attractor

    spec(name)  # unknown names fail before any work
    if tone not in TONES:
        from gencraft.errors import did_you_mean
        raise UserError(f"unknown tone mapping {tone!r}{did_you_mean(tone, TONES)}: expected one of {', '.join(TONES)}")
    out = Path(out) if out else Path(f"{name}.png")
    if out.suffix.lower() != ".png":
        raise UserError(f"output {str(out)!r}: the attractor command writes .png files")
    if background is not None:
        from gencraft.draw.color import parse_color
        try:
            parse_color(background)
        except ValueError as exc:
            raise UserError(f"--background: {exc}") from None
    rgba, recipe = render_attractor(name, _parse_params(params), _parse_count(count), parse_size(size), tone,
                                    palette, background)
    with atomic_path(out) as tmp:
        tmp.write_bytes(encode_png(rgba, recipe))
    click.echo(str(out))
