"""Visual trait audit: does each token look like the traits it declares?

Zero-shot CLIP on the edition's thumbnails (``thumbs/N.jpg``). For every
auditable trait, each token's thumbnail is scored against one prompt per value
of that trait; a token is a mismatch when another value's prompt beats the
declared one by more than ``margin`` (cosine similarity).

Which traits are auditable:

* a sketch may map trait values to prompt words with a module-level dict,
  ``AUDIT = {"Palette": {"ember": "red", "sea": "blue"}}``; values it leaves
  out are not audited;
* otherwise a string-valued trait is audited when its values are words the
  model knows (the model folder's ``vocabulary.txt``; for a model without one,
  a real CLIP, the bundled tiny model's word list stands in as "visual words").

A trait needs at least two auditable values (there is nothing to compare
otherwise). Everything else is listed under ``skipped`` with the reason.

The kind: a sketch that says what it draws with a module-level
``KIND = "flow lines"`` (every bundled sketch does) has each token scored
against every kind the bundled tiny CLIP was taught (``a strange attractor``,
``woven tiles``, ... :data:`gencraft.ml.clip.tiny.sketch_captions.KINDS`) plus
its own; a token that reads as another kind is listed under the trait
``Kind``. That catches the tokens where a parameter combination breaks the
picture (a blank page, a smear), which traits alone never show.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from gencraft.errors import UserError

#: a token is flagged when another value's prompt beats the declared one by more than this (cosine)
DEFAULT_MARGIN = 0.0
#: prompt ensemble used for every value (the tiny model learnt from captions such as these)
TEMPLATES = ("{}", "a picture of {}", "a drawing of {}", "a render of {}")
AUDIT_FILE = "audit.json"


def require_ml() -> None:
    try:
        import open_clip  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        raise UserError("--audit needs the ml extra (torch, open_clip): pip install 'gencraft[ml]'") from None


def _known_words(spec: str) -> frozenset[str]:
    from gencraft.ml.clip.vocab import FUNCTION_WORDS, vocabulary

    words = vocabulary(spec) or vocabulary("tiny") or frozenset()
    return frozenset(words) - FUNCTION_WORDS


def plan(traits: list[dict], mapping: Mapping[str, Mapping[Any, str]] | None, spec: str = "tiny"
         ) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """({trait: {value: prompt}} to audit, {trait: why skipped})."""
    mapping = mapping or {}
    if not isinstance(mapping, Mapping):
        raise UserError("the sketch's AUDIT must be a dict {trait: {value: prompt words}}")
    names = list(dict.fromkeys(name for t in traits for name in t))
    known = _known_words(spec)
    audited: dict[str, dict[str, str]] = {}
    skipped: dict[str, str] = {}
    for name in names:
        values = list(dict.fromkeys(t.get(name) for t in traits if name in t))
        if name in mapping:
            own = mapping[name]
            if not isinstance(own, Mapping):
                raise UserError(f"AUDIT[{name!r}] must be a dict {{value: prompt words}}")
            prompts = {str(v): str(own[v]) for v in values if isinstance(v, str) and v in own and str(own[v]).strip()}
            why = "fewer than two of its values are mapped in AUDIT"
        elif all(isinstance(v, str) for v in values):
            prompts = {v: v.strip().lower() for v in values if v.strip().lower() in known}
            why = "its values are not words the model knows (map them with AUDIT = {...})"
        else:
            prompts, why = {}, "not a text trait (map it with AUDIT = {...})"
        if len(set(prompts.values())) >= 2:
            audited[name] = prompts
        else:
            skipped[name] = why if len(values) > 1 else "every token has the same value"
    return audited, skipped


KIND_TRAIT = "Kind"


def kind_prompts(kind: str) -> dict[str, str]:
    """{prompt: prompt} of every kind the tiny CLIP was taught, with the sketch's own first."""
    from gencraft.ml.clip.tiny.sketch_captions import KINDS, kind_prompt

    if not isinstance(kind, str) or not kind.strip():
        raise UserError(f"the sketch's KIND must be a short description such as 'flow lines', not {kind!r}")
    kind = kind.strip().lower()
    return {k: k for k in dict.fromkeys([kind, *(kind_prompt(s) for s in KINDS)])}


def run_audit(out: Path, traits: list[dict], mapping: Mapping | None = None, model: str = "tiny",
              margin: float = DEFAULT_MARGIN, device: str = "cpu", kind: str | None = None) -> dict:
    """Score every token's thumbnail; the audit.json report (mismatches sorted by token).

    ``kind`` (the sketch's ``KIND``) adds the ``Kind`` check: each token against every known kind.
    """
    require_ml()
    import numpy as np
    from PIL import Image

    from gencraft.ml.clip.model import load_clip

    audited, skipped = plan(traits, mapping, model)
    if kind is not None:
        kinds = kind_prompts(kind)
        audited[KIND_TRAIT] = kinds
        traits = [dict(t, **{KIND_TRAIT: next(iter(kinds))}) for t in traits]
    report: dict[str, Any] = {"model": model, "margin": margin, "tokens": len(traits),
                              "audited": audited, "skipped": skipped, "mismatches": []}
    if not audited:
        return report
    clip = load_clip(model, device=device)
    images = []
    for i in range(len(traits)):
        with Image.open(Path(out) / "thumbs" / f"{i}.jpg") as im:
            images.append(np.asarray(im.convert("RGB")))
    checked = 0
    for name, prompts in audited.items():
        values = list(prompts)
        words = list(dict.fromkeys(prompts.values()))
        sims = clip.similarity(images, words, templates=TEMPLATES)  # (N, P)
        for i, t in enumerate(traits):
            declared = t.get(name)
            if declared not in prompts:
                continue
            checked += 1
            row = {w: float(sims[i, k]) for k, w in enumerate(words)}
            mine = row[prompts[declared]]
            best = max(words, key=lambda w: row[w])
            if row[best] - mine > margin:
                looks = [v for v in values if prompts[v] == best]
                report["mismatches"].append({
                    "token_id": i, "trait": name, "declared": declared, "looks_like": looks[0],
                    "gap": round(row[best] - mine, 4), "scores": {w: round(s, 4) for w, s in row.items()}})
    report["checked"] = checked
    report["mismatches"].sort(key=lambda m: (m["token_id"], m["trait"]))
    return report


def summary(report: dict) -> str:
    if not report["audited"]:
        return f"audit: no trait could be audited ({'; '.join(f'{k}: {v}' for k, v in report['skipped'].items())})"
    n = len(report["mismatches"])
    toks = ", ".join(f"#{m['token_id']} {m['trait']}" for m in report["mismatches"][:12])
    line = (f"audit ({report['model']}): {n} mismatch(es) in {report.get('checked', 0)} check(s) of "
            f"{', '.join(report['audited'])}" + (f": {toks}{' …' if n > 12 else ''}" if n else ""))
    if report["skipped"]:
        line += f"; skipped {', '.join(report['skipped'])}"
    return line


def html_section(report: dict | None) -> str:
    """The audit's part of the gallery's QA note: mismatches with thumbnails."""
    import html

    if not report:
        return ""
    e = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    head = (f'<p class="qa">Trait audit ({e(report["model"])}): {len(report["mismatches"])} mismatch(es) in '
            f'{", ".join(e(k) for k in report["audited"]) or "no auditable trait"}'
            + (f'; skipped {", ".join(e(k) for k in report["skipped"])}' if report["skipped"] else "")
            + '; see <a href="audit.json">audit.json</a>.</p>')
    items = "".join(
        f'<a class="card flagged audit" href="token/{m["token_id"]}.html" title="{e(m["trait"])}: declared '
        f'{e(m["declared"])}, looks {e(m["looks_like"])}"><img loading="lazy" src="thumbs/{m["token_id"]}.jpg" '
        f'alt="#{m["token_id"]}"><span class="meta"><b>#{m["token_id"]}</b><span>{e(m["trait"])}: '
        f'{e(m["declared"])} → looks {e(m["looks_like"])}</span></span></a>'
        for m in report["mismatches"])
    return head + (f'\n<div class="audit-mismatches grid">{items}</div>' if items else "")
