"""Re-render an image from its recipe and verify the bytes match.

When they don't, say why: the sketch file is gone or its source changed since
the render, the gencraft version differs, the parameters are no longer valid,
or — with everything equal — the sketch itself is not deterministic.

An image's recipe is untrusted data: it names a Python file, and reproducing
means executing it. So the file is executed only when its sha256 equals the
one in the recipe — it is then exactly the code that made the image — unless
the user says otherwise with ``allow_changed=True`` (``--allow-changed``).
Otherwise reproduce stops before running anything.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from gencraft import __version__
from gencraft.errors import UserError
from gencraft.provenance import read_recipe
from gencraft.provenance import encode_png, recipe_json
from gencraft.render import render, render_file_bytes
from gencraft.sketch import load_sketch


@dataclass
class Verdict:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    recipe: dict = field(default_factory=dict)

    note: str = ""

    def summary(self) -> str:
        if self.ok:
            return "reproduced: " + (self.note or "byte-identical")
        return "not reproduced: " + "; ".join(self.reasons)


def reproduce(path: str | Path, sketch_path: str | Path | None = None, write_to: str | Path | None = None,
              allow_changed: bool = False) -> Verdict:
    """Re-render the image at `path` from its embedded recipe and compare bytes.

    Raises UserError, before executing anything, when the sketch's source
    differs from the recipe's sha256 and `allow_changed` is false.
    """
    path = Path(path)
    recipe = read_recipe(path)
    if recipe.get("command") is not None:
        return _reproduce_command(path, recipe, write_to)
    from gencraft.post.replay import replay_stages, replayable

    changed = [_stage_name(s) for s in recipe.get("stages", [])
               if _stage_name(s) not in SELECTION_STAGES and not replayable(s)]
    if changed:
        raise UserError(f"{str(path)!r} went through later stages that change pixels ({', '.join(changed)}); "
                        "only sketch renders (as drawn, or picked by explore/rank) can be reproduced byte for byte")
    _require_sketch_fields(recipe, path, sketch_path)
    sk_path = Path(sketch_path or recipe["sketch"]["path"])
    reasons: list[str] = []
    if not sk_path.exists():
        raise UserError(f"sketch {str(sk_path)!r} named in the recipe does not exist (pass --sketch PATH)")
    source = sk_path.read_bytes()
    if hashlib.sha256(source).hexdigest() != recipe["sketch"]["sha256"]:
        if not allow_changed:
            raise UserError(f"{str(sk_path)!r} is not the sketch that made {str(path)!r} (its sha256 differs from the "
                            "recipe's), so it was not run; pass --allow-changed to run it anyway")
        reasons.append(f"sketch source changed since the render ({sk_path} sha256 differs)")
    if recipe.get("gencraft") != __version__:
        reasons.append(f"gencraft version changed ({recipe.get('gencraft')} -> {__version__})")
    sketch = load_sketch(sk_path)
    try:
        drawn = set(recipe.get("drawn", ()))  # drawn from the hash again, so the recipe comes out the same
        params = sketch.resolve({k: v for k, v in recipe.get("params", {}).items() if k not in drawn})
    except UserError as exc:
        return Verdict(False, reasons + [f"parameters no longer valid: {exc}"], recipe)
    fmt = recipe.get("format", "png")
    if recipe.get("preview"):
        raise UserError(f"{str(path)!r} is a {fmt.upper()} preview shrunk to {'x'.join(map(str, recipe['preview']))}: "
                        "reproduce the token's full-size PNG instead")
    fresh_recipe = None
    if fmt == "png":  # with the stages of a search or ranking that picked it (they do not change pixels)
        fresh = render(sketch, params, recipe["seed"], tuple(recipe["size"]), frame=recipe.get("frame"))
        fresh_recipe = dict(fresh.recipe, stages=recipe["stages"]) if recipe.get("stages") else fresh.recipe
        rgba = replay_stages(fresh.rgba, recipe.get("stages", []), sketch, tuple(recipe["size"]), str(path))
        data = encode_png(rgba, fresh_recipe)  # grades, morph cross-fades: replayed on the fresh render
    elif fmt == "plotter-svg":  # a pen plot: the same plotter options again (gencraft.plotter)
        from gencraft.plotter import replot_svg

        data = replot_svg(sketch, params, recipe)
    else:
        data = render_file_bytes(sketch, Path("x." + fmt), params, recipe["seed"], tuple(recipe["size"]))
    if write_to:
        Path(write_to).write_bytes(data)
    original = path.read_bytes()
    if data == original:
        return Verdict(True, [], recipe)
    if fresh_recipe is not None and _same_pixels(data, original):
        differences = _recipe_differences(recipe, fresh_recipe)
        if [d for d in differences if not d.startswith("sketch.path ")] == []:
            return Verdict(True, [], recipe, note="pixel-identical; only the recipe differs, in "
                           + ("; ".join(differences) or "encoding"))
        reasons.append("pixel-identical, but the recipe differs: " + "; ".join(differences))
        return Verdict(False, reasons, recipe)
    if not reasons:
        reasons.append("same recipe but different bytes: the sketch is not deterministic "
                       "(does it use random/time/global state instead of rng?)")
    return Verdict(False, reasons, recipe)


SELECTION_STAGES = {"search", "rank", "atlas"}  # they pick renders; the pixels are the sketch's own


def _stage_name(stage: dict) -> str:
    return str(stage.get("stage") or stage.get("kind") or "?")


def _require_sketch_fields(recipe: dict, path: Path, sketch_path) -> None:
    """What re-rendering a sketch needs (types were checked when the recipe was read)."""
    if "sketch" not in recipe:
        raise UserError(f"{str(path)!r}: its recipe names no sketch (nothing to re-render)")
    sk = recipe["sketch"]
    missing = [f"sketch.{k}" for k in ("path", "sha256") if k not in sk and not (k == "path" and sketch_path)]
    missing += [k for k in ("seed", "size") if k not in recipe]
    if missing:
        raise UserError(f"{str(path)!r}: its recipe lacks {', '.join(missing)}; expected a full gencraft recipe")
    if not isinstance(recipe.get("params", {}), dict):
        raise UserError(f"{str(path)!r}: its recipe's params are not an object of name to value")
    fmt = recipe.get("format", "png")
    if fmt not in ("png", "svg", "pdf", "gif", "mp4", "plotter-svg"):
        raise UserError(f"{str(path)!r}: its recipe has format {fmt!r}; expected png, svg, pdf, gif or mp4")


def _same_pixels(a: bytes, b: bytes) -> bool:
    import io

    import numpy as np
    from PIL import Image

    try:
        with Image.open(io.BytesIO(a)) as ia, Image.open(io.BytesIO(b)) as ib:
            return ia.size == ib.size and np.array_equal(np.asarray(ia.convert("RGBA")), np.asarray(ib.convert("RGBA")))
    except (OSError, ValueError):
        return False


def _recipe_differences(stored: dict, fresh: dict) -> list[str]:
    """'key: recorded -> now' for each field that differs (the sketch's fields one by one)."""
    import json

    fresh = json.loads(recipe_json(fresh))
    out = []
    for key in sorted(set(stored) | set(fresh)):
        a, b = stored.get(key), fresh.get(key)
        if key == "sketch" and isinstance(a, dict) and isinstance(b, dict):
            out += [f"sketch.{k} {a.get(k)!r} recorded, {b.get(k)!r} now"
                    for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        elif a != b:
            out.append(f"{key} {json.dumps(a)[:60]} recorded, {json.dumps(b)[:60]} now")
    return out


def _reproduce_command(path: Path, recipe: dict, write_to) -> Verdict:
    """Re-run `gencraft attractor` or `gencraft lsystem` from its recipe (data only: nothing is executed)."""
    command = recipe["command"]
    try:
        if command == "attractor":
            from gencraft.particles.render import render_attractor

            rgba, fresh = render_attractor(recipe["attractor"], recipe["params"], recipe["n"], tuple(recipe["size"]),
                                           recipe["tone"], recipe["palette"], recipe.get("background"),
                                           recipe.get("orbits", 16))
            data = encode_png(rgba, fresh)
        elif command == "lsystem":
            from gencraft.lsystem.draw import render_lsystem_recipe

            if not isinstance(recipe.get("text"), str) or not isinstance(recipe.get("source"), str):
                raise KeyError("text")
            data = render_lsystem_recipe(recipe)
        else:
            raise UserError(f"{str(path)!r}: its recipe names command {command!r}; expected attractor or lsystem")
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"{str(path)!r}: its {command} recipe is incomplete or malformed ({type(exc).__name__}: "
                        f"{exc}); it cannot be re-rendered") from None
    if write_to:
        Path(write_to).write_bytes(data)
    if data == path.read_bytes():
        return Verdict(True, [], recipe)
    reasons = []
    if recipe.get("gencraft") != __version__:
        reasons.append(f"gencraft version changed ({recipe.get('gencraft')} -> {__version__})")
    return Verdict(False, reasons or [f"same {command} recipe but different bytes"], recipe)
