"""Colour: parsing (hex, rgb(), hsl(), names), OKLab interpolation, palettes.

Colours are RGB(A) tuples of floats in [0, 1] (what cairo wants). Gradients are
interpolated in OKLab (Björn Ottosson, 2020), which keeps perceived lightness
even: a blue-to-yellow ramp does not pass through grey mud as it does in sRGB.
"""
from __future__ import annotations

import colorsys
import math
import re
from typing import Sequence, Union

import numpy as np

RGBA = tuple
ColorLike = Union[str, Sequence[float]]

NAMED = {
    "black": "#000000", "white": "#ffffff", "red": "#e03a3e", "green": "#3aa655",
    "blue": "#2f6fdf", "yellow": "#f2c12e", "orange": "#f28c28", "purple": "#8e44ad",
    "pink": "#f27ca8", "cyan": "#2ec4d6", "grey": "#808080", "gray": "#808080",
    "paper": "#f4efe6", "ink": "#1d1d22", "transparent": "#00000000",
}

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_FUNC = re.compile(r"^(rgba?|hsla?)\(\s*([^)]*)\)$", re.IGNORECASE)


def _channel(text: str, scale: float) -> float:
    text = text.strip()
    value = float(text[:-1]) / 100.0 if text.endswith("%") else float(text) / scale
    if not math.isfinite(value):  # nan would pass as grey
        raise ValueError(f"colour channel {text!r} is not a finite number")
    return value


def parse_color(value: ColorLike) -> tuple[float, float, float, float]:
    """Parse '#rgb', '#rrggbb(aa)', 'rgb(r,g,b)', 'hsl(h,s%,l%)', a name, or a tuple.

    Tuples of floats in [0, 1] pass through; tuples with any value > 1 are read
    as 0-255. Raises ValueError on anything else.
    """
    if isinstance(value, str):
        text = value.strip()
        text = NAMED.get(text.lower(), text)
        m = _HEX.match(text)
        if m:
            h = m.group(1)
            if len(h) in (3, 4):
                h = "".join(c * 2 for c in h)
            vals = [int(h[i:i + 2], 16) / 255.0 for i in range(0, len(h), 2)]
            return tuple(vals + [1.0] * (4 - len(vals)))  # type: ignore[return-value]
        m = _FUNC.match(text)
        if m:
            func, args = m.group(1).lower(), [a for a in re.split(r"[,\s/]+", m.group(2)) if a]
            if len(args) not in (3, 4):
                raise ValueError(f"bad colour {value!r}")
            alpha = _channel(args[3], 1.0) if len(args) == 4 else 1.0
            if func.startswith("rgb"):
                r, g, b = (_channel(a, 255.0) for a in args[:3])
            else:
                hue = float(args[0].rstrip("deg"))
                if not math.isfinite(hue):
                    raise ValueError(f"colour hue out of range in {value!r}: expected a finite number of degrees")
                hue = hue / 360.0 % 1.0
                sat, light = _channel(args[1], 100.0), _channel(args[2], 100.0)
                r, g, b = colorsys.hls_to_rgb(hue, light, sat)
            out = (r, g, b, alpha)
            if not all(0.0 <= c <= 1.0 for c in out):
                raise ValueError(f"colour channel out of range in {value!r}")
            return out
        raise ValueError(f"bad colour {value!r}")
    vals = [float(v) for v in value]
    if len(vals) not in (3, 4):
        raise ValueError(f"bad colour {value!r}")
    if any(v > 1.0 for v in vals[:3]):
        vals = [v / 255.0 for v in vals[:3]] + vals[3:]
    if len(vals) == 3:
        vals.append(1.0)
    if not all(0.0 <= v <= 1.0 for v in vals):
        raise ValueError(f"bad colour {value!r}")
    return tuple(vals)  # type: ignore[return-value]


def to_hex(rgba: Sequence[float]) -> str:
    """'#rrggbb' (or '#rrggbbaa' when not opaque)."""
    chans = [int(round(max(0.0, min(1.0, c)) * 255)) for c in rgba]
    if len(chans) == 4 and chans[3] == 255:
        chans = chans[:3]
    return "#" + "".join(f"{c:02x}" for c in chans)


def hsl(h: float, s: float, l: float, a: float = 1.0) -> tuple[float, float, float, float]:
    """Colour from hue in degrees, saturation and lightness in [0, 1]."""
    r, g, b = colorsys.hls_to_rgb((h / 360.0) % 1.0, l, s)
    return (r, g, b, a)


# --- OKLab ---------------------------------------------------------------

def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(c: np.ndarray) -> np.ndarray:
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * np.power(c, 1 / 2.4) - 0.055)


def srgb_to_oklab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in [0,1] (..., 3) to OKLab (..., 3)."""
    lin = _srgb_to_linear(np.asarray(rgb, dtype=float))
    m1 = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                   [0.2119034982, 0.6806995451, 0.1073969566],
                   [0.0883024619, 0.2817188376, 0.6299787005]])
    lms = np.cbrt(lin @ m1.T)
    m2 = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                   [1.9779984951, -2.4285922050, 0.4505937099],
                   [0.0259040371, 0.7827717662, -0.8086757660]])
    return lms @ m2.T


def oklab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """OKLab (..., 3) to sRGB in [0,1] (..., 3), clipped to the gamut."""
    lab = np.asarray(lab, dtype=float)
    m2i = np.array([[1.0, 0.3963377774, 0.2158037573],
                    [1.0, -0.1055613458, -0.0638541728],
                    [1.0, -0.0894841775, -1.2914855480]])
    lms = (lab @ m2i.T) ** 3
    m1i = np.array([[4.0767416621, -3.3077115913, 0.2309699292],
                    [-1.2684380046, 2.6097574011, -0.3413193965],
                    [-0.0041960863, -0.7034186147, 1.7076147010]])
    return _linear_to_srgb(lms @ m1i.T)


def mix(a: ColorLike, b: ColorLike, t: float) -> tuple[float, float, float, float]:
    """Interpolate two colours in OKLab (alpha linearly)."""
    ca, cb = parse_color(a), parse_color(b)
    lab = srgb_to_oklab(np.array([ca[:3], cb[:3]]))
    rgb = oklab_to_srgb(lab[0] * (1 - t) + lab[1] * t)
    return (float(rgb[0]), float(rgb[1]), float(rgb[2]), ca[3] * (1 - t) + cb[3] * t)


def gradient(colors: Sequence[ColorLike], n: int) -> np.ndarray:
    """n colours (n, 4) evenly along a multi-stop OKLab gradient."""
    stops = np.array([parse_color(c) for c in colors])
    if len(stops) == 1:
        return np.repeat(stops, n, axis=0)
    lab = srgb_to_oklab(stops[:, :3])
    pos = np.linspace(0.0, 1.0, len(stops))
    t = np.linspace(0.0, 1.0, n)
    out_lab = np.stack([np.interp(t, pos, lab[:, k]) for k in range(3)], axis=-1)
    alpha = np.interp(t, pos, stops[:, 3])
    return np.concatenate([oklab_to_srgb(out_lab), alpha[:, None]], axis=-1)


def colormap(colors: Sequence[ColorLike], values: np.ndarray) -> np.ndarray:
    """Map values in [0, 1] (any shape) to RGBA through an OKLab gradient (256-entry LUT)."""
    lut = gradient(colors, 256)
    idx = np.clip((np.nan_to_num(np.asarray(values, dtype=float)) * 255.0).round(), 0, 255).astype(np.intp)
    return lut[idx]


class Palette(tuple):
    """A named list of colours with a background, an ink colour and optional weights.

    ``palette[i]`` cycles, ``palette.pick(rng)`` chooses one (by weight: a
    curated palette is mostly a few colours with rare accents, as in Fidenza),
    ``palette.indices(rng, n)`` draws n weighted indices at once, and
    ``palette.gradient(n)`` spreads the colours along an OKLab ramp.
    """

    def __new__(cls, name: str, colors: Sequence[str], background: str, ink: str | None = None,
                weights: Sequence[float] | None = None):
        self = super().__new__(cls, tuple(parse_color(c) for c in colors))
        self.name = name
        self.hex = list(colors)
        self.background = parse_color(background)
        self.ink = parse_color(ink) if ink else self[0]
        if weights is not None:
            w = np.asarray(weights, dtype=float)
            if w.shape != (len(colors),) or (w < 0).any() or w.sum() <= 0:
                raise ValueError(f"palette {name!r}: expected {len(colors)} weights >= 0, got {list(weights)!r}")
            self.weights = w / w.sum()
        else:
            self.weights = np.full(len(colors), 1.0 / len(colors))
        return self

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple.__getitem__(self, i)
        return tuple.__getitem__(self, int(i) % len(self))

    def pick(self, rng) -> tuple:
        """One colour, chosen by the palette's weights."""
        return self[int(self.indices(rng, 1)[0])]

    def indices(self, rng, n: int) -> np.ndarray:
        """n colour indices drawn by the palette's weights (one vectorised draw)."""
        return rng.choice(len(self), size=n, p=self.weights)

    def gradient(self, n: int) -> np.ndarray:
        return gradient(self.hex, n)

    def __repr__(self) -> str:
        return f"Palette({self.name!r}, {self.hex!r})"


PALETTES: dict[str, Palette] = {
    p.name: p
    for p in [
        # warm dusk over deep blue
        Palette("dusk", ["#2b2d42", "#8d5a97", "#e26d5c", "#f2b880", "#ffe8c2"], "#14131f", "#ffe8c2"),
        # sumi ink on rice paper
        Palette("ink", ["#1d1d22", "#3b3b45", "#6b6b78", "#a33b2f"], "#f4efe6", "#1d1d22"),
        # Atlantic: teal, foam and sand
        Palette("sea", ["#0b3954", "#087e8b", "#bfd7ea", "#ff5a5f", "#c81d25"], "#f1ede4", "#0b3954"),
        # Bauhaus primaries
        Palette("bauhaus", ["#d7263d", "#f4c430", "#1b4f9c", "#1d1d1d"], "#efe9dc", "#1d1d1d"),
        # moss, fern and bark
        Palette("forest", ["#2d4a22", "#5b8c3a", "#a3c45b", "#8a5a3b", "#e8d8a8"], "#f3efe2", "#2d4a22"),
        # neon on black
        Palette("neon", ["#ff2e88", "#ffd319", "#00e0ff", "#8a2be2", "#39ff14"], "#0a0a12", "#ffffff"),
        # pastel risograph
        Palette("riso", ["#ff48b0", "#0078bf", "#ffe800", "#00a95c", "#765ba7"], "#f7f3ea", "#1d1d22"),
        # embers
        Palette("ember", ["#3d0c11", "#9e1b1b", "#e4572e", "#f3a712", "#fff1c1"], "#120a0a", "#fff1c1"),
    ]
}


def palette(name: str) -> Palette:
    """A named palette; raises ValueError naming the choices for an unknown name."""
    try:
        return PALETTES[name]
    except KeyError:
        raise ValueError(f"unknown palette {name!r}: expected one of {', '.join(PALETTES)}") from None
