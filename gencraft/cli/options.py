"""Options and helpers shared by every command: one place, so they read the same everywhere."""
from __future__ import annotations

import json

import click

from gencraft.params import load_params_file, parse_assignments


def sketch_options(fn):
    """The options every command that renders a sketch shares."""
    fn = click.option("-p", "--param", "assignments", multiple=True, metavar="NAME=VALUE",
                      help="Set a declared parameter (repeatable).")(fn)
    fn = click.option("--params", "params_file", type=click.Path(dir_okay=False),
                      help="JSON file of parameter values (applied before -p).")(fn)
    fn = click.option("--size", help="WIDTHxHEIGHT in pixels, or paper@dpi such as A3@300.")(fn)
    return fn


def resolve_cli_params(sketch, params_file, assignments):
    """Defaults, then the --params file, then each -p, validated by the sketch."""
    layers = []
    if params_file:
        layers.append(load_params_file(params_file))
    layers.append(parse_assignments(assignments))
    return sketch.resolve(*layers)


def echo_json(data) -> None:
    """Print data as stable, indented JSON."""
    click.echo(json.dumps(data, indent=2, sort_keys=True))
