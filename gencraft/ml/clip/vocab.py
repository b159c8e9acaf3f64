"""What a CLIP model knows: the vocabulary of a model trained by gencraft, and a warning for other words.

The bundled tiny CLIP learnt from captions of gencraft's own renders ("many
small red circles on a dark background", "warm colours", "a sparse grid"), so
it knows those few dozen words and nothing else: a prompt such as "a storm
over the sea" gets scores near 0 that mean nothing. A model folder trained by
gencraft lists its words in ``vocabulary.txt`` (one a line); for such a model
every prompt is checked and words outside the list produce one warning line
naming them and pointing at a real CLIP (``--model local-dir:PATH``). Models
without the file (real open_clip weights) are not checked.

No torch here: the CLI reads the list for ``gencraft score --help``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from gencraft.ml import TINY_CLIP_DIR

VOCABULARY_NAME = "vocabulary.txt"
#: words that carry no visual meaning: never reported even when the model never saw them
FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "on", "in", "with", "and", "some", "its", "at"})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def model_folder(spec: str) -> Path | None:
    """The folder of a 'tiny' or 'local-dir:PATH' spec, else None (named architectures are not checked)."""
    spec = (spec or "tiny").strip() if isinstance(spec, str) else ""
    if spec == "tiny":
        return TINY_CLIP_DIR
    if spec.startswith("local-dir:") and len(spec) > len("local-dir:"):
        return Path(spec[len("local-dir:"):]).expanduser()
    return None


def read_vocabulary(folder: Path | None) -> frozenset[str] | None:
    """The words listed in FOLDER/vocabulary.txt, or None when the folder has no list."""
    if folder is None:
        return None
    path = Path(folder) / VOCABULARY_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    words = {w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#")}
    return frozenset(words) or None


def vocabulary(spec: str = "tiny") -> frozenset[str] | None:
    """The vocabulary of the model a spec names, or None when it has no list (a real CLIP)."""
    return read_vocabulary(model_folder(spec))


def words(prompt: str) -> list[str]:
    """The lower-case words of a prompt, in order."""
    return _WORD.findall(str(prompt).lower())


def unknown_words(prompts: Iterable[str] | str, vocab: Iterable[str]) -> list[str]:
    """Words of the prompts outside ``vocab`` (function words ignored), each once, in order."""
    if isinstance(prompts, str):
        prompts = [prompts]
    vocab = set(vocab)
    out: list[str] = []
    for prompt in prompts:
        for w in words(prompt):
            if w not in vocab and w not in FUNCTION_WORDS and w not in out:
                out.append(w)
    return out


def vocabulary_warning(spec: str, prompts: Iterable[str] | str) -> str | None:
    """One line warning about prompt words the model does not know, or None (all known, or no list)."""
    import difflib

    folder = model_folder(spec)
    vocab = read_vocabulary(folder)
    if vocab is None:
        return None
    unknown = unknown_words(prompts, vocab)
    if not unknown:
        return None
    named = []
    for w in unknown:
        close = difflib.get_close_matches(w, sorted(vocab), n=1, cutoff=0.75)
        named.append(f"{w!r} (did you mean {close[0]!r}?)" if close else repr(w))
    if folder == TINY_CLIP_DIR:
        name, listed = "the bundled tiny CLIP", "gencraft score --help lists"
    else:
        name, listed = f"CLIP model {folder.name}", f"{folder / VOCABULARY_NAME} lists"
    return (f"warning: {name} does not know {', '.join(named)} ({listed} the {len(vocab)} words it knows; "
            f"scores for other words mean nothing); for free text use a real CLIP: --model local-dir:PATH")


def warn_unknown_words(spec: str, prompts: Iterable[str] | str, echo=None) -> str | None:
    """Print :func:`vocabulary_warning` to stderr (or through ``echo``) when there is one; return it."""
    if isinstance(prompts, str):
        prompts = [prompts]
    prompts = [p for p in prompts if isinstance(p, str) and p.strip()]
    if not isinstance(spec, str) or not prompts:
        return None
    line = vocabulary_warning(spec, prompts)
    if line:
        if echo is None:
            import sys
            print(line, file=sys.stderr, flush=True)
        else:
            echo(line)
    return line


def help_text(spec: str = "tiny") -> str:
    """The bundled model's vocabulary as a sentence for --help (no torch, one small file read)."""
    vocab = vocabulary(spec)
    if not vocab:
        return ""
    return ("The bundled tiny CLIP knows only these words (others get a warning; use --model "
            "local-dir:PATH for free text): " + ", ".join(sorted(vocab)) + ".")
