"""``gencraft.grid``: many tokens of a sketch side by side, each captioned with its traits.

::

    gencraft.grid("flow.py", seeds=range(16))

Each seed is rendered small (the sketch's SIZE scaled to fit `cell`, or
`size`), its varying parameters drawn from its hash unless pinned by
`values`, and laid out on one contact sheet (:func:`gencraft.draw.contact.contact_sheet`).
The result shows inline as a PNG; ``grid[i]`` is token i's render and
``grid.tokens`` lists every token's seed, traits and parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from gencraft.errors import UserError
from gencraft.notebook.errors import notebook_error
from gencraft.notebook.images import PNGImage
from gencraft.notebook.source import current, sketch_path
from gencraft.sketch import Sketch

#: more thumbnails than this in one inline grid is a mistake (an edition is the tool for thousands)
MAX_TOKENS = 400


@dataclass
class Token:
    """One cell of a grid: the seed, its traits, and its render."""

    seed: str
    traits: dict
    render: Any  # gencraft.render.Render

    @property
    def params(self) -> dict:
        return self.render.params.to_dict()

    def _repr_png_(self) -> bytes:
        return self.render._repr_png_()


@dataclass
class Grid(PNGImage):
    """The contact sheet (shown inline) and the tokens on it."""

    tokens: list[Token] = field(default_factory=list)

    def __getitem__(self, index: int):
        return self.tokens[index].render

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"<gencraft grid of {len(self.tokens)} tokens>"


def cell_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """`size` scaled down so its longest side is at most `longest`."""
    from gencraft.live.worker import thumb_size

    return thumb_size(size, longest)


def trait_words(traits: Mapping[str, Any]) -> str:
    """Traits in a few words: a word's value as is, a number with its name, a yes as the name, a no left out."""
    from gencraft.editions.rarity import display

    words = []
    for name, value in traits.items():
        if value is True or value == "yes":
            words.append(name)
        elif value is False or value == "no" or value is None:
            continue
        elif isinstance(value, (int, float)):
            words.append(f"{name} {display(value)}")
        else:
            words.append(display(value))
    return " · ".join(words)


def caption(traits: Mapping[str, Any], label: str) -> str:
    """Two lines under a thumbnail: the traits, then the token's label."""
    line = trait_words(traits)
    return f"{line}\n{label}" if line else label


def render_tokens(sk: Sketch, seeds: Sequence[Any], values: Mapping[str, Any], size: tuple[int, int],
                  path: Path) -> list[Token]:
    """Render every seed at `size` with its traits; a failure names the token and the sketch's file:line."""
    from gencraft.render import render
    from gencraft.seeds import parse_seed

    params = sk.resolve(values)
    tokens = []
    for s in seeds:
        try:
            token = parse_seed(s)
            result = render(sk, params, token, size)
            traits = sk.call_features(token.rng(), result.params)
        except UserError as exc:
            raise notebook_error(exc, path, f"seed {s}") from None
        tokens.append(Token(str(token), traits, result))
    return tokens


def grid(sketch: Sketch | str | Path, seeds: Iterable[Any] = range(16), *, size: Any = None, cell: int = 200,
         columns: int | None = None, params: Mapping[str, Any] | None = None, **values: Any) -> Grid:
    """Tokens of `sketch` for `seeds` in a grid captioned with their traits."""
    from gencraft.draw.contact import contact_sheet
    from gencraft.render import parse_size

    seeds = list(seeds)
    if not 1 <= len(seeds) <= MAX_TOKENS:
        raise UserError(f"grid of {len(seeds)} seeds: expected 1 to {MAX_TOKENS} (an edition renders more)")
    path = sketch_path(sketch)
    try:
        sk = current(sketch)
        box = parse_size(size) or cell_size(sk.default_size, cell)
    except UserError as exc:
        raise notebook_error(exc, path) from None
    tokens = render_tokens(sk, seeds, {**(params or {}), **values}, box, path)
    captions = [caption(t.traits, f"seed {t.seed}") for t in tokens]
    sheet = contact_sheet([t.render.rgba for t in tokens], captions, columns=columns, cell=cell, pad=12,
                          title=sk.title, subtitle=f"{len(tokens)} tokens · {box[0]}×{box[1]}",
                          font_size=12.0)
    return Grid(sheet, tokens)

