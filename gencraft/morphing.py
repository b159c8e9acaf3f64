"""Morphs: interpolating a sketch between recipes, frame by frame.

A learned model's space is explored by interpolating between latents; a
rule-based sketch's space is its declared parameters, so a morph walks from one
set of parameters (and a seed) to the next::

    import gencraft

    for frame in gencraft.morph("sketches/flow.py", ["a.png", "b.png"], frames=48):
        frame.rgba, frame.recipe          # pixels and the recipe that made them

Keyframes are PNG/SVG/PDF files carrying a recipe, JSON parameter files, or
``seed=VALUE`` (the sketch's defaults, varying parameters drawn from that
seed's hash, as ``gencraft render --seed VALUE`` would). Each keyframe is
resolved to *every* parameter's value, and every frame pins every parameter
explicitly, so nothing is drawn from a hash mid-morph: the first frame has the
pixels of rendering A's recipe at that size and the last those of B's.

Along each segment, with ``t`` running 0 to 1 and an easing ``e`` (linear,
smoothstep, cosine; overridable per parameter):

* floats and ints interpolate (ints rounded to their step);
* colours interpolate in OKLab (no grey mud between complementary hues);
* choices and booleans switch where ``e(t)`` reaches 1/2, or, with
  ``choices="fade"``, both renders are drawn and cross-faded;
* the seed is held; between keyframes of different seeds the two renders are
  cross-faded (a seed is not a continuous quantity), and the morph says so.

Each frame's recipe is its render's recipe plus a ``morph`` stage (its place on
the path; for a cross-faded frame the other render's parameters, seed and
weight), so ``gencraft reproduce`` replays a frame. A GIF or MP4 carries the
whole path (keyframes and settings) in its recipe's ``morph`` stage.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from gencraft.errors import UserError, did_you_mean
from gencraft.params import load_params_file
from gencraft.seeds import Seed, parse_seed

EASES = {
    "linear": lambda t: t,
    "smoothstep": lambda t: t * t * (3.0 - 2.0 * t),
    "cosine": lambda t: (1.0 - math.cos(math.pi * t)) / 2.0,
}
CHOICE_MODES = ("switch", "fade")
MAX_FRAMES = 10_000
VIDEO_FORMATS = ("gif", "mp4")
STILL_SUFFIXES = (".png", ".svg", ".pdf", ".gif", ".mp4")


def ease(name: str, t: float) -> float:
    """The easing `name` at t in [0, 1]; exactly 0 at 0 and 1 at 1."""
    if t <= 0.0:
        return 0.0
    if t >= 1.0:
        return 1.0
    return float(EASES[name](t))


def check_ease(name: Any, what: str = "easing") -> str:
    if name not in EASES:
        raise UserError(f"{what} {name!r}: expected one of {', '.join(EASES)}{did_you_mean(str(name), EASES)}")
    return name


# ------------------------------------------------------------------ keyframes

@dataclass
class Keyframe:
    """One stop of a morph: every parameter's value, the seed, and where it came from."""

    params: dict
    seed: Seed
    label: str
    size: tuple[int, int] | None = None   # the recipe's size, for a keyframe read from an image
    sha256: str | None = None             # the recipe's sketch sha256, where known
    dropped: tuple = ()                   # later stages of its recipe that the morph does not apply

    def to_json(self) -> dict:
        return {"from": self.label, "params": dict(self.params), "seed": str(self.seed),
                "seed_kind": getattr(self.seed, "kind", "str")}


def _full_values(sketch, layers: Sequence[Mapping[str, Any]], seed: Seed) -> dict:
    """Every parameter's value for these layers and seed (varying ones not set drawn from the hash)."""
    return dict(sketch.for_token(sketch.resolve(*layers), seed))


def keyframe(sketch, spec: Any, *, params: Mapping[str, Any] | None = None, seed: Any = 0) -> Keyframe:
    """Resolve one keyframe spec against `sketch`.

    spec: a :class:`Keyframe`; a path to a PNG/SVG/PDF with a gencraft recipe;
    a path to a JSON parameter file (its ``seed`` if it has one, else `seed`);
    ``"seed=VALUE"``; a dict of parameter values (with `seed`); or a
    ``(params, seed)`` pair. `params` (``-p``) are held on top of every keyframe.
    """
    from gencraft.sketch import Sketch, load_sketch

    sketch = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    held = dict(params or {})
    if isinstance(spec, Keyframe):
        return Keyframe(_full_values(sketch, [spec.params, held], spec.seed), spec.seed, spec.label, spec.size,
                        spec.sha256)
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], Mapping):
        s = parse_seed(spec[1])
        return Keyframe(_full_values(sketch, [spec[0], held], s), s, f"params, seed {s}")
    if isinstance(spec, Mapping):
        s = parse_seed(seed)
        return Keyframe(_full_values(sketch, [spec, held], s), s, f"params, seed {s}")
    if not isinstance(spec, (str, os.PathLike)):
        raise UserError(f"keyframe {spec!r}: expected an image with a recipe, a JSON file or seed=VALUE")
    text = str(spec)
    if text.startswith("seed=") and not Path(text).exists():
        value = text[len("seed="):]
        if not value.strip():
            raise UserError(f"keyframe {text!r}: expected seed=VALUE with an integer, a string or a token hash")
        s = parse_seed(value)
        return Keyframe(_full_values(sketch, [held], s), s, text)
    path = Path(text)
    if path.suffix.lower() == ".json":
        values = load_params_file(path)
        raw = _json_seed(path)
        s = parse_seed(raw if raw is not None else seed)
        values = {k: v for k, v in values.items() if k != "seed"}
        try:
            return Keyframe(_full_values(sketch, [values, held], s), s, text)
        except UserError as exc:
            raise UserError(f"keyframe {text!r}: {exc}") from None
    if path.suffix.lower() in STILL_SUFFIXES or path.exists():
        from gencraft.provenance import read_recipe

        recipe = read_recipe(path)
        if recipe.get("command"):
            raise UserError(f"keyframe {text!r} was made by `gencraft {recipe['command']}`, not by a sketch: "
                            "expected a render of the sketch being morphed")
        if not isinstance(recipe.get("params"), dict) or "seed" not in recipe:
            raise UserError(f"keyframe {text!r}: its recipe has no params and seed (not a sketch render)")
        s = parse_seed(recipe["seed"])
        try:
            values = _full_values(sketch, [recipe["params"], held], s)
        except UserError as exc:
            raise UserError(f"keyframe {text!r}: {exc}") from None
        size = tuple(recipe["size"]) if isinstance(recipe.get("size"), list) else None
        dropped = tuple(str(st.get("stage")) for st in recipe.get("stages", [])
                        if st.get("stage") not in ("search", "rank", "atlas", "morph", "upscale"))
        return Keyframe(values, s, text, size, (recipe.get("sketch") or {}).get("sha256"), dropped)
    raise UserError(f"keyframe {text!r}: expected a PNG/SVG/PDF with a gencraft recipe, a JSON parameter file "
                    "or seed=VALUE" + ("" if path.exists() else " (no such file)"))


def _json_seed(path: Path) -> Any:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("seed") if isinstance(data, dict) and isinstance(data.get("seed"), (int, str)) else None


# ------------------------------------------------------------------ interpolation

def interpolate(param, a: Any, b: Any, t: float) -> Any:
    """Parameter `param`'s value a fraction `t` (already eased) of the way from a to b.

    Exactly a at t = 0 and b at t = 1, always inside the parameter's range.
    Choices and booleans (and unknown kinds) switch at t = 1/2.
    """
    if t <= 0.0:
        return a
    if t >= 1.0:
        return b
    kind = getattr(param, "kind", None)
    if kind == "float":
        x = (1.0 - t) * float(a) + t * float(b)
        return float(min(param.max, max(param.min, x)))
    if kind == "int":
        x = (1.0 - t) * a + t * b
        step = max(1, int(param.step))
        k = math.floor((x - param.min) / step + 0.5)
        return int(min(param.max, max(param.min, param.min + k * step)))
    if kind == "colour":
        return mix_colour(a, b, t)
    return a if t < 0.5 else b


def mix_colour(a: str, b: str, t: float) -> str:
    """'#rrggbb(aa)' a fraction t from a to b, interpolated in OKLab (alpha linearly)."""
    from gencraft.draw.color import oklab_to_srgb, parse_color, srgb_to_oklab, to_hex

    ca, cb = parse_color(a), parse_color(b)
    lab = srgb_to_oklab(np.array([ca[:3], cb[:3]], dtype=float))
    rgb = oklab_to_srgb((1.0 - t) * lab[0] + t * lab[1])
    return to_hex((float(rgb[0]), float(rgb[1]), float(rgb[2]), (1.0 - t) * ca[3] + t * cb[3]))


def blend(a: np.ndarray, b: np.ndarray, weight: float) -> np.ndarray:
    """Cross-fade two uint8 images: a at weight 0, b at weight 1 (exactly), rounded between."""
    if weight <= 0.0:
        return a
    if weight >= 1.0:
        return b
    out = a.astype(np.float64) * (1.0 - weight) + b.astype(np.float64) * weight
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


DISCRETE = ("choice", "bool")


@dataclass
class FramePlan:
    """What one frame is: side A's parameters and seed, and (cross-fades) side B's with its weight."""

    index: int
    position: float            # along the path, 0 .. number of segments
    segment: int
    t: float                   # within the segment, before easing
    params: dict
    seed: Seed
    other: dict | None = None  # side B's parameters, when cross-fading
    other_seed: Seed | None = None
    weight: float = 0.0        # side B's weight

    def stage(self, total: int) -> dict:
        stage = {"stage": "morph", "frame": self.index, "frames": total, "segment": self.segment,
                 "t": round(self.t, 12)}
        if self.other is not None and 0.0 < self.weight < 1.0:
            stage["blend"] = {"params": dict(self.other), "seed": str(self.other_seed),
                              "seed_kind": getattr(self.other_seed, "kind", "str"), "weight": self.weight}
        return stage


@dataclass
class MorphFrame:
    """One rendered frame: pixels, its recipe, and its plan."""

    index: int
    rgba: np.ndarray
    recipe: dict
    plan: FramePlan

    @property
    def params(self) -> dict:
        return self.plan.params


@dataclass
class Morph:
    """A planned morph: the sketch, its keyframes and settings; iterate it for frames."""

    sketch: Any
    keyframes: list[Keyframe]
    frames: int
    size: tuple[int, int]
    ease: str = "linear"
    eases: dict = field(default_factory=dict)
    loop: bool = False
    choices: str = "switch"
    notes: list[str] = field(default_factory=list)

    @property
    def stops(self) -> list[Keyframe]:
        return self.keyframes + [self.keyframes[0]] if self.loop else list(self.keyframes)

    @property
    def segments(self) -> int:
        return len(self.stops) - 1

    def plan(self) -> list[FramePlan]:
        """Every frame's parameters: the first frame is keyframe A; the last is the last keyframe
        (with ``loop``, the frame before A again, so the loop is seamless)."""
        stops, segs = self.stops, self.segments
        den = self.frames if self.loop else self.frames - 1
        out = []
        for k in range(self.frames):
            seg, rem = divmod(k * segs, den)
            if seg >= segs:
                seg, rem = segs - 1, den
            t = rem / den
            out.append(self._frame(k, seg, t, stops[seg], stops[seg + 1]))
        return out

    def _frame(self, k: int, seg: int, t: float, a: Keyframe, b: Keyframe) -> FramePlan:
        w = ease(self.ease, t)
        side_a, side_b, fades = {}, {}, False
        for name, p in self.sketch.params.items():
            va, vb = a.params[name], b.params[name]
            if getattr(p, "kind", None) in DISCRETE and self.choices == "fade" and va != vb:
                side_a[name], side_b[name] = va, vb
                fades = True
                continue
            value = interpolate(p, va, vb, ease(self.eases.get(name, self.ease), t))
            side_a[name] = side_b[name] = value
        other_seed = None
        if str(a.seed) != str(b.seed) or getattr(a.seed, "kind", None) != getattr(b.seed, "kind", None):
            fades, other_seed = True, b.seed
        if not fades or w <= 0.0:
            return FramePlan(k, seg + t, seg, t, side_a, a.seed)
        if w >= 1.0:
            return FramePlan(k, seg + t, seg, t, side_b, b.seed)
        return FramePlan(k, seg + t, seg, t, side_a, a.seed, side_b, other_seed or a.seed, w)

    def path(self) -> dict:
        """The whole path, as the ``morph`` stage of a GIF's or MP4's recipe."""
        return {"stage": "morph", "keyframes": [kf.to_json() for kf in self.keyframes], "frames": self.frames,
                "ease": self.ease, "eases": dict(self.eases), "loop": self.loop, "choices": self.choices,
                "seeds": "cross-faded" if self.crossfades_seeds else "held"}

    @property
    def crossfades_seeds(self) -> bool:
        stops = self.stops
        return any(str(x.seed) != str(y.seed) for x, y in zip(stops, stops[1:]))

    def render_frame(self, fp: FramePlan, timeout: float | None = None) -> MorphFrame:
        rgba, recipe = _render_side(self.sketch, fp.params, fp.seed, self.size, timeout)
        if fp.other is not None:
            other, _ = _render_side(self.sketch, fp.other, fp.other_seed, self.size, timeout)
            rgba = blend(rgba, other, fp.weight)
        from gencraft.provenance import add_stage

        return MorphFrame(fp.index, rgba, add_stage(recipe, fp.stage(self.frames)), fp)

    def __iter__(self) -> Iterator[MorphFrame]:
        return self.render(progress=False)

    def render(self, progress: bool = False, timeout: float | None = None) -> Iterator[MorphFrame]:
        """Render the frames in order (a progress bar on stderr with `progress`)."""
        from tqdm import tqdm

        plans = self.plan()
        with tqdm(total=len(plans), disable=not progress, desc="morph", unit="frame", file=sys.stderr,
                  dynamic_ncols=True) as bar:
            for fp in plans:
                frame = self.render_frame(fp, timeout)
                bar.update(1)
                yield frame


def _render_rgba(sketch, values: dict, seed: Seed, size) -> tuple[np.ndarray, dict]:
    from gencraft.render import render

    r = render(sketch, sketch.resolve(values), seed, size)
    return r.rgba, r.recipe


def _render_side(sketch, values: dict, seed: Seed, size, timeout: float | None):
    if timeout is None:
        return _render_rgba(sketch, values, seed, size)
    from gencraft.timelimit import call_with_timeout

    return call_with_timeout(_render_rgba, sketch, values, seed, size, timeout=timeout, what="morph frame")


def plan_morph(sketch, keyframes: Sequence[Any], frames: int = 48, *, size: Any = None, ease: str = "linear",
               eases: Mapping[str, str] | None = None, loop: bool = False, choices: str = "switch",
               params: Mapping[str, Any] | None = None, seed: Any = 0) -> Morph:
    """Check everything and plan a morph (nothing is rendered yet); see the module docstring.

    keyframes: two or more specs (see :func:`keyframe`). size: default the
    first keyframe's recipe size, else the sketch's. eases: {parameter: easing}
    overriding `ease`. params: values held on top of every keyframe. seed: the
    seed of keyframes that name none (dicts, JSON files without one).
    """
    from gencraft.render import parse_size
    from gencraft.sketch import Sketch, load_sketch

    sk = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    if isinstance(frames, bool) or not isinstance(frames, (int, np.integer)) or not 2 <= frames <= MAX_FRAMES:
        raise UserError(f"frames {frames!r}: expected a whole number from 2 to {MAX_FRAMES:,}")
    check_ease(ease)
    eases = dict(eases or {})
    for name, how in eases.items():
        if name not in sk.params:
            raise UserError(f"easing for unknown parameter {name!r}{did_you_mean(name, sk.params)}; "
                            f"this sketch has: {', '.join(sk.params) or 'none'}")
        check_ease(how, f"easing for {name!r}")
    if choices not in CHOICE_MODES:
        raise UserError(f"choices {choices!r}: expected one of {', '.join(CHOICE_MODES)}")
    if isinstance(keyframes, (str, os.PathLike, Mapping)) or len(keyframes) < 2:
        raise UserError("a morph needs at least two keyframes (A B [C ...])")
    kfs = [keyframe(sk, spec, params=params, seed=seed) for spec in keyframes]
    size = parse_size(size) or kfs[0].size or sk.default_size
    m = Morph(sk, kfs, int(frames), tuple(size), ease, eases, bool(loop), choices)
    for kf in kfs:
        if kf.sha256 and kf.sha256 != sk.sha256:
            m.notes.append(f"{kf.label} was rendered by another version of {sk.path.name} (its sha256 differs): "
                           "its frame will not match it")
        if kf.dropped:
            m.notes.append(f"{kf.label} went through {', '.join(kf.dropped)}: the morph renders its recipe, "
                           "without those stages")
        if kf.size and tuple(kf.size) != m.size and kf.label != kfs[0].label:
            m.notes.append(f"{kf.label} is {kf.size[0]}x{kf.size[1]}; the morph renders it at {m.size[0]}x{m.size[1]}")
    if m.crossfades_seeds:
        seeds = " -> ".join(str(kf.seed) for kf in m.stops)
        m.notes.append(f"keyframes have different seeds ({seeds}): their renders are cross-faded, "
                       "as a seed does not interpolate")
    return m


def morph(sketch, keyframes: Sequence[Any], frames: int = 48, *, progress: bool = False,
          timeout: float | None = None, **kwargs) -> Iterator[MorphFrame]:
    """Frames morphing `sketch` through `keyframes` (checked now, rendered as iterated).

    Takes the arguments of :func:`plan_morph`; yields :class:`MorphFrame`
    (``rgba``, ``recipe``, ``params``).
    """
    return plan_morph(sketch, keyframes, frames, **kwargs).render(progress=progress, timeout=timeout)


# ------------------------------------------------------------------ writing

def output_kind(out: str | Path) -> str:
    """'gif', 'mp4' or 'frames' (a folder) for an output path; UserError otherwise."""
    text = str(out)
    path = Path(out)
    suffix = path.suffix.lower().lstrip(".")
    if text.endswith(("/", os.sep)) or path.is_dir() or not suffix:
        return "frames"
    if suffix in VIDEO_FORMATS:
        return suffix
    raise UserError(f"morph output {text!r}: expected a .gif or .mp4 file, or a folder for PNG frames")


def check_output(m: Morph, out: str | Path) -> str:
    """Fail before rendering on an output that cannot be written."""
    from gencraft.render import MAX_ANIMATION_BYTES

    kind = output_kind(out)
    path = Path(out)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"cannot write {str(out)!r}: folder {str(folder)!r} does not exist")
    if kind == "frames":
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UserError(f"frames folder {str(out)!r} already exists and is not empty: expected a new folder")
    else:
        need = m.frames * m.size[0] * m.size[1] * 4
        if need > MAX_ANIMATION_BYTES:
            raise UserError(f"{m.frames} frames at {m.size[0]}x{m.size[1]} would hold {need / 2**30:.1f} GiB of "
                            f"pixels; expected at most {MAX_ANIMATION_BYTES / 2**30:g} GiB: fewer frames, a smaller "
                            "size, or a folder of PNG frames")
        if kind == "mp4":
            import importlib.util

            if importlib.util.find_spec("imageio_ffmpeg") is None:
                raise UserError("cannot write MP4 without ffmpeg: pip install 'gencraft[editions]', or use .gif")
    return kind


def write_morph(m: Morph, out: str | Path, *, fps: float = 24.0, frames: Sequence[MorphFrame] | None = None,
                progress: bool = False, timeout: float | None = None, extra: Mapping[str, Any] | None = None) -> Path:
    """Render `m` (or use the given `frames`) and write a GIF, an MP4 or a folder of PNG frames.

    The file appears whole or not at all; a frames folder is built under a
    temporary name and renamed into place. `extra` is merged into the path's
    ``morph`` stage (the CLIP scores of a prompt morph).
    """
    from gencraft.atomic import write_bytes
    from gencraft.provenance import add_stage, encode_png, make_recipe

    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not (0 < fps <= 100):
        raise UserError(f"fps {fps!r}: expected a number above 0 and at most 100")
    kind = check_output(m, out)
    out = Path(out)
    path = {**m.path(), "fps": float(fps), **(extra or {})}
    if kind == "frames":
        parent = out.parent if str(out.parent) else Path(".")
        tmp = parent / f".{out.name}.{os.getpid()}.part"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            per_frame = []
            for frame in (frames if frames is not None else m.render(progress, timeout)):
                name = f"frame_{frame.index:04d}.png"
                (tmp / name).write_bytes(encode_png(frame.rgba, frame.recipe))
                per_frame.append({"file": name, **{k: v for k, v in frame.recipe["stages"][-1].items()
                                                   if k != "stage"}, "params": frame.params,
                                  "seed": str(frame.plan.seed)})
            (tmp / "morph.json").write_text(json.dumps({**path, "sketch": str(m.sketch.path),
                                                        "size": list(m.size), "per_frame": per_frame},
                                                       indent=2, default=str) + "\n")
            if out.exists():
                out.rmdir()  # empty (checked above)
            os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return out
    from gencraft.render import encode_animation

    rgba = [f.rgba for f in (frames if frames is not None else m.render(progress, timeout))]
    first = m.keyframes[0]
    recipe = add_stage(make_recipe(m.sketch, first.params, first.seed, m.size, kind), path)
    write_bytes(out, encode_animation(rgba, kind, fps, recipe))
    return out
