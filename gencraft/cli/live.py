"""`gencraft live SKETCH`: the live page for a sketch."""
from __future__ import annotations

from pathlib import Path

import click

from gencraft.cli.options import sketch_options
from gencraft.errors import UserError


@click.command()
@click.argument("sketch", type=click.Path(dir_okay=False))
@sketch_options
@click.option("--seed", default="0", show_default=True, help="Seed to start from (integer or any string).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback only unless you mean otherwise).")
@click.option("--port", type=int, default=8765, show_default=True, help="Port (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--prompt", default=None, help="Show each render's CLIP score against this text (needs gencraft[ml]).")
@click.option("--clip-model", default="tiny", show_default=True, help="CLIP model for --prompt and --taste.")
@click.option("--taste", is_flag=False, flag_value="", default=None, metavar="[LIKES_FOLDER]",
              help="Order the variant grid by predicted taste: a logistic regression on CLIP embeddings of the "
                   "likes in LIKES_FOLDER against its skipped/ (default OUT/likes), refitted on every Like and "
                   "Skip, which then go there (needs gencraft[ml]).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for Save and Like (default renders/SKETCH_NAME; likes go to OUT/likes/, "
                   "or to the --taste folder).")
@click.option("--timeout", type=float, default=20.0, show_default=True,
              help="Seconds one image may take before its render is stopped (a fresh render "
                   "process gets 60 s more for its first image: imports and Numba compilation).")
def live(sketch, params_file, assignments, size, seed, host, port, open_browser, prompt, clip_model, taste,
         out_dir, timeout):
    """Serve a live page for SKETCH: re-renders on save, sliders for its parameters."""
    from gencraft.params import load_params_file, parse_assignments
    from gencraft.render import parse_size
    from gencraft.seeds import parse_seed
    from gencraft.live.server import LiveSession, serve

    path = Path(sketch)
    if not path.is_file():
        raise UserError(f"sketch file {sketch!r} does not exist")
    if path.suffix != ".py":
        raise UserError(f"sketch {sketch!r} is not a Python file (expected a .py sketch)")
    from gencraft.timelimit import check_timeout

    timeout = check_timeout(timeout)  # nan or inf would kill the scheduler thread
    if not 0 <= port <= 65535:
        raise UserError(f"--port {port}: expected 0 to 65535")
    parse_seed(seed)
    if prompt is not None:
        if not prompt.strip():
            raise UserError("--prompt is empty: give the text to score renders against")
        from gencraft.live.scorer import check_ml_available

        check_ml_available()
        from gencraft.ml.clip.vocab import warn_unknown_words

        warn_unknown_words(clip_model, prompt, echo=lambda m: click.echo(m, err=True))
    if taste is not None:
        from gencraft.live.scorer import check_ml_available

        check_ml_available("--taste")
        if taste and Path(taste).exists() and not Path(taste).is_dir():
            raise UserError(f"--taste {taste!r} is a file: expected a likes folder (it may not exist yet)")
    overrides = {}
    if params_file:
        overrides.update(load_params_file(params_file))
    overrides.update(parse_assignments(assignments))
    if overrides:  # a misspelt -p must not be dropped silently; a sketch that fails to load is shown on the page
        from gencraft.errors import SketchError
        from gencraft.sketch import load_sketch

        try:
            declared = load_sketch(path, timeout=timeout + 60)
        except SketchError:
            declared = None
        if declared is not None:
            declared.resolve(overrides)
    session = LiveSession(path, size=parse_size(size), seed=seed, out_dir=out_dir, timeout=timeout,
                          prompt=prompt, clip_model=clip_model, overrides=overrides, taste=taste)
    serve(session, host=host, port=port, open_browser=open_browser, announce=lambda m: click.echo(m, err=False))
