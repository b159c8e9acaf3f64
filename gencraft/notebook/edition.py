"""``gencraft.edition_preview``: an edition's first tokens and its trait table, before minting.

::

    gencraft.edition_preview("flow.py", n=16, collection_seed="0x…", simulate=1000)

Token hashes come from the collection seed exactly as ``gencraft edition``
derives them, so token #k here is token #k of the edition. The first `n` are
rendered small on a grid captioned with their traits and rarity rank; the
trait table, rarity scores and balance hints come from the pre-mint
simulation (:func:`gencraft.editions.simulate.simulate`) over `simulate`
tokens, which runs only the traits and is fast.
"""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from gencraft.errors import UserError
from gencraft.notebook.errors import notebook_error
from gencraft.notebook.tokens import Grid, caption, cell_size, render_tokens
from gencraft.notebook.images import preview_png
from gencraft.notebook.source import current, sketch_path
from gencraft.sketch import Sketch


@dataclass
class EditionPreview:
    """A grid of the edition's first tokens and the simulation's report (shown as HTML, or as the grid PNG)."""

    grid: Grid
    report: Any  # gencraft.editions.simulate.SimulationReport

    @property
    def collection_seed(self) -> str:
        return self.report.collection_seed

    @property
    def rarity(self) -> dict:
        return self.report.rarity

    def _repr_png_(self) -> bytes:
        return self.grid._repr_png_()

    def _repr_html_(self) -> str:
        png = base64.b64encode(preview_png(self.grid.rgba)).decode("ascii")
        parts = [f"<div class='gencraft-edition'><p><b>{html.escape(Path(self.report.sketch).name)}</b> · "
                 f"collection seed <code>{html.escape(self.collection_seed)}</code> · tokens #0 to "
                 f"#{len(self.grid) - 1} (traits simulated over {self.report.count} tokens)</p>",
                 f"<img src='data:image/png;base64,{png}' style='max-width:100%'/>",
                 trait_table_html(self.report.rarity)]
        hints = self.report.hints()
        if hints:
            parts.append("<ul>" + "".join(f"<li>{html.escape(h)}</li>" for h in hints) + "</ul>")
        return "\n".join(parts) + "</div>"

    def __repr__(self) -> str:
        return self.report.text()


def trait_table_html(report: dict, max_values: int = 12) -> str:
    """The simulation's trait table: each trait's values with their count, share and a bar."""
    from gencraft.editions.rarity import display

    if not report["traits"]:
        return "<p>this sketch declares no traits</p>"
    rows = []
    for name, values in report["traits"].items():
        bits = report["entropy_bits"][name]
        rows.append(f"<tr><th colspan='4' style='text-align:left;padding-top:6px'>{html.escape(name)} "
                    f"<span style='font-weight:normal;opacity:.6'>({len(values)} values, {bits:.2f} bits)</span>"
                    "</th></tr>")
        for r in values[:max_values]:
            bar = f"<div style='background:#8d5a97;height:8px;width:{max(1, round(120 * r['share']))}px'></div>"
            rows.append(f"<tr><td>{html.escape(display(r['value']))}</td><td style='text-align:right'>{r['count']}"
                        f"</td><td style='text-align:right'>{100 * r['share']:.1f}%</td><td>{bar}</td></tr>")
        if len(values) > max_values:
            rows.append(f"<tr><td colspan='4'>… {len(values) - max_values} more values</td></tr>")
    combos = (f"<p>{report['unique_combinations']} distinct trait combinations among {report['count']} tokens</p>")
    return "<table class='gencraft-traits'>" + "".join(rows) + "</table>" + combos


def edition_preview(sketch: Sketch | str | Path, n: int = 16, *, collection_seed: Any = None, simulate: int = 500,
                    cell: int = 180, columns: int | None = None, params: Mapping[str, Any] | None = None,
                    **values: Any) -> EditionPreview:
    """The first `n` tokens of the edition from `collection_seed` (random when None) and its trait table."""
    from gencraft.draw.contact import contact_sheet
    from gencraft.editions.hashes import check_count, hashes_from_seed, random_collection_seed
    from gencraft.editions.simulate import simulate as simulate_traits
    from gencraft.notebook.tokens import MAX_TOKENS

    check_count(simulate, "simulate")
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_TOKENS:
        raise UserError(f"n {n!r}: expected 1 to {MAX_TOKENS} tokens to render (the simulation covers more)")
    path = sketch_path(sketch)
    seed = str(collection_seed) if collection_seed is not None else random_collection_seed()
    held = {**(params or {}), **values}
    try:
        sk = current(sketch)
        report = simulate_traits(sk, max(n, simulate), seed, sk.resolve(held))
        box = cell_size(sk.default_size, cell)
    except UserError as exc:
        raise notebook_error(exc, path) from None
    hashes = hashes_from_seed(seed, n)
    tokens = render_tokens(sk, hashes, held, box, path)
    ranks = [t["rank"] for t in report.rarity["tokens"]]
    captions = [caption(t.traits, f"#{k}  ·  rank {ranks[k]}") for k, t in enumerate(tokens)]
    sheet = contact_sheet([t.render.rgba for t in tokens], captions, columns=columns, cell=cell, pad=14,
                          background="#15161a", ink="#dededa", card="#202228", font_size=12.0,
                          title=sk.title, subtitle=f"tokens #0 to #{n - 1} of collection {seed[:18]}"
                          + ("…" if len(seed) > 18 else ""))
    return EditionPreview(Grid(sheet, tokens), report)
