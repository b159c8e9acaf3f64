"""The tiny CLIP gencraft trains itself on its own renders.

- :mod:`.dataset` — primitive scenes (colours, shapes, counts) drawn with the canvas, with captions
- :mod:`.sketch_captions` — what a sketch token shows, measured from its pixels, and its captions
- :mod:`.sketch_renders` — tokens of every bundled sketch, rendered once and cached
- :mod:`.config` — the open_clip architecture and the shipped model's training recipe
- :mod:`.train` — ``gencraft ml train-tiny-clip``: deterministic training on both
- :mod:`.evaluate` — held-out accuracy (colour, shape, sketch kind, palette family)

``gencraft ml train-tiny-clip`` runs :func:`gencraft.ml.clip.tiny.train.train`
and writes an open_clip ``local-dir`` folder that ships as
``gencraft/ml/models/tiny-clip``. Importing this package is cheap; the
submodules that train import torch.
"""
