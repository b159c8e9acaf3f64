"""Drawing: the canvas and everything that turns arrays into pictures.

- :mod:`.canvas` — :class:`Canvas` (pycairo: PNG, SVG, PDF), the one drawing surface
- :mod:`.polylines` — many polylines stroked by a Numba kernel calling libcairo
- :mod:`.threads` — how many threads that kernel may use (one per edition/search worker)
- :mod:`.color` — colour parsing, palettes, gradients
- :mod:`.contact` — contact sheets (search results, seed ranking, editions)
- :mod:`.retained` — retained geometry: what a canvas draws, recorded as vector paths (plotters)
- :mod:`.plotter` — pen layers as a vpype Document on a page in mm; optimising, measuring, SVG/G-code/HPGL
- :mod:`.plotter_preview` — a picture of a plot (pens in colour, pen-up moves faint)

The one-way rule: ``draw`` may import the core (errors, provenance) but never an
engine, ``ml``, ``cli``, ``live`` or ``editions``; engines never import ``draw``
(an engine's own adapter module — ``lsystem/draw.py``, ``particles/render.py`` —
is the only bridge, imported only when used). Importing this package is cheap:
cairo loads with :mod:`.canvas`.
"""
