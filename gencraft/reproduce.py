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
from gencraft.render import render_file_bytes
from gencraft.sketch import load_sketch


@dataclass
class Verdict:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    recipe: dict = field(default_factory=dict)

    def summary(self) -> str:
        if self.ok:
            return "reproduced: byte-identical"
        return "not reproduced: " + "; ".join(self.reasons)


def reproduce(path: str | Path, sketch_path: str | Path | None = None, write_to: str | Path | None = None,
              allow_changed: bool = False) -> Verdict:
    """Re-render the image at `path` from its embedded recipe and compare bytes.

    Raises UserError, before executing anything, when the sketch's source
    differs from the recipe's sha256 and `allow_changed` is false.
    """
    path = Path(path)
    recipe = read_recipe(path)
    if recipe.get("stages"):
        raise UserError(f"{str(path)!r} went through later stages ({', '.join(s.get('kind', '?') for s in recipe['stages'])}); "
                        "only plain sketch renders can be reproduced byte for byte")
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
    out_suffix = "." + recipe.get("format", "png")
    data = render_file_bytes(sketch, Path("x" + out_suffix), params, recipe["seed"], tuple(recipe["size"]))
    if write_to:
        Path(write_to).write_bytes(data)
    if data == path.read_bytes():
        return Verdict(True, [], recipe)
    if not reasons:
        reasons.append("same recipe but different bytes: the sketch is not deterministic "
                       "(does it use random/time/global state instead of rng?)")
    return Verdict(False, reasons, recipe)
