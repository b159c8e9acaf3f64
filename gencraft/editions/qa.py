"""Edition QA: near-duplicate tokens and outliers, from the thumbnails.

Near duplicates are found with two perceptual hashes, both 64-bit and both
computed here with NumPy + Pillow:

* dHash: the grey image at 9x8; each bit says whether a pixel is brighter than
  its right neighbour (structure of gradients).
* pHash: the grey image at 32x32, 2-D DCT-II; the 8x8 lowest frequencies
  (without the DC term) compared to their median (overall layout and tone).

Two tokens are flagged when *both* Hamming distances are <= the threshold
(default 6 of 64 bits), which keeps false alarms low for a sketch whose
tokens share a composition. Identical renders have distance 0.

Flagged as broken: "nearly blank" renders (>= 99.5 % of pixels within 12
levels of the median colour), and, for editions of 8 or more, tokens with far
less ink than their siblings (coverage under a quarter of the edition's median
and more than 5 robust standard deviations below it). Brightness and contrast
are reported per token but never flagged: an edition whose palette comes from
the hash has light and dark tokens on purpose.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

DUPLICATE_BITS = 6
BLANK_TOLERANCE = 12
BLANK_SHARE = 0.995
OUTLIER_Z = 5.0
SPARSE_SHARE = 0.25


def _grey(img, w: int, h: int) -> np.ndarray:
    from PIL import Image

    return np.asarray(img.convert("L").resize((w, h), Image.Resampling.BOX), dtype=np.float64)


def _bits_to_int(bits: np.ndarray) -> int:
    return int("".join("1" if b else "0" for b in bits.ravel()), 2)


def dhash(img) -> int:
    g = _grey(img, 9, 8)
    return _bits_to_int(g[:, 1:] > g[:, :-1])


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    m[0] /= np.sqrt(2.0)
    return m


_DCT32 = _dct_matrix(32)


def phash(img) -> int:
    g = _grey(img, 32, 32)
    freq = _DCT32 @ g @ _DCT32.T
    low = freq[:8, :8].ravel()[1:]
    return _bits_to_int(np.concatenate([[False], low > np.median(low)]))


def image_stats(img) -> dict:
    """Brightness, contrast, ink coverage and blankness of an image."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.int16)
    grey = rgb @ np.array([299, 587, 114]) / 1000.0
    # the dominant colour: the median of every 4th pixel each way is as good and 16x cheaper
    median = np.median(rgb[::4, ::4].reshape(-1, 3), axis=0)
    near = np.all(np.abs(rgb - median) <= BLANK_TOLERANCE, axis=-1).mean()
    return {"brightness": float(grey.mean()), "contrast": float(grey.std()), "coverage": float(1.0 - near),
            "blank": bool(near >= BLANK_SHARE)}


def close_pairs(d: np.ndarray, p: np.ndarray, threshold: int, block: int = 512) -> list[dict]:
    """Pairs (a < b) whose dHash and pHash are both within `threshold` bits (row blocks: bounded memory)."""
    out = []
    n = len(d)
    for start in range(0, n, block):
        rows = slice(start, min(n, start + block))
        dd = np.bitwise_count(d[rows, None] ^ d[None, :])
        pp = np.bitwise_count(p[rows, None] ^ p[None, :])
        ia, ib = np.nonzero((dd <= threshold) & (pp <= threshold))
        for a, b in zip(ia, ib):
            if start + a < b:
                out.append({"tokens": [int(start + a), int(b)], "dhash_distance": int(dd[a, b]),
                            "phash_distance": int(pp[a, b])})
    return out


def analyse(thumbs: list[Path], threshold: int = DUPLICATE_BITS) -> dict:
    """The QA report for thumbnails in token order."""
    from PIL import Image

    n = len(thumbs)
    d = np.zeros(n, dtype=np.uint64)
    p = np.zeros(n, dtype=np.uint64)
    stats = []
    for i, path in enumerate(thumbs):
        with Image.open(path) as img:
            img.load()
            d[i], p[i] = dhash(img), phash(img)
            stats.append(image_stats(img))
    dup = close_pairs(d, p, threshold)
    outliers: dict[int, list[str]] = {}
    for i, s in enumerate(stats):
        if s["blank"]:
            outliers.setdefault(i, []).append("nearly blank")
    if n >= 8:  # judged within the edition's own spread: a token with far less ink than its siblings
        cov = np.array([st["coverage"] for st in stats])
        med = float(np.median(cov))
        mad = float(np.median(np.abs(cov - med))) * 1.4826
        for i in np.nonzero((cov < med - OUTLIER_Z * mad) & (cov < SPARSE_SHARE * med))[0]:
            if not stats[i]["blank"]:
                outliers.setdefault(int(i), []).append(
                    f"far less ink than its siblings ({100 * cov[i]:.1f}% of pixels vs median {100 * med:.1f}%)")
    return {
        "method": {"near_duplicate": f"dHash and pHash (64-bit) both within {threshold} bits",
                   "blank": f">= {BLANK_SHARE:.1%} of pixels within {BLANK_TOLERANCE} levels of the median colour",
                   "sparse": f"ink coverage under {SPARSE_SHARE:.0%} of the edition's median and more than "
                             f"{OUTLIER_Z:g} robust SDs below it"},
        "count": n,
        "near_duplicates": dup,
        "outliers": [{"token_id": i, "reasons": r} for i, r in sorted(outliers.items())],
        "tokens": [{"token_id": i, "dhash": f"{int(d[i]):016x}", "phash": f"{int(p[i]):016x}",
                    **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.items()}}
                   for i, s in enumerate(stats)],
    }


def summary(report: dict) -> str:
    dups, outs = report["near_duplicates"], report["outliers"]
    parts = [f"{len(dups)} near-duplicate pair{'s' if len(dups) != 1 else ''}",
             f"{len(outs)} outlier{'s' if len(outs) != 1 else ''}"]
    lines = ["QA: " + ", ".join(parts)]
    for dpair in dups[:10]:
        a, b = dpair["tokens"]
        lines.append(f"  #{a} ~ #{b}  (dHash {dpair['dhash_distance']}, pHash {dpair['phash_distance']} bits)")
    for o in outs[:10]:
        lines.append(f"  #{o['token_id']}: {'; '.join(o['reasons'])}")
    return "\n".join(lines)
