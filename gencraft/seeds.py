"""Seeds and token hashes: the one path by which randomness enters a render.

A seed may be

* an integer (``42``; a decimal string on the command line means the same),
* an Art Blocks token hash: ``0x`` followed by 64 hex digits,
* an fx(hash) token hash: ``oo`` followed by base58 characters,
* any other string (``"storm-over-the-sea"``).

The derivation, documented once here and used everywhere:

1. The seed is turned into canonical bytes, tagged by kind so that the integer
   ``42`` and the string ``"0x2a"`` never collide: ``b"int:42"``,
   ``b"hex:" + 32 raw bytes``, ``b"b58:" + decoded bytes``, ``b"str:" + utf-8``.
2. ``sha256`` of those bytes gives 256 bits of entropy.
3. ``numpy.random.SeedSequence(entropy)`` seeds a ``PCG64`` bit generator,
   wrapped in :class:`Random` (a ``numpy.random.Generator``).
4. A named sub-stream (``rng.stream("palette")``) hashes the parent's entropy
   together with the name, so sub-systems get independent numbers that do not
   shift when another sub-system draws more or fewer values.

Nothing depends on process state, so the same seed gives the same numbers in
any process, on any worker, on any machine with the same NumPy bit generator.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from gencraft.errors import UserError

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}
_HEX_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_INT = re.compile(r"^[+-]?\d+$")


def b58decode(text: str) -> bytes:
    """Decode base58 (Bitcoin alphabet, as fx(hash) uses) to bytes."""
    value = 0
    for ch in text:
        if ch not in _B58_INDEX:
            raise UserError(f"invalid base58 character {ch!r} in hash {text!r}")
        value = value * 58 + _B58_INDEX[ch]
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    leading = len(text) - len(text.lstrip("1"))
    return b"\0" * leading + raw


def b58encode(data: bytes) -> str:
    """Encode bytes as base58 (Bitcoin alphabet)."""
    value = int.from_bytes(data, "big")
    out = []
    while value:
        value, rem = divmod(value, 58)
        out.append(B58_ALPHABET[rem])
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + "".join(reversed(out))


@dataclass(frozen=True)
class Seed:
    """A parsed seed: what the user wrote, its kind, and its canonical bytes."""

    text: str
    kind: str  # "int" | "hex" | "b58" | "str"
    canonical: bytes

    @property
    def entropy(self) -> int:
        """256-bit integer entropy derived from the canonical bytes (sha256)."""
        return int.from_bytes(hashlib.sha256(self.canonical).digest(), "big")

    def rng(self) -> "Random":
        """A fresh generator for this seed (always the same numbers)."""
        return Random(self.entropy)

    def __str__(self) -> str:
        return self.text


def parse_seed(value: "int | str | Seed") -> Seed:
    """Parse an integer or a token hash into a :class:`Seed`.

    Decimal strings count as integers, so ``--seed 7`` and ``seed=7`` agree.
    """
    if isinstance(value, Seed):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise UserError(f"seed must be an integer or a hash string, got {value!r}")
    if isinstance(value, (int, np.integer)):
        return Seed(str(int(value)), "int", f"int:{int(value)}".encode())
    if not isinstance(value, str):
        raise UserError(f"seed must be an integer or a hash string, got {type(value).__name__} {value!r}")
    text = value.strip()
    if not text:
        raise UserError(f"seed {value!r} is empty: expected an integer, a token hash or a non-empty string")
    if _INT.match(text):
        return parse_seed(int(text))
    if text.lower().startswith("0x"):
        if not _HEX_HASH.match(text):
            raise UserError(
                f"malformed token hash {text!r}: expected '0x' followed by 64 hex digits"
            )
        return Seed(text.lower(), "hex", b"hex:" + bytes.fromhex(text[2:]))
    if text.startswith("oo") and len(text) > 2 and all(c in _B58_INDEX for c in text[2:]):
        return Seed(text, "b58", b"b58:" + b58decode(text[2:]))
    return Seed(text, "str", b"str:" + text.encode("utf-8"))


FX_HASH_LENGTH = 51  # fx(hash): "oo" followed by 49 base58 characters


def is_token_hash(text: str) -> bool:
    """True for an Art Blocks (0x+64 hex) or fx(hash) (oo + 49 base58) token hash."""
    return bool(_HEX_HASH.match(text)) or (
        text.startswith("oo") and len(text) == FX_HASH_LENGTH and all(c in _B58_INDEX for c in text[2:])
    )


def parse_token_hash(value: str, what: str = "--hash") -> Seed:
    """A token hash and nothing else (``--hash``): a mistyped hash must not become a string seed."""
    text = str(value).strip()
    if is_token_hash(text):
        return parse_seed(text)
    shown = text if len(text) <= 80 else text[:77] + "..."
    if text.lower().startswith("0x"):
        raise UserError(f"{what} {shown!r}: expected '0x' followed by 64 hex digits (Art Blocks)")
    if text.startswith("oo"):
        bad = next((c for c in text[2:] if c not in _B58_INDEX), None)
        if bad is not None:
            raise UserError(f"{what} {shown!r}: {bad!r} is not a base58 character (base58 has no 0, O, I or l); "
                            f"expected 'oo' followed by 49 base58 characters (fx(hash))")
        raise UserError(f"{what} {shown!r}: expected 'oo' followed by 49 base58 characters (fx(hash)), "
                        f"got {len(text) - 2}")
    raise UserError(f"{what} {shown!r}: expected a token hash, '0x' followed by 64 hex digits (Art Blocks) or "
                    "'oo' followed by 49 base58 characters (fx(hash)); use --seed for any other seed")


class Random(np.random.Generator):
    """A ``numpy.random.Generator`` (PCG64) with named independent sub-streams.

    Sketches get one of these as ``rng``. Besides NumPy's methods it offers the
    few conveniences generative artists reach for (``pick``, ``chance``,
    ``stream``).
    """

    def __init__(self, entropy: int):
        self._entropy = int(entropy)
        super().__init__(np.random.PCG64(np.random.SeedSequence(self._entropy)))

    def stream(self, name: str) -> "Random":
        """An independent generator for a named sub-system.

        ``rng.stream("palette")`` gives the same numbers however many values
        the parent (or any other stream) has drawn; ``features()`` and
        ``draw()`` can both ask for it and agree.
        """
        digest = hashlib.sha256(self._entropy.to_bytes(32, "big") + b"/" + name.encode()).digest()
        return Random(int.from_bytes(digest, "big"))

    def seed_int(self, bits: int = 31) -> int:
        """A non-negative integer seed for engines that take ints (noise kernels)."""
        return int(self.integers(0, 2**bits))

    def pick(self, items, weights=None):
        """One item of a sequence, optionally weighted (weights need not sum to 1)."""
        items = list(items)
        if not items:
            raise ValueError("pick() from an empty sequence")
        if weights is None:
            return items[int(self.integers(len(items)))]
        w = np.asarray(weights, dtype=float)
        return items[int(self.choice(len(items), p=w / w.sum()))]

    def chance(self, p: float) -> bool:
        """True with probability p."""
        return bool(self.random() < p)


def collection_hashes(collection_seed: "int | str", count: int) -> list[str]:
    """Deterministic Art Blocks-style token hashes for an edition.

    Token i's hash is ``0x`` + sha256(canonical(collection seed) + b"/token/" + i).
    The same collection seed always gives the same list, and token i does not
    depend on the count.
    """
    base = parse_seed(collection_seed).canonical
    return [
        "0x" + hashlib.sha256(base + b"/token/" + str(i).encode()).hexdigest() for i in range(count)
    ]
