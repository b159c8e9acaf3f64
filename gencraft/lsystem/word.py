"""The derived word (symbol codes plus arguments) and the size-limit error.

Shared by the Numba rewriter (:mod:`.rewrite`) and the parametric one
(:mod:`.parametric`), so neither imports the other.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gencraft.errors import UserError


@dataclass
class Word:
    """A derived string: symbol codes, the alphabet, and optional arguments (CSR)."""

    codes: np.ndarray            # (n,) uint8
    alphabet: list[str]          # code -> symbol
    poff: np.ndarray | None = None   # (n+1,) int64, arguments of module i: pvals[poff[i]:poff[i+1]]
    pvals: np.ndarray | None = None  # float64
    counts: np.ndarray | None = None  # modules per symbol, when the rewriter already knows them

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def count(self, symbols: str) -> int:
        """How many modules have one of these symbols."""
        table = np.zeros(len(self.alphabet), dtype=np.int64)
        for s in symbols:
            if s in self.alphabet:
                table[self.alphabet.index(s)] = 1
        return int(table[self.codes].sum()) if len(self) else 0

    def modules(self) -> list[tuple[str, tuple[float, ...]]]:
        """The word as (symbol, args) pairs (for inspection and tests; slow on long words)."""
        syms = [self.alphabet[c] for c in self.codes.tolist()]
        if self.poff is None:
            return [(s, ()) for s in syms]
        vals = self.pvals.tolist()
        off = self.poff.tolist()
        return [(s, tuple(vals[off[i]:off[i + 1]])) for i, s in enumerate(syms)]

    def to_string(self, digits: int = 6) -> str:
        """ABoP-style text: ``B(2)A(4,4)``; arguments printed with up to ``digits`` significant digits."""
        if self.poff is None:
            lut = np.array([ord(a) for a in self.alphabet], dtype=np.uint32)
            return lut[self.codes].tobytes().decode("utf-32-le") if len(self) else ""
        parts = []
        for s, args in self.modules():
            parts.append(s if not args else f"{s}({','.join(f'{a:.{digits}g}' for a in args)})")
        return "".join(parts)


def too_big(step: int, size: int, limit: int, source: str) -> UserError:
    return UserError(f"{source}: derivation step {step} would produce {size:,} modules, over the limit of "
                     f"{limit:,} (use fewer steps or raise max_modules)")
