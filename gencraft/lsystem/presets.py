"""Named presets: the classic systems of ABoP chapter 1 as ``.lsys`` files.

Each preset is a file ``presets/NAME.lsys`` in the text format of
:mod:`.grammar`, with ``figure:`` naming its figure in "The Algorithmic
Beauty of Plants" (Prusinkiewicz & Lindenmayer, 1990). A preset can be asked
for by name (``dragon``) or by figure (``1.10a``).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from gencraft.errors import UserError, did_you_mean
from gencraft.lsystem.grammar import LSystem, parse_lsystem


def _folder():
    return resources.files("gencraft.lsystem") / "presets"


@lru_cache(maxsize=None)
def _texts() -> dict[str, str]:
    return {p.name[:-5]: p.read_text(encoding="utf-8") for p in _folder().iterdir() if p.name.endswith(".lsys")}


def preset_names() -> list[str]:
    """All preset names, sorted by figure number then name."""
    def key(name):
        fig = load_preset(name).figure
        try:
            major, minor = fig.rstrip("abcdef").split(".")
            return (int(major), int(minor), fig, name)
        except ValueError:
            return (99, 0, fig, name)
    return sorted(_texts(), key=key)


def preset_text(name: str) -> str:
    return _texts()[resolve_name(name)]


def resolve_name(name: str) -> str:
    """A preset name from a name or a figure number ("1.24b", "fig1.24b")."""
    texts = _texts()
    if name in texts:
        return name
    fig = name.lower().removeprefix("fig").removeprefix("ure").strip(" .")
    for n in texts:
        if load_preset(n).figure.lower() == fig:
            return n
    raise UserError(f"unknown L-system preset {name!r}{did_you_mean(name, texts)}: "
                    f"see `gencraft lsystem --list`")


def load_preset(name: str, **overrides) -> LSystem:
    """Parse a preset (overrides such as ``n=``, ``angle=`` applied on top)."""
    texts = _texts()
    key = name if name in texts else resolve_name(name)
    return parse_lsystem(texts[key], source=f"preset {key}", **overrides)


def load_source(source: str, **overrides) -> LSystem:
    """A preset name or figure, or a path to a ``.lsys`` file."""
    path = Path(source)
    if source in _texts():
        return load_preset(source, **overrides)
    if path.suffix == ".lsys" or path.exists():
        if not path.is_file():
            raise UserError(f"L-system file {source!r} does not exist")
        return parse_lsystem(read_lsys(path), source=str(path), **overrides)
    return load_preset(source, **overrides)


MAX_LSYS_BYTES = 1_000_000


def read_lsys(path: Path) -> str:
    """The text of a ``.lsys`` file: UTF-8, at most 1 MB (one clear line otherwise)."""
    try:
        size = path.stat().st_size
        if size > MAX_LSYS_BYTES:
            raise UserError(f"L-system file {str(path)!r} is {size:,} bytes: expected at most {MAX_LSYS_BYTES:,}")
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read L-system file {str(path)!r}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise UserError(f"L-system file {str(path)!r} is not UTF-8 text (byte {exc.start} on line {line}): "
                        "expected a UTF-8 .lsys file") from None


def source_text(source: str) -> tuple[str, str]:
    """(label, grammar text) of what :func:`load_source` would parse: kept in a render's recipe."""
    path = Path(source)
    if source in _texts():
        return f"preset {source}", _texts()[source]
    if path.suffix == ".lsys" or path.exists():
        return str(path), read_lsys(path)
    name = resolve_name(source)
    return f"preset {name}", _texts()[name]
