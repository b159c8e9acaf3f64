"""gencraft: rule-based and learned generative art, side by side.

The names an artist needs in a sketch are importable from here::

    from gencraft import Float, Int, Bool, Choice, Colour, palette

Engines live in submodules (``gencraft.noise``, ``gencraft.lsystem``,
``gencraft.particles``); ML is under ``gencraft.ml`` and imported only on use.
In Jupyter, ``gencraft.show``, ``gencraft.interact``, ``gencraft.grid`` and
``gencraft.edition_preview`` (see :mod:`gencraft.notebook`) load on first use.
"""
__version__ = "0.1.0"

from gencraft import numba_cache as _numba_cache  # noqa: E402

_numba_cache.configure()  # before any kernel is defined: a writable compile cache (see gencraft.warmup)

from gencraft.params import Bool, Choice, Color, Colour, Float, Int  # noqa: E402
from gencraft.draw.color import PALETTES, Palette, colormap, gradient, hsl, mix, palette, parse_color  # noqa: E402

__all__ = [
    "__version__", "Float", "Int", "Bool", "Choice", "Colour", "Color",
    "palette", "Palette", "PALETTES", "gradient", "colormap", "mix", "hsl", "parse_color",
]

#: notebook helpers, imported on first use so that `import gencraft` stays light (see gencraft.notebook)
_NOTEBOOK = ("show", "interact", "grid", "edition_preview")


def __getattr__(name):
    if name == "morph":  # gencraft.morph(sketch, keyframes, frames): see gencraft.morphing
        from gencraft.morphing import morph

        return morph
    if name in _NOTEBOOK:
        from gencraft import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'gencraft' has no attribute {name!r}")
