"""Editions: a sketch turned into numbered, hash-seeded tokens.

``make_edition`` renders tokens (image + ERC-721 metadata) on a process pool or
a Dask cluster, then derives the edition files (rarity, contact sheet, QA
report, HTML gallery) from the token files alone, so a resumed or re-run
edition is byte-identical to one rendered in a single pass. ``simulate`` is
the pre-mint check: traits and rarity for many hashes without rendering.

Layout of an edition folder::

    edition.json        manifest: sketch sha256, params, size, formats, hashes
    tokens/N.png        token N's image (with its recipe); N.svg, N.gif, N.mp4
    tokens/N.json       ERC-721 / OpenSea metadata (written last: the token's commit mark)
    thumbs/N.jpg        thumbnail (gallery, contact sheet, QA)
    rarity.json/.csv    trait table and per-token rarity
    qa.json             near-duplicates and outliers
    contact.png         contact sheet (contact-01.png... for big editions)
    index.html, token/N.html, gallery.css   static gallery (works from file://)
"""
from gencraft.editions.runner import EditionReport, make_edition  # noqa: F401
from gencraft.editions.simulate import SimulationReport, simulate  # noqa: F401

__all__ = ["make_edition", "EditionReport", "simulate", "SimulationReport"]
