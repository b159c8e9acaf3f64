"""`gencraft edition`: render a seeded edition, or simulate its traits."""
from __future__ import annotations

import json
import sys

import click

from gencraft.cli.options import resolve_cli_params, sketch_options
from gencraft.errors import UserError
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT, check_timeout


@click.command("edition")
@click.argument("sketch", type=click.Path(dir_okay=False))
@click.option("-n", "--count", type=int, default=None, help="Number of tokens.")
@click.option("-o", "--out", type=click.Path(file_okay=False), default=None,
              help="Edition folder (created; re-running the same command resumes it).")
@click.option("--collection-seed", default=None,
              help="Seed of the hash list (any int or string); default: a fresh random one, kept in the manifest.")
@click.option("--hashes", "hashes_file", type=click.Path(dir_okay=False), default=None,
              help="File of token hashes, one per line (0x+64 hex or fx(hash) oo...).")
@sketch_options
@click.option("--format", "formats", default="png", show_default=True,
              help="Comma-separated: png, svg, plotter-svg (a pen plot: layered, optimised, mm; needs the plotter "
                   "extra), and mp4 for animated sketches (which always get a GIF preview).")
@click.option("--workers", type=int, default=None, help="Local worker processes (default: all cores).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--force", is_flag=True, help="Replace a different edition already in --out.")
@click.option("--verify", type=int, default=0, metavar="K", help="Re-render K random tokens and check byte-identity.")
@click.option("--simulate", type=int, default=None, metavar="M",
              help="Sample M hashes and report traits and rarity, rendering nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --simulate: print the report as JSON.")
@click.option("--base-uri", default="", help="Prefix for metadata image URLs, e.g. ipfs://CID/ (default: relative).")
@click.option("--audit", is_flag=True,
              help="Check with zero-shot CLIP that each token's declared visual traits match its thumbnail; "
                   "writes audit.json and lists mismatches in the gallery (needs the ml extra).")
@click.option("--model", "audit_model", default="tiny", show_default=True,
              help="With --audit: CLIP model spec, e.g. local-dir:PATH for real weights.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--timeout", type=float, default=DEFAULT_RENDER_TIMEOUT, show_default=True,
              help="Seconds one token's render (or loading the sketch) may take before it is stopped.")
def edition(sketch, count, out, collection_seed, hashes_file, params_file, assignments, size, formats, workers,
            scheduler, force, verify, simulate, as_json, base_uri, audit, audit_model, quiet, timeout):
    """Render SKETCH as an edition of hash-seeded tokens with traits, rarity and a gallery."""
    from gencraft.sketch import load_sketch

    sk = load_sketch(sketch, timeout=check_timeout(timeout))
    params = resolve_cli_params(sk, params_file, assignments)
    if simulate is not None:
        if hashes_file is not None:
            raise UserError("--simulate samples hashes from --collection-seed; it does not take --hashes")
        from gencraft.editions.simulate import simulate as run_simulation

        report = run_simulation(sk, simulate, collection_seed, params, progress=not quiet)
        if as_json:
            click.echo(json.dumps(report.to_json(), indent=2))
        else:
            click.echo(report.text())
        return
    if out is None:
        raise UserError("--out is required: the folder to write the edition to")
    if count is not None and count < 1:
        raise UserError(f"--count {count}: expected a whole number of tokens, at least 1")
    from gencraft.editions.runner import make_edition

    report = make_edition(sk, out, count, collection_seed=collection_seed, hashes_file=hashes_file, params=params,
                          size=size, formats=formats, workers=workers, scheduler=scheduler, force=force,
                          verify=verify, progress=not quiet and sys.stderr is not None, base_uri=base_uri,
                          timeout=timeout, audit=audit, audit_model=audit_model)
    click.echo(report.summary())
    if report.verify is not None and not report.verify.ok:
        raise SystemExit(1)
