"""`gencraft like IMAGE...`: label renders for learned taste (see gencraft.ml.search.taste)."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("likes"),
              show_default=True, help="The likes folder (the live page saves likes to OUT/likes/).")
@click.option("--skip", is_flag=True, help="Mark the images as passed on (FOLDER/skipped/) instead of liked.")
def like(images, folder, skip):
    """Mark IMAGES as liked (or --skip) for `rank/explore --taste FOLDER`."""
    from gencraft.ml.search.taste import SKIPS, _images_in, like_images

    done = like_images(images, folder, skip=skip)
    for p in done:
        click.echo(str(p))
    click.echo(f"{folder}: {len(_images_in(folder))} liked, {len(_images_in(folder / SKIPS))} skipped", err=True)
