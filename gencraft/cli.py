"""The `gencraft` command line: thin click commands over the Python API.

Commands live next to the code they drive and are imported only when invoked,
so `gencraft render` never pays for torch. A UserError anywhere becomes one
line on stderr and exit code 2.
"""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import UserError

# name -> "module:attribute"; each command is imported on first use.
LAZY_COMMANDS = {
    "render": "gencraft.cli_render:render",
    "info": "gencraft.cli_render:info",
    "reproduce": "gencraft.cli_render:reproduce_cmd",
    "params": "gencraft.cli_render:params_cmd",
    "lsystem": "gencraft.lsystem.cli:lsystem",
    "attractor": "gencraft.particles.cli:attractor",
    "live": "gencraft.live.cli:live",
    "edition": "gencraft.editions.cli:edition",
    "score": "gencraft.ml.cli:score",
    "explore": "gencraft.ml.search_cli:explore",
    "rank": "gencraft.ml.search_cli:rank",
    "ml": "gencraft.ml.cli:ml_group",
    "refine": "gencraft.ml.refine_cli:refine",
    "compare": "gencraft.ml.refine_cli:compare",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported when first used."""

    def list_commands(self, ctx):
        return sorted(name for name in LAZY_COMMANDS if self._available(name))

    @staticmethod
    def _available(name: str) -> bool:
        module = LAZY_COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx, name):
        target = LAZY_COMMANDS.get(name)
        if target is None or not self._available(name):
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gencraft")
def cli():
    """gencraft: generative art from rules and from models, side by side."""


def main(argv=None) -> None:
    """Console entry point: user mistakes exit 2 with one line, bugs keep tracebacks."""
    try:
        cli.main(args=argv, prog_name="gencraft", standalone_mode=False)
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))
