"""Refinement: a diffusion img2img pass over a render, and the side-by-side comparison.

- :mod:`.load` — diffusers pipelines from local ``save_pretrained`` folders (checked before loading)
- :mod:`.control` — ControlNet conditioning images
- :mod:`.img2img` — SDEdit-style refinement of an image or file
- :mod:`.tiny_diffusion` — a tiny random-weight pipeline for tests
- :mod:`.tiny` — gencraft's own *trained* tiny diffusion model (pipeline, data, training, evaluation)
- :mod:`.compare` — rule-based vs CLIP-steered vs refined, with scores
"""
