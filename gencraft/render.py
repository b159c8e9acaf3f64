"""Render a sketch: parameters + seed -> drawing -> image bytes with provenance.

This is the one path every command takes (render, live, edition, explore), so
that the same sketch source, parameters and seed give byte-identical PNGs
anywhere.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from gencraft.atomic import atomic_path
from gencraft.draw.canvas import FORMATS, Canvas
from gencraft.errors import UserError
from gencraft.sizes import MAX_PIXELS, MAX_SIDE, parse_size  # noqa: F401  (re-exported: gencraft.render.parse_size)
from gencraft.params import Params
from gencraft.provenance import PDF_RECIPE_PREFIX, encode_png, make_recipe, recipe_json, svg_with_recipe
from gencraft.seeds import Seed, parse_seed
from gencraft.sketch import Sketch, load_sketch

OUTPUT_FORMATS = FORMATS + ("gif", "mp4")
#: an animation is encoded from frames held in memory: cap them before drawing the first
MAX_ANIMATION_BYTES = 4 * 2**30


@dataclass
class Render:
    """One finished raster render: pixels plus the recipe that made them."""

    rgba: np.ndarray
    recipe: dict
    sketch: Sketch
    params: Params
    seed: Seed

    def png_bytes(self) -> bytes:
        return encode_png(self.rgba, self.recipe)

    def __repr__(self) -> str:  # short: a notebook keeps it beside the image
        h, w = self.rgba.shape[:2]
        return f"<Render {self.sketch.path.name} seed {self.seed} {w}x{h}>"

    def _repr_png_(self) -> bytes:
        """Jupyter shows the render inline, the recipe in the PNG (quick compression: a preview)."""
        return encode_png(self.rgba, self.recipe, compress_level=1)

    def save(self, path: str | Path) -> Path:
        """Write the PNG atomically."""
        path = Path(path)
        with atomic_path(path) as tmp:
            tmp.write_bytes(self.png_bytes())
        return path


def output_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in OUTPUT_FORMATS:
        raise UserError(
            f"unknown output format {('.' + suffix) if suffix else '(no extension)'!r} for {str(path)!r}: "
            f"expected one of {', '.join('.' + f for f in OUTPUT_FORMATS)}"
        )
    return suffix


def _prepare(sketch: Sketch | str | Path, params, seed, size):
    if not isinstance(sketch, Sketch):
        sketch = load_sketch(sketch)
    if not isinstance(params, Params):
        params = sketch.resolve(params or {})
    seed = parse_seed(seed)
    params = sketch.for_token(params, seed)  # varying parameters the user did not pin come from the hash
    size = parse_size(size) or sketch.default_size
    return sketch, params, seed, size


def draw_on(canvas: Canvas, sketch: Sketch, params: Params, seed: Seed, frame: int = 0) -> None:
    """Run the sketch's draw on a canvas with a fresh generator for the seed."""
    t = (frame % sketch.frames) / sketch.frames if sketch.animated else 0.0
    sketch.call_draw(canvas, seed.rng(), params, t=t, frame=frame)


def render(sketch: Sketch | str | Path, params: Mapping[str, Any] | Params | None = None,
           seed: Any = 0, size: Any = None, frame: int | None = None) -> Render:
    """Render a sketch to an RGBA array in memory (PNG pipeline)."""
    sketch, params, seed, size = _prepare(sketch, params, seed, size)
    canvas = Canvas(size[0], size[1], "png")
    draw_on(canvas, sketch, params, seed, frame or 0)
    recipe = make_recipe(sketch, params, seed, size, "png", frame if sketch.animated else None)
    return Render(canvas.to_array(), recipe, sketch, params, seed)


def render_vector(sketch, params=None, seed: Any = 0, size: Any = None, fmt: str = "svg") -> bytes:
    """Render a sketch to SVG or PDF bytes with the recipe in their metadata."""
    sketch, params, seed, size = _prepare(sketch, params, seed, size)
    recipe = make_recipe(sketch, params, seed, size, fmt)
    buf = io.BytesIO()
    canvas = Canvas(size[0], size[1], fmt, target=buf)
    if fmt == "pdf":
        import cairo

        canvas.surface.set_metadata(cairo.PDFMetadata.TITLE, sketch.title)
        canvas.surface.set_metadata(cairo.PDFMetadata.CREATOR, "gencraft")
        canvas.surface.set_metadata(cairo.PDFMetadata.CREATE_DATE, "2000-01-01T00:00:00Z")
        canvas.surface.set_metadata(cairo.PDFMetadata.KEYWORDS, PDF_RECIPE_PREFIX + recipe_json(recipe))
    draw_on(canvas, sketch, params, seed)
    canvas.finish()
    data = buf.getvalue()
    return svg_with_recipe(data, recipe) if fmt == "svg" else data


def render_animation_frames(sketch, params=None, seed: Any = 0, size: Any = None) -> list[np.ndarray]:
    """All frames of an animated sketch (one for a still), as RGBA arrays."""
    sketch, params, seed, size = _prepare(sketch, params, seed, size)
    need = sketch.frames * size[0] * size[1] * 4
    if need > MAX_ANIMATION_BYTES:
        raise UserError(f"{sketch.frames} frames at {size[0]}x{size[1]} would hold {need / 2**30:.1f} GiB of pixels; "
                        f"expected at most {MAX_ANIMATION_BYTES / 2**30:g} GiB: render fewer frames or a smaller size")
    frames = []
    for k in range(sketch.frames):
        canvas = Canvas(size[0], size[1], "png")
        draw_on(canvas, sketch, params, seed, k)
        frames.append(canvas.to_array())
    return frames


def encode_animation(frames: list[np.ndarray], fmt: str, fps: float, recipe: dict) -> bytes:
    """GIF (looping) or MP4 bytes of RGBA frames, the recipe in the GIF's comment or the MP4's metadata."""
    import imageio.v3 as iio

    from gencraft.provenance import recipe_comment

    rgb = [f[..., :3] for f in frames]
    recipe = {k: v for k, v in recipe.items() if k != "frame"}
    recipe["format"] = fmt
    if rgb and list(rgb[0].shape[1::-1]) != list(recipe.get("size", rgb[0].shape[1::-1])):
        recipe["preview"] = [int(rgb[0].shape[1]), int(rgb[0].shape[0])]  # shrunk: a preview of the render
    comment = recipe_comment(recipe)
    if fmt == "gif":
        return iio.imwrite("<bytes>", rgb, extension=".gif", duration=1000.0 / fps, loop=0,
                           comment=comment.encode("utf-8"))
    try:
        return iio.imwrite("<bytes>", rgb, extension=".mp4", fps=fps, codec="libx264",
                           macro_block_size=8, ffmpeg_log_level="error",
                           output_params=["-metadata", f"comment={comment}"])
    except Exception as exc:  # imageio-ffmpeg missing
        raise UserError(f"cannot write MP4 ({exc}); install gencraft[editions] for ffmpeg, or use .gif") from None


def render_file_bytes(sketch, out: str | Path, params=None, seed: Any = 0, size: Any = None) -> bytes:
    """The bytes `gencraft render` writes to `out`, chosen by its extension."""
    fmt = output_format(out)
    sketch, params, seed, size = _prepare(sketch, params, seed, size)
    if fmt == "png":
        return render(sketch, params, seed, size).png_bytes()
    if fmt in ("svg", "pdf"):
        return render_vector(sketch, params, seed, size, fmt)
    frames = render_animation_frames(sketch, params, seed, size)
    recipe = make_recipe(sketch, params, seed, size, fmt)
    return encode_animation(frames, fmt, sketch.fps, recipe)


def render_to_file(sketch, out: str | Path, params=None, seed: Any = 0, size: Any = None,
                   timeout: float | None = None) -> Path:
    """Render and write `out` atomically: it exists whole or not at all.

    With a `timeout` the drawing runs in a child process that is killed when
    the limit passes (see :mod:`gencraft.timelimit`).
    """
    from gencraft.timelimit import call_with_timeout

    out = Path(out)
    output_format(out)
    with atomic_path(out) as tmp:  # checks the folder before any rendering starts
        data = call_with_timeout(render_file_bytes, sketch, out, params, seed, size, timeout=timeout)
        tmp.write_bytes(data)
    return out
