"""The tiny CLIP gencraft trains itself: captioned renders (dataset), training, evaluation.

``gencraft ml train-tiny-clip`` runs :func:`gencraft.ml.clip.tiny.train.train`
and writes an open_clip ``local-dir`` folder that ships as
``gencraft/ml/models/tiny-clip``. Importing this package is cheap; the
submodules that train import torch.
"""
