"""Rendering one token: a pure function from (sketch source, params, hash) to file bytes.

Workers (a local process pool or Dask) call :func:`render_token` and return
bytes; only the coordinating process writes files. That keeps the output
byte-identical however the work is split, and lets a Dask cluster without a
shared file system render an edition.

The sketch travels as its source bytes, so a worker renders exactly the
sketch the edition was planned with even if the file is edited mid-run.
"""
from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

THUMB_MAX = 400        # longest side of a gallery thumbnail, pixels
PREVIEW_MAX = 480      # longest side of an animated GIF preview
THUMB_BACKDROP = (255, 255, 255)

_SKETCHES: dict[tuple[str, str], object] = {}  # (sha256, path) -> Sketch, per process


@dataclass(frozen=True)
class TokenJob:
    """Everything a worker needs to render token `index`."""

    index: int
    hash: str
    sketch_path: str        # as recorded in recipes (as the user gave it)
    sketch_source: bytes
    params: dict
    size: tuple[int, int]
    formats: tuple[str, ...]


@dataclass
class TokenOutput:
    """What a worker returns: relative file names -> bytes, plus the recipe."""

    index: int
    files: dict[str, bytes] = field(default_factory=dict)
    recipe: dict = field(default_factory=dict)


def token_files(index: int, formats, animated: bool) -> list[str]:
    """Relative paths of the files one token has (metadata JSON excluded)."""
    names = [f"tokens/{index}.{fmt}" for fmt in ("png", "svg") if fmt in formats]
    if "plotter-svg" in formats:
        names.append(f"tokens/{index}.plotter.svg")
    if animated:
        names.append(f"tokens/{index}.gif")
        if "mp4" in formats:
            names.append(f"tokens/{index}.mp4")
    names.append(f"thumbs/{index}.jpg")
    return names


def get_sketch(path: str, source: bytes):
    """The sketch for this source, loaded once per process.

    Loads the file at `path` when it still holds `source`; otherwise loads a
    private copy of `source` (edited file, or a remote worker without it).
    The recorded path stays `path` either way, so recipes do not change.
    """
    from gencraft.sketch import load_sketch

    sha = hashlib.sha256(source).hexdigest()
    key = (sha, path)
    sk = _SKETCHES.get(key)
    if sk is not None:
        return sk
    p = Path(path)
    sk = None
    if p.is_file() and p.read_bytes() == source:
        sk = load_sketch(p)
        if sk.sha256 != sha:  # edited between the check and the load
            sk = None
    if sk is None:
        folder = Path(tempfile.gettempdir()) / f"gencraft-sketch-{sha[:16]}"
        folder.mkdir(exist_ok=True)
        copy = folder / (p.name if p.suffix == ".py" else "sketch.py")
        if not copy.exists() or copy.read_bytes() != source:
            from gencraft.atomic import write_bytes

            write_bytes(copy, source)
        sk = load_sketch(copy)
        sk.path = p
    _SKETCHES[key] = sk
    return sk


def thumbnail_jpeg(rgba: np.ndarray, max_side: int = THUMB_MAX) -> bytes:
    """A small JPEG of a render, flattened on white (deterministic bytes)."""
    from PIL import Image

    img = Image.fromarray(np.ascontiguousarray(rgba), "RGBA")
    flat = Image.new("RGB", img.size, THUMB_BACKDROP)
    flat.paste(img, mask=img.getchannel("A"))
    flat.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    flat.save(buf, format="JPEG", quality=86, optimize=False, progressive=False)
    return buf.getvalue()


def _shrink(frame: np.ndarray, max_side: int) -> np.ndarray:
    from PIL import Image

    img = Image.fromarray(np.ascontiguousarray(frame), "RGBA")
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.asarray(img)


def render_token(job: TokenJob) -> TokenOutput:
    """Render one token's files (module-level so pools and Dask can pickle it)."""
    from gencraft.provenance import make_recipe
    from gencraft.render import encode_animation, render, render_animation_frames, render_vector

    sk = get_sketch(job.sketch_path, job.sketch_source)
    params = sk.resolve(job.params)
    out = TokenOutput(job.index)
    i = job.index
    raster = render(sk, params, job.hash, job.size, frame=0 if sk.animated else None)
    out.recipe = raster.recipe
    if "png" in job.formats:
        out.files[f"tokens/{i}.png"] = raster.png_bytes()
    if "svg" in job.formats:
        out.files[f"tokens/{i}.svg"] = render_vector(sk, params, job.hash, job.size, "svg")
        if "png" not in job.formats:
            from gencraft.seeds import parse_seed

            out.recipe = make_recipe(sk, params, parse_seed(job.hash), job.size, "svg")
    if "plotter-svg" in job.formats:  # the pen plot, on the sketch's PAPER (else A4), default plotter options
        from gencraft.plotter import make_plot, plot_bytes

        out.files[f"tokens/{i}.plotter.svg"] = plot_bytes(make_plot(sk, params, job.hash, tuple(job.size)), "svg")
    if sk.animated:
        frames = render_animation_frames(sk, params, job.hash, job.size)
        preview = [_shrink(f, PREVIEW_MAX) for f in frames]
        out.files[f"tokens/{i}.gif"] = encode_animation(preview, "gif", sk.fps, raster.recipe)
        if "mp4" in job.formats:
            out.files[f"tokens/{i}.mp4"] = encode_animation(frames, "mp4", sk.fps, raster.recipe)
    out.files[f"thumbs/{i}.jpg"] = thumbnail_jpeg(raster.rgba)
    return out
