"""Post-processing of finished images, recorded as recipe stages.

* :mod:`.grade` — colour correction in OKLab (exposure, contrast, saturation,
  temperature, tint), a remap to a named palette, and ``.cube`` 3D LUTs
  (:mod:`.lut`, trilinear interpolation). A ``grade`` stage is replayed by
  ``gencraft reproduce``.
* :mod:`.upscale` — a gencraft render is re-rendered from its recipe at the
  larger size (exact: the rule-based answer to super-resolution); a refined
  image is upscaled by a local diffusers upscaler, or refused.
* :mod:`.replay` — which stages a re-render can replay, and replaying them.

This room sits beside ``render`` and ``reproduce``: it imports the core and
``draw/`` only (torch only inside the diffusers upscaler, on use).
"""
