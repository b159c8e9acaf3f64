"""Loading sketch files: declared parameters, draw(), features(), animation.

A sketch is a plain Python file::

    \"\"\"Flow — evenly spaced curves through a noise field.\"\"\"
    from gencraft import Float, Choice, palette

    SIZE = (2000, 2000)              # default render size (optional)
    density = Float(0.6, 0.1, 1.0, help="how much ink")
    colours = Choice("dusk", ["dusk", "sea"])

    def draw(c, rng, p):             # canvas, seeded generator, parameters
        ...

    def features(rng, p):            # optional: traits for editions
        return {"Palette": p.colours}

Animated sketches set ``FRAMES`` (and optionally ``FPS``) and give ``draw`` a
``t`` argument: the loop phase in [0, 1). A ``frame`` argument gets the index.

Every load executes the file as a fresh module (never ``sys.modules``), so live
reload always sees the file as it is now.
"""
from __future__ import annotations

import hashlib
import inspect
import itertools
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from gencraft.errors import SketchError, UserError
from gencraft.params import Param, Params, declared_traits, draw_for_token, resolve

_counter = itertools.count()
DEFAULT_SIZE = (1200, 1200)
#: an animation longer than this is almost certainly a mistake (a minute at 60 fps is 3,600)
MAX_FRAMES = 10_000


def _exit_message(exc: SystemExit, path: Path, when: str) -> str:
    """sys.exit() in a sketch is an error, not a way to end a render: one line naming where."""
    tb = traceback.extract_tb(exc.__traceback__)
    own = [f for f in tb if Path(f.filename).resolve() == path.resolve()]
    where = f"{path}:{own[-1].lineno}" if own else str(path)
    return (f"{where}: the sketch called sys.exit({exc.code!r}) {when}; a sketch must return, not exit "
            "(raise an exception to report a problem)")


def sketch_frames_message(exc: BaseException, path: Path) -> str:
    """One line: the exception, located at the deepest frame inside the sketch file."""
    tb = traceback.extract_tb(exc.__traceback__)
    own = [f for f in tb if Path(f.filename).resolve() == path.resolve()]
    where = f"{path}:{own[-1].lineno}" if own else str(path)
    code = f" ({own[-1].line.strip()})" if own and own[-1].line else ""
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return f"{where}: {type(exc).__name__}: {msg}{code}".rstrip()


def sketch_traceback(exc: BaseException, path: Path) -> str:
    """The traceback restricted to the sketch's own frames (for overlays and logs)."""
    tb = traceback.extract_tb(exc.__traceback__)
    own = [f for f in tb if Path(f.filename).resolve() == path.resolve()]
    lines = traceback.format_list(own) if own else []
    return "".join(lines) + "".join(traceback.format_exception_only(type(exc), exc))


@dataclass
class Sketch:
    """A loaded sketch: its module, declared parameters and entry points."""

    path: Path
    module: types.ModuleType
    source: bytes
    params: dict[str, Param] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source).hexdigest()

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def title(self) -> str:
        title = getattr(self.module, "TITLE", None)
        if title:
            return str(title)
        doc = (self.module.__doc__ or "").strip().splitlines()
        return doc[0].split(" — ")[0].split(" - ")[0].strip() if doc else self.name

    @property
    def description(self) -> str:
        return (self.module.__doc__ or "").strip()

    @property
    def default_size(self) -> tuple[int, int]:
        size = getattr(self.module, "SIZE", DEFAULT_SIZE)
        try:
            w, h = size
            ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and v == int(v) for v in (w, h))
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            raise UserError(f"{self.path}: SIZE = {size!r}: expected (WIDTH, HEIGHT) in whole pixels, "
                            "e.g. SIZE = (2000, 2000)")
        from gencraft.sizes import parse_size

        try:
            return parse_size(f"{int(w)}x{int(h)}")
        except UserError as exc:
            raise UserError(f"{self.path}: SIZE = {size!r}: {str(exc).split(': ', 1)[1]}") from None

    @property
    def frames(self) -> int:
        """Number of frames of an animated sketch (1 for a still); checked when the sketch loads."""
        return int(getattr(self.module, "FRAMES", 1))

    @property
    def fps(self) -> float:
        return float(getattr(self.module, "FPS", 24))

    @property
    def animated(self) -> bool:
        return self.frames > 1

    @property
    def has_features(self) -> bool:
        """True when tokens have traits: a features() function or parameters declared with trait=."""
        return callable(getattr(self.module, "features", None)) or any(p.trait for p in self.params.values())

    @property
    def varying(self) -> list[str]:
        """Names of the parameters each token draws from its hash (unless pinned)."""
        return [name for name, p in self.params.items() if p.varies]

    def resolve(self, *layers: Mapping[str, Any]) -> Params:
        """Defaults, then each layer of overrides, validated; what the layers set is pinned."""
        return resolve(self.params, *layers)

    def held(self, params: Params) -> dict[str, Any]:
        """The values every token shares: all but the varying parameters left to the hash."""
        drawn = set(self.varying) - params.pinned
        return {k: v for k, v in params.items() if k not in drawn}

    def for_token(self, params: Params, seed) -> Params:
        """The token's parameters: varying ones the user did not pin drawn from its hash."""
        return draw_for_token(self.params, params, seed)

    #: the longest side of the preview a notebook shows for a sketch object
    PREVIEW_SIDE = 600

    def _repr_png_(self) -> bytes:
        """Jupyter shows a sketch as its render for seed 0 at a preview size (the pixels `render` gives)."""
        from gencraft.draw.canvas import Canvas
        from gencraft.seeds import parse_seed

        w, h = self.default_size
        scale = min(1.0, self.PREVIEW_SIDE / max(w, h))
        canvas = Canvas(max(1, round(w * scale)), max(1, round(h * scale)), "png")
        seed = parse_seed(0)
        self.call_draw(canvas, seed.rng(), self.for_token(self.resolve(), seed))
        return canvas._repr_png_()

    def call_draw(self, canvas, rng, params: Params, t: float = 0.0, frame: int = 0) -> None:
        """Call the sketch's draw(); its exceptions become a SketchError naming file:line."""
        draw = self.module.draw
        kwargs = {}
        sig = _signature(draw)
        if "t" in sig:
            kwargs["t"] = t
        if "frame" in sig:
            kwargs["frame"] = frame
        try:
            draw(canvas, rng, params, **kwargs)
        except SystemExit as exc:
            raise SketchError(_exit_message(exc, self.path, "in draw()")) from None
        except UserError:
            raise
        except Exception as exc:  # the sketch's own bug: report its frames
            err = SketchError(sketch_frames_message(exc, self.path))
            err.details = sketch_traceback(exc, self.path)  # type: ignore[attr-defined]
            raise err from exc

    def call_features(self, rng, params: Params) -> dict[str, Any]:
        """The token's traits: those parameters declare (``trait=``), then features()'s.

        Checked to be a JSON-able {name: value} dict; features() may override a
        declared trait by returning the same name.
        """
        traits = declared_traits(self.params, params)
        if not callable(getattr(self.module, "features", None)):
            return check_traits(traits, self.path)
        try:
            own = self.module.features(rng, params)
        except SystemExit as exc:
            raise SketchError(_exit_message(exc, self.path, "in features()")) from None
        except Exception as exc:
            raise SketchError(sketch_frames_message(exc, self.path)) from exc
        return {**traits, **check_traits(own, self.path)}


def check_traits(traits: Any, path: Path) -> dict[str, Any]:
    """Traits must be a dict of str -> str/int/float/bool (ERC-721 attribute values)."""
    if not isinstance(traits, Mapping):
        raise UserError(f"{path}: features() must return a dict of trait name to value, got {type(traits).__name__}")
    out = {}
    for key, value in traits.items():
        if hasattr(value, "item") and callable(value.item):  # numpy scalars
            value = value.item()
        if not isinstance(key, str) or not isinstance(value, (str, int, float, bool)):
            raise UserError(
                f"{path}: features() trait {key!r} has value {value!r} of type {type(value).__name__}; "
                "expected a string, number or bool"
            )
        out[key] = value
    return out


def _signature(fn: Callable) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


def _loads(path: str) -> bool:
    load_sketch(path)
    return True


def load_sketch(path: str | Path, timeout: float | None = None) -> Sketch:
    """Execute a sketch file as a fresh module and collect its declarations.

    With a `timeout`, the file is first executed in a forked child under that
    limit (a loop at module level is stopped there, and an ``os._exit`` ends
    only the child), then here.
    """
    if timeout is not None:
        from gencraft.timelimit import call_with_timeout

        call_with_timeout(_loads, str(path), timeout=timeout, what="loading the sketch")
    path = Path(path)
    if not path.exists():
        raise UserError(f"sketch file {str(path)!r} does not exist")
    if not path.is_file():
        raise UserError(f"sketch {str(path)!r} is not a file")
    if path.suffix != ".py":
        raise UserError(f"sketch {str(path)!r} is not a Python file (expected a .py sketch)")
    source = path.read_bytes()
    mod_name = f"gencraft_sketch_{path.stem}_{next(_counter)}"
    module = types.ModuleType(mod_name)
    module.__file__ = str(path)
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        col = f":{exc.offset}" if exc.offset else ""
        raise SketchError(f"{path}:{exc.lineno}{col}: SyntaxError: {exc.msg}") from None
    sys.modules[mod_name] = module  # dataclasses/pickling inside the sketch need it while executing
    try:
        exec(code, module.__dict__)
    except SystemExit as exc:
        raise SketchError(_exit_message(exc, path, "while loading")) from None
    except UserError:
        raise
    except Exception as exc:
        raise SketchError(sketch_frames_message(exc, path)) from exc
    finally:
        sys.modules.pop(mod_name, None)
    if not callable(getattr(module, "draw", None)):
        raise UserError(f"{path} is not a gencraft sketch: it defines no draw(canvas, rng, params) function")
    frames = getattr(module, "FRAMES", 1)
    if isinstance(frames, bool) or not isinstance(frames, int) or not 1 <= frames <= MAX_FRAMES:
        raise UserError(f"{path}: FRAMES = {frames!r}: expected a whole number of frames from 1 to {MAX_FRAMES:,}")
    declared: dict[str, Param] = {}
    for name, value in vars(module).items():
        if isinstance(value, Param) and not name.startswith("_"):
            value.name = name
            declared[name] = value
    return Sketch(path=path, module=module, source=source, params=declared)
