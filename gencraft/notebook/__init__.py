"""gencraft in Jupyter: sketches, renders and editions inline, with widget controls.

Nothing here is imported by ``import gencraft``: the names below are reached
through ``gencraft.show`` and friends, which import this package on first use.
Only :func:`interact` needs the ``notebook`` extra (ipywidgets); the rest
display through plain ``_repr_png_`` / ``_repr_svg_`` / ``_repr_html_`` methods.

The pieces, each with one job:

* :mod:`.source`   re-reads the sketch file on each call, so edits show (as live reload does);
* :mod:`.errors`   a sketch's error as a short message naming file:line, not a long traceback;
* :mod:`.images`   displayable images: quick PNG previews, SVG;
* :mod:`.inline`   ``show(sketch, seed=..., size=..., **params)``: one render, inline;
* :mod:`.tokens`   ``grid(sketch, seeds=range(16))``: tokens side by side with their traits;
* :mod:`.edition`  ``edition_preview(sketch, n=...)``: an edition's first tokens and its trait table;
* :mod:`.latest`   debounced, newest-wins rendering (the live page's scheduler, in a thread);
* :mod:`.controls` ipywidgets controls built from the declared parameters, and the seed box;
* :mod:`.panel`    ``interact(sketch)``: the controls, the image and the error overlay together.
"""
from __future__ import annotations

__all__ = ["show", "interact", "grid", "edition_preview"]

#: where each helper lives (modules are not named after the functions, so the names stay functions)
_WHERE = {"show": "inline", "interact": "panel", "grid": "tokens", "edition_preview": "edition"}


def __getattr__(name):  # keep `import gencraft.notebook` light: each helper loads on use
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"gencraft.notebook.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'gencraft.notebook' has no attribute {name!r}")
