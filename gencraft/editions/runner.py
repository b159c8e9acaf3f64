"""Making an edition: plan, render what is missing, derive the edition files.

Order of work, chosen so that a run killed at any moment (even ``kill -9``)
loses nothing finished and leaves no half-written file:

1. Everything that can be wrong with the input is checked before anything is
   written: parameters, size, formats, hashes, every token's ``features()``,
   and whether the output folder holds a different edition.
2. The manifest is written, then each missing token: its images first, its
   metadata JSON last (every file through :mod:`gencraft.atomic`). A token is
   finished when its metadata names this edition's hash, sketch and
   parameters and its files exist; a re-run skips finished tokens untouched.
3. The edition files (rarity, QA, contact sheets, gallery) are derived from
   the token files, written only when their bytes change.

Each token's bytes depend only on the sketch source, parameters, size and the
token's hash, so the output is the same on 1 worker, 16, or a Dask cluster.
"""
from __future__ import annotations

import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from gencraft.atomic import write_bytes
from gencraft.errors import UserError
from gencraft.params import Params
from gencraft.render import parse_size
from gencraft.seeds import parse_seed
from gencraft.timelimit import DEFAULT_RENDER_TIMEOUT, check_timeout
from gencraft.sketch import Sketch, load_sketch
from gencraft.draw import contact
from gencraft.editions import gallery, qa, rarity
from gencraft.editions.hashes import edition_hashes, random_collection_seed
from gencraft.editions.metadata import (MANIFEST, difference, dumps, identity, manifest, read_manifest, token_is_finished,
                       token_metadata)
from gencraft.editions.token import TokenJob, TokenOutput, render_token, token_files

FORMATS = ("png", "svg", "plotter-svg", "gif", "mp4")


@dataclass
class VerifyResult:
    checked: list[int]
    mismatches: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def summary(self) -> str:
        tokens = ", ".join(f"#{i}" for i in self.checked)
        if self.ok:
            return f"verify: {len(self.checked)} re-rendered token(s) byte-identical ({tokens})"
        return f"verify: MISMATCH in {', '.join(self.mismatches)} (checked {tokens})"


@dataclass
class EditionReport:
    out: Path
    count: int
    rendered: list[int]
    skipped: int
    collection_seed: str | None
    rarity: dict
    qa: dict
    seconds: float
    verify: VerifyResult | None = None
    audit: dict | None = None
    files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"edition of {self.count} in {self.out}: {len(self.rendered)} rendered, "
                 f"{self.skipped} already finished ({self.seconds:.1f} s)"]
        if self.collection_seed is not None:
            lines.append(f"collection seed {self.collection_seed}")
        lines.append(qa.summary(self.qa))
        if self.verify is not None:
            lines.append(self.verify.summary())
        if self.audit is not None:
            from gencraft.editions.audit import summary as audit_summary

            lines.append(audit_summary(self.audit))
        lines.append(f"gallery: {self.out / 'index.html'}")
        return "\n".join(lines)


def parse_formats(text: str | tuple | list, sketch: Sketch) -> tuple[str, ...]:
    """'png,svg' -> ('png', 'svg'); GIF previews come with every animated sketch."""
    items = [f.strip().lower().lstrip(".") for f in (text.split(",") if isinstance(text, str) else text)]
    items = [f for f in items if f]
    for f in items:
        if f not in FORMATS:
            raise UserError(f"unknown edition format {f!r}: expected a comma-separated list of {', '.join(FORMATS)}")
    if ("gif" in items or "mp4" in items) and not sketch.animated:
        raise UserError(f"format gif/mp4 needs an animated sketch (FRAMES > 1); {sketch.path} is a still")
    if "plotter-svg" in items:  # tokens/N.plotter.svg: the pen plot (gencraft.plotter)
        from gencraft.plotter import require_vpype

        require_vpype()
    if "mp4" in items:
        try:
            import imageio_ffmpeg  # noqa: F401
        except ImportError:
            raise UserError("format mp4 needs imageio-ffmpeg: pip install 'gencraft[editions]'") from None
    formats = tuple(f for f in FORMATS if f in items and f != "gif")
    if not any(f in formats for f in ("png", "svg")):
        formats = ("png",) + formats
    return formats


def compute_traits(sk: Sketch, params: Params, hashes: list[str], progress: bool = False) -> list[dict]:
    """Every token's traits: ``features(parse_seed(hash).rng(), params)``, checked JSON-able."""
    from tqdm import tqdm

    bar = tqdm(hashes, desc="traits", unit="token", disable=not progress or len(hashes) < 2000,
               file=sys.stderr, leave=False)
    out = []
    for h in bar:
        seed = parse_seed(h)
        traits = sk.call_features(seed.rng(), sk.for_token(params, seed))
        for name, value in traits.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise UserError(f"{sk.path}: features() trait {name!r} is {value!r} for token hash {h}; "
                                "expected a finite number (JSON has no NaN or infinity)")
        out.append(traits)
    return out


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Atomic write, skipped when the file already holds these bytes (keeps mtimes)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes(path, data)
    return True


def _clean_partials(out: Path) -> None:
    """Remove temporary files a killed run left behind (atomic writes never finished)."""
    for folder in (out, out / "tokens", out / "thumbs", out / "token"):
        if folder.is_dir():
            for p in folder.glob(".*.part"):
                p.unlink(missing_ok=True)


#: files every finished edition writes beside its tokens
EDITION_FILES = ("edition.json", "rarity.json", "rarity.csv", "qa.json", "audit.json", "index.html", "gallery.css",
                 "gallery.js")


def edition_files(man: dict) -> set[str]:
    """Every file an edition with manifest `man` writes (relative paths): all --force may replace."""
    count, formats, animated = int(man.get("count") or 0), man.get("formats") or ["png"], bool(man.get("animated"))
    files = set(EDITION_FILES) | set(contact.sheet_names(count))
    for i in range(count):
        files.update(token_files(i, formats, animated))
        files.update({f"tokens/{i}.json", f"token/{i}.html"})
    return files


def _remove_stale(out: Path, old: dict, new: dict) -> None:
    """With --force: remove the previous edition's files that this one does not write.

    Only files the previous manifest lists are candidates: anything else in the
    folder (a user's notes, their own renders) is never touched.
    """
    for rel in sorted(edition_files(old) - edition_files(new)):
        path = out / rel
        if path.is_file():
            path.unlink()


def _check_out(out: Path, new_manifest: dict, force: bool) -> dict | None:
    """Refuse a folder this edition may not write into; return the edition already there (or None)."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {str(out)!r} is a file; expected a folder for the edition")
    old = read_manifest(out) if out.is_dir() else None
    if old is None:
        if out.is_dir() and any(p for p in out.iterdir() if not p.name.startswith(".")):
            raise UserError(f"output folder {str(out)!r} is not empty and holds no gencraft edition; "
                            "choose an empty or new folder (gencraft never writes over files it did not make)")
        return None
    if old == {}:
        raise UserError(f"output folder {str(out)!r} has an unreadable edition.json, so gencraft cannot tell its "
                        "files from yours; choose a new --out, or repair or remove edition.json")
    reason = difference(old, new_manifest)
    if reason and not force:
        raise UserError(f"output folder {str(out)!r} holds a different edition ({reason}); "
                        "use a new --out, or --force to replace it")
    return old


def _json_roundtrip(data):
    import json

    return json.loads(dumps(data))


def make_edition(sketch: str | Path | Sketch, out: str | Path, count: int | None = None, *,
                 collection_seed: Any = None, hashes_file: str | Path | None = None,
                 params: Mapping[str, Any] | Params | None = None, size: Any = None,
                 formats: str | tuple = ("png",), workers: int | None = None, scheduler: Any = None,
                 force: bool = False, verify: int = 0, progress: bool = True, base_uri: str = "",
                 timeout: float | None = DEFAULT_RENDER_TIMEOUT,
                 qa_threshold: int = qa.DUPLICATE_BITS, audit: bool = False,
                 audit_model: str = "tiny", audit_margin: float | None = None) -> EditionReport:
    """Render (or finish) an edition in folder `out`; see the module docstring."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    sk = sketch if isinstance(sketch, Sketch) else load_sketch(sketch)
    params = params if isinstance(params, Params) else sk.resolve(params or {})
    size = parse_size(size) or sk.default_size
    formats = parse_formats(formats, sk)
    if verify < 0:
        raise UserError(f"--verify {verify}: expected a number of tokens to re-render, 0 or more")
    if workers is not None and workers < 1:
        raise UserError(f"--workers {workers}: expected at least 1")
    timeout = check_timeout(timeout)
    if audit:
        from gencraft.editions.audit import require_ml

        require_ml()
    out = Path(out)
    if scheduler is None and (workers or os.cpu_count() or 1) > 1:
        from gencraft.editions import backends

        backends.prestart()
    if collection_seed is None and hashes_file is None:
        old = read_manifest(out) if out.is_dir() else None
        collection_seed = (old or {}).get("collection_seed") or random_collection_seed()
    hashes = edition_hashes(count, collection_seed, hashes_file)
    count = len(hashes)
    seed_used = None if hashes_file is not None else str(collection_seed)
    held = sk.held(params)
    man = _json_roundtrip(manifest(sk, held, size, formats, hashes, seed_used, base_uri))
    traits = compute_traits(sk, params, hashes, progress)  # features() errors surface before any write
    previous = _check_out(out, man, force)

    # -- writing starts here --
    out.mkdir(parents=True, exist_ok=True)
    _clean_partials(out)
    ident = identity(man)
    expected = {i: token_files(i, formats, sk.animated) for i in range(count)}
    if force and previous:
        _remove_stale(out, previous, man)
    write_if_changed(out / MANIFEST, dumps(man))  # first, so a killed run is recognised when resumed
    for sub in ("tokens", "thumbs", "token"):
        (out / sub).mkdir(exist_ok=True)
    missing = [i for i in range(count) if not token_is_finished(out, i, hashes[i], ident, expected[i])]
    jobs = [TokenJob(i, hashes[i], str(sk.path), sk.source, held, tuple(size), formats) for i in missing]
    main_ext = "png" if "png" in formats else "svg"

    def metadata_text(i: int, recipe: dict) -> str:
        return dumps(token_metadata(i, hashes[i], traits[i], recipe, sk.title, sk.description, formats,
                                    sk.animated, base_uri))

    bar = tqdm(total=count, initial=count - len(missing), unit="token", desc=sk.title[:24], file=sys.stderr,
               disable=not progress, dynamic_ncols=True, smoothing=0.2)

    def on_result(res: TokenOutput) -> None:
        for name, data in res.files.items():
            write_bytes(out / name, data)
        write_bytes(out / "tokens" / f"{res.index}.json", metadata_text(res.index, res.recipe).encode("utf-8"))
        bar.update(1)

    from gencraft.editions import backends

    try:
        if scheduler is not None:
            backends.run_dask(jobs, scheduler, on_result)
        else:
            n = workers if workers is not None else (os.cpu_count() or 1)
            backends.run_pool(jobs, max(1, min(n, len(jobs))), on_result, timeout)
    finally:
        bar.close()

    audit_report = None
    if audit:
        from gencraft.editions.audit import DEFAULT_MARGIN, run_audit

        audit_report = run_audit(out, traits, getattr(sk.module, "AUDIT", None), audit_model,
                                 DEFAULT_MARGIN if audit_margin is None else audit_margin,
                                 kind=getattr(sk.module, "KIND", None))
    written = finish_edition(out, man, traits, main_ext, sk.animated, qa_threshold, audit_report)
    report = EditionReport(out, count, missing, count - len(missing), seed_used,
                           written["rarity"], written["qa"], 0.0, files=written["files"], audit=audit_report)
    if verify:
        report.verify = verify_tokens(out, sk, params, size, formats, hashes, metadata_text, verify)
    report.seconds = time.perf_counter() - t0
    return report


def finish_edition(out: Path, man: dict, traits: list[dict], main_ext: str, animated: bool,
                   qa_threshold: int = qa.DUPLICATE_BITS, audit: dict | None = None) -> dict:
    """Derive rarity, QA, contact sheets and gallery (and audit.json, when audited) from the finished tokens."""
    count, hashes = man["count"], man["hashes"]
    rar = rarity.rarity(traits, hashes)
    thumbs = [out / "thumbs" / f"{i}.jpg" for i in range(count)]
    report = qa.analyse(thumbs, qa_threshold)
    flagged = {o["token_id"] for o in report["outliers"]} | {t for d in report["near_duplicates"] for t in d["tokens"]}
    ranks = [t["rank"] for t in rar["tokens"]]
    files: dict[str, bytes | str] = {
        "rarity.json": dumps(rar),
        "rarity.csv": rarity.rarity_csv(rar, traits),
        "qa.json": dumps(report),
    }
    varying = [name for name, rows in rar["traits"].items() if len(rows) > 1]  # constant traits say nothing
    captions = [" · ".join(rarity.display(t.get(name)) for name in varying) for t in traits]
    files.update(contact.edition_sheets(thumbs, man["title"], ranks, flagged, captions))
    if audit is not None:
        files["audit.json"] = dumps(audit)
    files.update(gallery.build_gallery(man, traits, rar, report, contact.sheet_names(count), main_ext, animated,
                                       audit))
    for name, data in files.items():
        write_if_changed(out / name, data)
    return {"rarity": rar, "qa": report, "files": sorted(files)}


def verify_tokens(out: Path, sk: Sketch, params: Params, size, formats, hashes: list[str], metadata_text,
                  k: int, rng: random.Random | None = None) -> VerifyResult:
    """Re-render `k` random finished tokens and compare every file byte for byte."""
    rng = rng or random.SystemRandom()
    picked = sorted(rng.sample(range(len(hashes)), min(k, len(hashes))))
    mismatches = []
    for i in picked:
        res = render_token(TokenJob(i, hashes[i], str(sk.path), sk.source, sk.held(params), tuple(size),
                                    formats))
        res.files[f"tokens/{i}.json"] = metadata_text(i, res.recipe).encode("utf-8")
        for name, data in res.files.items():
            try:
                same = (out / name).read_bytes() == data
            except OSError:
                same = False
            if not same:
                mismatches.append(name)
    return VerifyResult(picked, mismatches)
