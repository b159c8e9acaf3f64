"""gencraft's own small diffusion model, trained on renders of its bundled sketches.

- :mod:`.dataset` — renders of many token hashes of every art sketch, cached to disk once
- :mod:`.pipeline` — ``TinyPixelDiffusionPipeline``: a class-conditional pixel-space UNet
  refined SDEdit-style with DDIM, saved and loaded as a diffusers ``save_pretrained`` folder
- :mod:`.train` — ``gencraft ml train-tiny-diffusion``: deterministic, resumable training
- :mod:`.evaluate` — FID-like distances in the tiny CLIP's image-embedding space

Not to be confused with :mod:`gencraft.ml.refine.tiny_diffusion`, which builds
*random-weight* Stable-Diffusion-shaped folders to test the plumbing.
"""
