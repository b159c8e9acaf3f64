"""``gencraft.show``: one render of a sketch, shown inline, carrying its recipe.

::

    gencraft.show("flow.py", seed=7, size=600, density=0.4)

returns the :class:`~gencraft.render.Render` (``.rgba``, ``.recipe``,
``.params``, ``.save()``), which a notebook shows as a PNG with the recipe in
its metadata; ``format="svg"`` returns an :class:`~.images.SVGImage`. The file
is re-read on each call. A parameter whose name clashes with an argument here
(a sketch parameter called ``size``) goes in ``params={...}``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from gencraft.errors import UserError
from gencraft.notebook.errors import notebook_error
from gencraft.notebook.images import SVGImage
from gencraft.notebook.source import current, sketch_path
from gencraft.sketch import Sketch


def show(sketch: Sketch | str | Path, seed: Any = 0, size: Any = None, *,
         params: Mapping[str, Any] | None = None, format: str = "png", **values: Any):
    """Render `sketch` for `seed` at `size` (default: the sketch's SIZE) with parameters pinned to `values`."""
    from gencraft.provenance import make_recipe
    from gencraft.render import parse_size, render, render_vector
    from gencraft.seeds import parse_seed

    if format not in ("png", "svg"):
        raise UserError(f"format {format!r}: expected 'png' or 'svg'")
    path = sketch_path(sketch)
    try:
        sk = current(sketch)
        if format == "png":
            return render(sk, {**(params or {}), **values}, seed, size)
        token = parse_seed(seed)
        resolved = sk.for_token(sk.resolve({**(params or {}), **values}), token)
        box = parse_size(size) or sk.default_size
        data = render_vector(sk, resolved, token, box, "svg")
        return SVGImage(data.decode("utf-8"), make_recipe(sk, resolved, token, box, "svg"))
    except UserError as exc:
        raise notebook_error(exc, path) from None
