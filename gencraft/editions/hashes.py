"""Where an edition's token hashes come from: a collection seed or a file.

Token i's hash depends only on the collection seed and i (see
:func:`gencraft.seeds.collection_hashes`), so growing an edition from 100 to
200 tokens keeps the first 100. A hashes file lists one token hash per line,
in any form gencraft accepts as a token hash (Art Blocks ``0x`` + 64 hex,
fx(hash) ``oo`` + base58); blank lines and ``#`` comments are skipped.
"""
from __future__ import annotations

import os
from pathlib import Path

from gencraft.errors import UserError
from gencraft.seeds import collection_hashes, is_token_hash, parse_seed


def random_collection_seed() -> str:
    """A fresh Art Blocks-style collection seed (used when none is given)."""
    return "0x" + os.urandom(32).hex()


def canonical_hash(text: str) -> str:
    """The canonical spelling of a token hash (hex lower-cased)."""
    return parse_seed(text).text


def hashes_from_seed(collection_seed: str | int, count: int) -> list[str]:
    check_count(count)
    return collection_hashes(collection_seed, count)


#: more tokens than any edition mints; simulating a million hashes takes minutes and ~1 GB
MAX_TOKENS = 1_000_000


def check_count(count: int, what: str = "--count") -> None:
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_TOKENS:
        raise UserError(f"{what} {count!r}: expected a whole number of tokens from 1 to {MAX_TOKENS:,}")


def read_hashes_file(path: str | Path) -> list[str]:
    """Token hashes from a text file, one per line; errors name the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"hashes file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise UserError(f"hashes file {str(path)!r} is a folder, expected a text file") from None
    except UnicodeDecodeError:
        raise UserError(f"hashes file {str(path)!r} is not UTF-8 text") from None
    hashes: list[str] = []
    first_line: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not is_token_hash(line):
            shown = line if len(line) <= 80 else line[:77] + "..."
            raise UserError(
                f"{path}:{lineno}: malformed token hash {shown!r}: expected '0x' followed by 64 hex "
                "digits (Art Blocks) or 'oo' followed by base58 characters (fx(hash))"
            )
        h = canonical_hash(line)
        if h in first_line:
            raise UserError(f"{path}:{lineno}: duplicate token hash {h!r} (first on line {first_line[h]})")
        first_line[h] = lineno
        hashes.append(h)
    if not hashes:
        raise UserError(f"hashes file {str(path)!r} holds no token hashes")
    return hashes


def edition_hashes(count: int | None, collection_seed=None, hashes_file=None) -> list[str]:
    """The hash list for an edition; `count` may trim a hashes file."""
    if collection_seed is not None and hashes_file is not None:
        raise UserError("give --collection-seed or --hashes, not both")
    if hashes_file is not None:
        hashes = read_hashes_file(hashes_file)
        if count is None:
            return hashes
        check_count(count)
        if count > len(hashes):
            raise UserError(f"--count {count}: the hashes file {str(hashes_file)!r} holds only {len(hashes)} hashes")
        return hashes[:count]
    if count is None:
        raise UserError("--count is required (how many tokens), unless --hashes gives the list")
    return hashes_from_seed(collection_seed, count)
