"""Control images for layout-preserving refinement, drawn by gencraft itself.

A ControlNet (scribble / lineart / canny) is conditioned on white lines on a
black background. Instead of running an annotator model, gencraft computes
that image from the render's own pixels -- the render *is* a line drawing:

- ``"lines"``: the ink itself. The background colour is estimated from the
  image border; every pixel's distance from it becomes a soft white stroke.
  For stroke-based sketches (flow fields, L-systems, particles) this is the
  sketch's own line render, anti-aliasing and all.
- ``"edges"``: a Canny-style edge map (Gaussian blur, Sobel gradient over the
  colour channels, non-maximum suppression, hysteresis), for sketches made of
  filled shapes, where the outlines carry the layout.
- ``"auto"``: ``lines`` when the ink is strokes (thin: little of it survives
  an erosion of 2 px) and covers at most 30% of the image, else ``edges``.

NumPy and SciPy only; no torch, no model. Input: (H, W, 3|4) uint8.

Better than any of these, when the image has a recipe: ``"strokes"``, the
sketch's own recorded geometry (:mod:`gencraft.draw.retained`) drawn as line
art at the refinement size (:func:`geometry_control`) -- the polylines the
rules produced, not edges guessed from pixels. ``auto`` uses it whenever the
geometry is available (:func:`record_geometry`, :func:`geometry_from_recipe`)
and falls back to the pixel modes above for images without a recipe.
"""
from __future__ import annotations

import numpy as np

from gencraft.errors import UserError

CONTROL_MODES = ("auto", "strokes", "lines", "edges")
#: line widths of the stroke line art, in pixels at the refinement size (thin, as lineart ControlNets expect)
STROKE_WIDTH = (1.0, 3.0)
OUTLINE_WIDTH = 1.5
AUTO_INK_COVERAGE = 0.30
AUTO_FILLED_SHARE = 0.5


def flatten_rgb(image: np.ndarray, background=(255, 255, 255)) -> np.ndarray:
    """(H, W, 3) uint8: an RGBA image composited over ``background`` (RGB passes through)."""
    image = np.asarray(image)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise UserError(f"expected an image array of shape (H, W, 3|4), got {image.shape}")
    if image.dtype != np.uint8:
        raise UserError(f"expected a uint8 image array, got {image.dtype}")
    if image.shape[2] == 3:
        return np.ascontiguousarray(image)
    if (image[..., 3] == 255).all():  # opaque, the usual render: no compositing needed
        return np.ascontiguousarray(image[..., :3])
    alpha = image[..., 3:4].astype(np.float32) / 255.0
    bg = np.asarray(background, dtype=np.float32)
    rgb = image[..., :3].astype(np.float32) * alpha + bg * (1.0 - alpha)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def background_colour(rgb: np.ndarray) -> np.ndarray:
    """The paper a sketch draws on: the most common colour (in bins of 16 levels) of the
    one-pixel border, refined to the median of the border pixels in that bin.

    The most common colour rather than the median, so strokes running along
    an edge do not drag the estimate towards the ink.
    """
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    bins = (border // 16).astype(np.int32)
    keys = (bins[:, 0] * 16 + bins[:, 1]) * 16 + bins[:, 2]
    values, counts = np.unique(keys, return_counts=True)
    common = border[keys == values[counts.argmax()]].astype(np.float32)
    return np.median(common, axis=0)


def ink_map(rgb: np.ndarray, low: float = 12.0, high: float = 60.0) -> np.ndarray:
    """(H, W) float32 in [0, 1]: how far each pixel is from the background colour.

    Distances below ``low`` (paper texture, faint noise) are 0, above ``high`` 1,
    linear between, so anti-aliased strokes stay soft.
    """
    diff = rgb.astype(np.float32) - background_colour(rgb)
    dist = np.sqrt((diff * diff).sum(axis=2))
    return np.clip((dist - low) / (high - low), 0.0, 1.0).astype(np.float32)


def edge_map(rgb: np.ndarray, sigma: float = 1.0, low: float = 0.08, high: float = 0.2) -> np.ndarray:
    """(H, W) float32 in {0, 1}: Canny-style edges of the colour image.

    Thresholds are fractions of the strongest gradient, so the map does not
    depend on the image's contrast.
    """
    from scipy import ndimage

    img = rgb.astype(np.float32) / 255.0
    if sigma > 0:
        img = ndimage.gaussian_filter(img, sigma=(sigma, sigma, 0))
    gx = np.stack([ndimage.sobel(img[..., k], axis=1) for k in range(3)])
    gy = np.stack([ndimage.sobel(img[..., k], axis=0) for k in range(3)])
    mag_c = np.hypot(gx, gy)
    strongest = mag_c.argmax(axis=0)[None]  # the channel with the largest gradient decides the direction
    gx = np.take_along_axis(gx, strongest, 0)[0]
    gy = np.take_along_axis(gy, strongest, 0)[0]
    mag = np.take_along_axis(mag_c, strongest, 0)[0]
    peak = float(mag.max())
    if peak <= 1e-6:
        return np.zeros(mag.shape, dtype=np.float32)
    mag = mag / peak
    # Non-maximum suppression along the gradient direction, quantised to 4 directions.
    angle = (np.rad2deg(np.arctan2(gy, gx)) + 180.0) % 180.0
    padded = np.pad(mag, 1)
    h, w = mag.shape

    def shifted(dy: int, dx: int) -> np.ndarray:
        return padded[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]

    keep = np.zeros(mag.shape, dtype=bool)
    for lo, hi, (dy, dx) in ((0, 22.5, (0, 1)), (157.5, 180.1, (0, 1)), (22.5, 67.5, (1, 1)),
                             (67.5, 112.5, (1, 0)), (112.5, 157.5, (1, -1))):
        sel = (angle >= lo) & (angle < hi)
        keep |= sel & (mag >= shifted(dy, dx)) & (mag >= shifted(-dy, -dx))
    thin = np.where(keep, mag, 0.0)
    # Hysteresis: keep weak edges only where they connect to a strong one.
    weak = thin >= low
    labels, count = ndimage.label(weak, structure=np.ones((3, 3), dtype=bool))
    if count == 0:
        return np.zeros(mag.shape, dtype=np.float32)
    strong_labels = np.unique(labels[(thin >= high) & weak])
    connected = np.isin(labels, strong_labels[strong_labels > 0])
    return connected.astype(np.float32)


def control_image(image: np.ndarray, mode: str = "auto", geometry=None) -> tuple[np.ndarray, str]:
    """(H, W, 3) uint8 white-on-black control image of a render, and the mode used.

    ``geometry``: the render's recorded geometry (a :class:`gencraft.draw.retained.Recorder`),
    drawn at the image's size for "strokes" and "auto"; without it (or when it
    holds nothing to draw) "auto" falls back to the pixels and "strokes" is an error.
    """
    if mode not in CONTROL_MODES:
        raise UserError(f"unknown control mode {mode!r}: expected one of {', '.join(CONTROL_MODES)}")
    rgb = flatten_rgb(image)
    if mode in ("auto", "strokes"):
        usable = geometry is not None and (mode == "strokes" or not geometry_gaps(geometry))
        drawn = geometry_control(geometry, (rgb.shape[1], rgb.shape[0])) if usable else None
        if drawn is not None:
            return drawn, "strokes"
        if mode == "strokes":
            raise UserError("control 'strokes' needs the sketch's recorded geometry: the image has no gencraft "
                            "recipe whose sketch could be re-run, or it draws no lines; use --control auto, "
                            "lines or edges")
    if mode in ("auto", "lines"):
        ink = ink_map(rgb)
        if mode == "lines" or _is_stroke_drawing(ink > 0.5):
            return _grey3(ink), "lines"
    return _grey3(edge_map(rgb)), "edges"


def _is_stroke_drawing(mask: np.ndarray) -> bool:
    """Sparse, thin ink: a line drawing whose strokes are the layout (not filled areas)."""
    from scipy import ndimage

    inked = int(mask.sum())
    if inked == 0 or inked > AUTO_INK_COVERAGE * mask.size:
        return False
    core = ndimage.binary_erosion(mask, structure=np.ones((3, 3), dtype=bool), iterations=2)
    return int(core.sum()) <= AUTO_FILLED_SHARE * inked


def _grey3(values: np.ndarray) -> np.ndarray:
    grey = np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


# ------------------------------------------------------------ recorded geometry
def geometry_control(recorder, size: tuple[int, int]) -> np.ndarray | None:
    """(H, W, 3) uint8: the recorded strokes and fill outlines, white on black, at ``size`` (w, h).

    Replays the recording in drawing order: strokes as thin white lines (the
    sketch's widths scaled, clamped to :data:`STROKE_WIDTH`), fills as black
    areas with a white outline (so what a later shape covers is hidden, as on
    the render), a background paint clears everything before it; clips are
    applied. A fill covering the whole canvas (a background drawn as a
    rectangle) gets no outline. None when nothing line-like was recorded
    (only rasters or paints): the caller falls back to the pixels.
    """
    import cairo

    w, h = int(size[0]), int(size[1])
    if recorder is None or w < 1 or h < 1:
        return None
    sx, sy = w / max(1, recorder.width), h / max(1, recorder.height)
    s = (sx * sy) ** 0.5
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, w, h)
    ctx = cairo.Context(surface)
    ctx.set_source_rgb(0, 0, 0)
    ctx.paint()
    ctx.set_line_join(cairo.LINE_JOIN_ROUND)
    ctx.set_line_cap(cairo.LINE_CAP_ROUND)
    drawn = 0

    def trace(path, closed) -> None:
        pts = np.asarray(path, dtype=float)
        ctx.move_to(pts[0, 0] * sx, pts[0, 1] * sy)
        for x, y in pts[1:]:
            ctx.line_to(x * sx, y * sy)
        if closed:
            ctx.close_path()

    for item in recorder.items:
        if item.kind == "raster":
            continue
        ctx.save()
        if item.clip is not None and 0 <= item.clip < len(recorder.clips):
            for region in recorder.clips[item.clip]:
                ctx.new_path()
                for ring in region:
                    trace(ring, True)
                ctx.clip()
        if item.kind == "paint":
            ctx.set_source_rgb(0, 0, 0)
            ctx.paint()
        elif item.kind == "stroke":
            widths = np.broadcast_to(np.asarray(item.width, dtype=float), (len(item.paths),))
            alpha = _alphas(item.rgba, len(item.paths))
            for path, closed, width, a in zip(item.paths, item.closed, widths, alpha):
                if len(path) < 2 or a <= 0:
                    continue
                ctx.new_path()
                trace(path, closed)
                ctx.set_source_rgb(1, 1, 1)
                ctx.set_line_width(float(np.clip(width * s, *STROKE_WIDTH)))
                ctx.stroke()
                drawn += 1
        elif item.kind == "fill" and item.paths and _alphas(item.rgba, 1)[0] > 0:
            ctx.new_path()
            for ring in item.paths:
                if len(ring) >= 3:
                    trace(ring, True)
            ctx.set_fill_rule(cairo.FILL_RULE_EVEN_ODD if item.even_odd else cairo.FILL_RULE_WINDING)
            ctx.set_source_rgb(0, 0, 0)
            ctx.fill_preserve()
            x0, y0, x1, y1 = ctx.path_extents()
            if (x1 - x0) * (y1 - y0) < 0.98 * w * h:  # not a background: outline it
                ctx.set_source_rgb(1, 1, 1)
                ctx.set_line_width(OUTLINE_WIDTH)
                ctx.stroke()
                drawn += 1
            ctx.new_path()
        ctx.restore()
    if drawn == 0:
        return None
    surface.flush()
    data = np.ndarray((h, surface.get_stride() // 4, 4), dtype=np.uint8, buffer=surface.get_data())
    grey = np.ascontiguousarray(data[:, :w, 1])  # white on black: every channel is the same
    return np.repeat(grey[..., None], 3, axis=2)


def geometry_gaps(recorder) -> str:
    """Why recorded geometry would miss part of the layout ("" when it shows all of it).

    An image painted by the sketch (``c.image``: a density map, a simulation,
    a mask) has no strokes to draw, so ``auto`` then prefers the pixels.
    """
    if recorder is None:
        return "no recorded geometry"
    rasters = recorder.rasters
    if rasters:
        return f"the sketch paints {len(rasters)} image(s) ({rasters[0].where or 'c.image'}) that have no strokes"
    return ""


def _alphas(rgba, n: int) -> np.ndarray:
    """The alpha of each of n paths (a single colour or (n, 4) per-path colours); 1 when unknown."""
    if rgba is None:
        return np.ones(n)
    arr = np.asarray(rgba, dtype=float)
    if arr.ndim == 2 and arr.shape[1] >= 4:
        return arr[:, 3] if len(arr) == n else np.ones(n)
    return np.full(n, float(arr[3]) if arr.ndim == 1 and len(arr) >= 4 else 1.0)


def record_geometry(sketch, params=None, seed=0, size=None):
    """Run a sketch on a recording canvas (nothing painted); its Recorder (:mod:`gencraft.draw.retained`)."""
    from gencraft.plotter import record
    from gencraft.render import _prepare

    sketch, params, seed, size = _prepare(sketch, params, seed, size)
    return record(sketch, params, seed, size)


def geometry_from_recipe(recipe: dict | None):
    """(Recorder or None, why not): the recorded geometry of the render a recipe describes.

    The sketch is run only when its file's sha256 is the recipe's (it is then
    exactly the code that made the image: a recipe is untrusted data), and only
    for recipes whose later stages keep the layout (search/rank picks, grades).
    """
    import hashlib
    from pathlib import Path

    if not isinstance(recipe, dict) or not isinstance(recipe.get("sketch"), dict):
        return None, "no gencraft recipe"
    sk = recipe["sketch"]
    path = Path(str(sk.get("path", "")))
    if not sk.get("path") or not path.is_file():
        return None, f"the recipe's sketch {str(path)!r} is not here"
    if hashlib.sha256(path.read_bytes()).hexdigest() != sk.get("sha256"):
        return None, f"{str(path)!r} changed since the render"
    if recipe.get("format", "png") != "png" or "size" not in recipe or "seed" not in recipe:
        return None, "not a PNG render recipe"
    keeps = {"search", "rank", "atlas", "grade"}
    later = [str(st.get("stage") or st.get("kind") or "?") for st in recipe.get("stages", []) if isinstance(st, dict)]
    if any(name not in keeps for name in later):
        return None, f"later stages ({', '.join(n for n in later if n not in keeps)}) changed the image"
    from gencraft.errors import SketchError
    from gencraft.sketch import load_sketch

    try:
        sketch = load_sketch(path)
        drawn = set(recipe.get("drawn", ()))
        params = sketch.resolve({k: v for k, v in (recipe.get("params") or {}).items() if k not in drawn})
        frame = recipe.get("frame")
        if frame:
            return None, "an animation frame"
        return record_geometry(sketch, params, recipe["seed"], tuple(recipe["size"])), ""
    except (UserError, SketchError) as exc:
        return None, f"its sketch could not be re-run ({str(exc).splitlines()[0][:120]})"
