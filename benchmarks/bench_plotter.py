"""Plotter path: a drawing of 100,000 lines to an optimised, layered plot, against vpype on the plain SVG.

The drawing: 10,000 random walks in four colours, each cut into ten pieces
drawn in shuffled order (so merging and sorting both have work to do), drawn
with ``c.polylines``. gencraft: :func:`gencraft.plotter.make_plot` — record
the drawing, build pen layers in mm, run vpype's linemerge/reloop/linesort/
linesimplify. Baseline: what a user does today — write gencraft's cairo SVG
(not timed), then ``vpype read plain.svg linemerge linesort`` (run through
``vpype_cli.execute`` in this process, so no interpreter start-up is counted).
Both end with the same number of pen-down millimetres (checked to 1 %).
The two are interleaved (harness.compare: a warm-up call of each, kept apart as
the first-call time, then A B A B) and the ratio is the median of per-pair
ratios with min-max. A pair takes ~1 min at 100,000 lines, so the full run
draws 50,000 lines with 3 timed pairs.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.harness import Result, compare

SKETCH = '''"""Benchmark drawing: random walks cut into pieces, in shuffled order."""
import numpy as np
SIZE = (2000, 2000)
N_LINES = {n}
def draw(c, rng, p):
    g = np.random.default_rng(7)
    walks = N_LINES // 10
    steps = g.normal(0, 6, (walks, 31, 2)).cumsum(axis=1) + g.uniform(100, 1900, (walks, 1, 2))
    pieces = [steps[i, 3 * k:3 * k + 4] for i in range(walks) for k in range(10)]
    order = g.permutation(len(pieces))
    colours = np.array([[0.1, 0.1, 0.1, 1], [0.8, 0.2, 0.2, 1], [0.2, 0.3, 0.8, 1], [0.2, 0.6, 0.3, 1]])
    c.stroke("#111111", width=2)
    c.polylines([pieces[i] for i in order], colors=colours[(order // 10) % 4])  # one colour per walk
'''


def run(quick: bool, device: str) -> list[Result]:
    import vpype_cli

    from gencraft.draw.plotter import MM
    from gencraft.plotter import PlotterOptions, make_plot
    from gencraft.render import render_vector

    n = 20_000 if quick else 50_000  # a pair takes ~1 min at 100,000 lines
    with tempfile.TemporaryDirectory() as tmp:
        sketch = Path(tmp) / "lines.py"
        sketch.write_text(SKETCH.format(n=n))
        plain = Path(tmp) / "plain.svg"
        plain.write_bytes(render_vector(sketch, {}, 0, None, "svg"))
        options = PlotterOptions(page="500x500mm", margin_mm=0)
        got = {}

        def ours():
            got["plot"] = make_plot(sketch, {}, 0, None, options)

        def theirs():
            got["doc"] = vpype_cli.execute(f"read '{plain}' linemerge linesort")

        t = compare(ours, theirs, repeats=2 if quick else 3)
        plot, doc = got["plot"], got["doc"]
        ours_mm = plot.doc.length() / MM
        ratio_len = (ours_mm / plot.layout.scale) / max(doc.length(), 1e-9)  # both in canvas pixels
        assert abs(ratio_len - 1) < 0.01, ratio_len
    lines = sum(len(plot.doc.layers[i]) for i in plot.doc.layers)
    return [Result("plotter", f"{n:,} lines -> layered plot (record, layers, linemerge, reloop, linesort, simplify)",
                   baseline_name="vpype read plain.svg linemerge linesort", goal=">= 0.5x", timing=t,
                   extra={"k lines/s": n / t.ours / 1e3, "paths after": lines, "layers": len(plot.doc.layers),
                          "pen-up reduction": plot.before.pen_up_mm / max(plot.after.pen_up_mm, 1e-9),
                          "pen-down length ratio": round(ratio_len, 4)})]
