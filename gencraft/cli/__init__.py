"""The `gencraft` command line: thin click commands over the Python API.

One module per command family (render, edition, live, search, ml, refine,
lsystem, attractor) and shared options in :mod:`.options`. Commands are
imported only when invoked, so `gencraft render` never pays for torch and
`gencraft --help` imports no engine; a command whose extra is not installed
says which one in one line. A UserError anywhere becomes one
line on stderr and exit code 2.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass

import click

from gencraft import __version__
from gencraft.errors import UserError

@dataclass(frozen=True)
class Command:
    """Where a command lives, its one-line help, and the extra it needs.

    The help is written here so that ``gencraft --help`` lists every command
    without importing any of them (no numba, cairo or torch at start-up).
    """

    target: str                     # "module:attribute", imported on first use
    help: str
    extra: str | None = None        # the pip extra that provides `needs`
    needs: tuple[str, ...] = ()     # top-level modules that must be importable


ML = ("torch", "open_clip", "optuna")
COMMANDS = {
    "render": Command("gencraft.cli.render:render", "Render SKETCH to an image that carries its recipe."),
    "info": Command("gencraft.cli.render:info", "Print the recipe stored in a gencraft image."),
    "reproduce": Command("gencraft.cli.render:reproduce_cmd",
                         "Re-render FILE from its recipe and verify the bytes match."),
    "params": Command("gencraft.cli.render:params_cmd", "List a sketch's declared parameters."),
    "plot": Command("gencraft.cli.render:plot_cmd",
                    "Render SKETCH for a pen plotter: layered, optimised SVG/G-code/HPGL in mm.",
                    "plotter", ("vpype", "vpype_cli")),
    "lsystem": Command("gencraft.cli.lsystem:lsystem", "Render, list or measure an L-system."),
    "attractor": Command("gencraft.cli.attractor:attractor", "Render a strange attractor as a density image."),
    "live": Command("gencraft.cli.live:live", "Serve a live page for SKETCH that re-renders on save.",
                    "live", ("starlette", "uvicorn", "watchfiles")),
    "edition": Command("gencraft.cli.edition:edition",
                       "Render a seeded edition with traits, rarity and a gallery."),
    "score": Command("gencraft.cli.ml:score", "Rate images against a text prompt with CLIP.", "ml", ML),
    "explore": Command("gencraft.cli.search:explore", "Search a sketch's parameters for a prompt with CLIP.",
                       "ml", ML),
    "rank": Command("gencraft.cli.search:rank", "Score many seeds of a sketch and rank them.", "ml", ML),
    "like": Command("gencraft.cli.taste:like", "Mark images as liked (or --skip) for learned taste (--taste).",
                    "ml", ("sklearn",)),
    "ml": Command("gencraft.cli.ml:ml_group", "Models gencraft trains itself (the tiny CLIP).", "ml", ML),
    "refine": Command("gencraft.cli.refine:refine", "Refine an image with a diffusion model (img2img).",
                      "diffusion", ML + ("diffusers", "transformers")),
    "compare": Command("gencraft.cli.refine:compare",
                       "Rule-based vs CLIP-steered vs refined, side by side.", "ml", ML),
    "morph": Command("gencraft.cli.morph:morph",
                     "Morph SKETCH between recipes (or two prompts) into a GIF, MP4 or frames."),
    "upscale": Command("gencraft.cli.post:upscale", "Upscale an image: re-render its recipe at a larger size."),
    "grade": Command("gencraft.cli.post:grade", "Colour-grade an image in OKLab, to a palette or with a .cube LUT."),
}


def missing_modules(modules) -> list[str]:
    """The modules among `modules` that cannot be imported (found without importing them)."""
    missing = []
    for name in modules:
        if name in sys.modules and sys.modules[name] is None:  # hidden on purpose (tests, sandboxes)
            missing.append(name)
            continue
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def _needs_extra(name: str, spec: Command) -> click.Command:
    """A stand-in command that says, in one line, which extra to install."""

    @click.command(name, help=spec.help, context_settings={"ignore_unknown_options": True,
                                                             "allow_extra_args": True, "help_option_names": []})
    def needs_extra():
        raise UserError(f"gencraft {name} needs the {spec.extra} extra: pip install 'gencraft[{spec.extra}]'")

    return needs_extra


class LazyGroup(click.Group):
    """A click group whose subcommands are imported when first used."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        spec = COMMANDS.get(name)
        if spec is None:
            return None
        if spec.needs and missing_modules(spec.needs):
            return _needs_extra(name, spec)
        module, attr = spec.target.split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx, formatter):
        """List commands from their static help: nothing is imported to print --help."""
        rows = [(name, COMMANDS[name].help) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gencraft")
def cli():
    """gencraft: generative art from rules and from models, side by side."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (temporary files removed, children killed), then exit."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_terminate(signum, frame):
    raise Terminated(signum)


def main(argv=None) -> None:
    """Console entry point: user mistakes exit 2 with one line, bugs keep tracebacks."""
    import signal

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_terminate)  # so finally blocks run: no orphan child, no .part file
    try:
        cli.main(args=argv, prog_name="gencraft", standalone_mode=False)
    except Terminated as exc:
        click.echo("terminated", err=True)
        sys.exit(128 + exc.signum)
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
