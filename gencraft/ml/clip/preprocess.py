"""CLIP image preprocessing on whole batches of tensors (no per-image PIL round trip).

The model's own preprocess config (size, mean, std, interpolation, resize mode)
decides what happens, exactly as open_clip's PIL transform would, but a batch
of renders is resized, cropped and normalised in a few torch calls on the
model's device. Random crops for ES-CLIP/CLIPDraw-style augmentation are drawn
from a seeded generator in fractions of the image, so the same seed gives the
same crops and a score never depends on the other images in the batch.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from gencraft.errors import UserError

#: crops cover this range of the image's shorter side (CLIPDraw uses ~0.7-0.9)
CROP_SCALE = (0.6, 0.9)


def load_image(path: str | Path) -> np.ndarray:
    """Read an image file as an (H, W, 3|4) uint8 array; UserError if it is not a readable image."""
    from PIL import Image, UnidentifiedImageError
    path = Path(path)
    if not path.is_file():
        raise UserError(f"image not found: {path}")
    from gencraft.sizes import MAX_PIXELS

    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > MAX_PIXELS:  # checked before the pixels are decoded
                raise UserError(f"image {path} is {w * h:,} pixels ({w}x{h}): expected at most {MAX_PIXELS:,}")
            im.load()
            if im.mode not in ("RGB", "RGBA"):
                im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
            return np.asarray(im, dtype=np.uint8).copy()
    except Image.DecompressionBombError as exc:  # Pillow's own cap, checked when the file is opened
        import re

        m = re.search(r"(\d+) pixels\) exceeds limit of (\d+)", str(exc))
        size, limit = (f"{int(m.group(1)):,}", f"{int(m.group(2)):,}") if m else ("too many", "Pillow's limit")
        raise UserError(f"image {path} is {size} pixels: expected at most {limit}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UserError(f"unreadable image {path}: {str(exc).splitlines()[0][:160]}") from None


def as_uint8_arrays(images) -> list:
    """Normalise the accepted inputs to a list of (H, W, C) uint8 arrays or one (N, H, W, C) tensor."""
    if isinstance(images, torch.Tensor):
        if images.ndim == 3:
            images = images[None]
        if images.ndim != 4 or images.shape[-1] not in (3, 4) or images.dtype != torch.uint8:
            raise ValueError(f"expected a uint8 tensor (N, H, W, 3|4), got {tuple(images.shape)} {images.dtype}")
        return [images]
    if isinstance(images, np.ndarray) and images.ndim == 4:
        images = list(images)
    out = []
    for im in images:
        if isinstance(im, (str, Path)):
            im = load_image(im)
        im = np.asarray(im)
        if im.ndim == 2:
            im = np.repeat(im[..., None], 3, axis=2)
        if im.ndim != 3 or im.shape[2] not in (3, 4):
            raise ValueError(f"expected an image (H, W, 3|4), got shape {im.shape}")
        if im.dtype != np.uint8:
            raise ValueError(f"expected uint8 image data, got {im.dtype}")
        out.append(im)
    return out


def group_by_shape(arrays: Sequence[np.ndarray]) -> dict[tuple, list[int]]:
    """Indices of same-sized images, so each group is preprocessed as one tensor."""
    groups: dict[tuple, list[int]] = {}
    for i, a in enumerate(arrays):
        groups.setdefault(a.shape, []).append(i)
    return groups


def to_float_rgb(batch: torch.Tensor) -> torch.Tensor:
    """uint8 (N, H, W, 3|4) -> float (N, 3, H, W) in [0, 1]; alpha is composited over white."""
    x = batch.permute(0, 3, 1, 2).float().div_(255.0)
    if x.shape[1] == 4:
        rgb, a = x[:, :3], x[:, 3:4]
        x = rgb * a + (1.0 - a)
    return x.contiguous(memory_format=torch.channels_last) if x.is_cuda else x


class Preprocessor:
    """Resize, crop and normalise image batches as open_clip's transform for a model would."""

    def __init__(self, cfg: dict):
        size = cfg.get("size", 224)
        self.size = tuple(size) if isinstance(size, (tuple, list)) else (int(size), int(size))
        self.mean = torch.tensor(cfg.get("mean", (0.48145466, 0.4578275, 0.40821073)), dtype=torch.float32)
        self.std = torch.tensor(cfg.get("std", (0.26862954, 0.26130258, 0.27577711)), dtype=torch.float32)
        interp = cfg.get("interpolation", "bicubic")
        self.mode = interp if interp in ("bicubic", "bilinear", "nearest") else "bicubic"
        self.resize_mode = cfg.get("resize_mode", "shortest")
        self.fill = float(cfg.get("fill_color", 0)) / 255.0  # open_clip gives it in 0..255

    def _resize(self, x: torch.Tensor, hw: tuple[int, int]) -> torch.Tensor:
        if tuple(x.shape[-2:]) == tuple(hw):
            return x
        aa = self.mode in ("bicubic", "bilinear")
        kw = {"align_corners": False, "antialias": True} if aa else {}
        return F.interpolate(x, size=hw, mode=self.mode, **kw)

    def fit(self, x: torch.Tensor) -> torch.Tensor:
        """Bring float (N, 3, H, W) to the model size with the model's resize mode."""
        th, tw = self.size
        h, w = x.shape[-2:]
        if self.resize_mode == "squash":
            return self._resize(x, (th, tw))
        if self.resize_mode == "longest":
            s = min(th / h, tw / w)
            nh, nw = max(1, round(h * s)), max(1, round(w * s))
            x = self._resize(x, (nh, nw))
            out = x.new_full((x.shape[0], 3, th, tw), self.fill)
            top, left = (th - nh) // 2, (tw - nw) // 2
            out[:, :, top:top + nh, left:left + nw] = x
            return out
        # 'shortest' (open_clip default): shorter side to size, then centre crop
        s = max(th / h, tw / w)
        nh, nw = max(th, round(h * s)), max(tw, round(w * s))
        x = self._resize(x, (nh, nw))
        top, left = (nh - th) // 2, (nw - tw) // 2
        return x[:, :, top:top + th, left:left + tw]

    def normalise(self, x: torch.Tensor) -> torch.Tensor:
        mean = self.mean.to(x.device).view(1, 3, 1, 1)
        std = self.std.to(x.device).view(1, 3, 1, 1)
        return (x.clamp_(0.0, 1.0) - mean) / std

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """float (N, 3, H, W) in [0,1] -> normalised model input (N, 3, size, size)."""
        return self.normalise(self.fit(x))

    def from_uint8(self, batch: torch.Tensor) -> torch.Tensor:
        """uint8 (N, H, W, 3|4) -> normalised model input, taking the cheapest exact-enough path.

        Opaque images on the CPU with bilinear resizing are resized while still
        uint8 (torch's vectorised antialiased uint8 kernel, channels-last) and
        converted to float only at model size; anything else (transparency,
        bicubic, GPU) goes through float. The two paths differ by at most one
        grey level before normalisation.
        """
        if batch.shape[-1] == 4:
            if batch.device.type == "cpu" and bool((batch[..., 3] == 255).all()):
                batch = batch[..., :3]
            else:
                return self(to_float_rgb(batch))
        if batch.device.type != "cpu" or self.mode != "bilinear" or self.resize_mode == "longest":
            return self(to_float_rgb(batch))
        x = self.fit(batch.permute(0, 3, 1, 2))  # uint8, channels-last view: no copy until the resize
        return self.normalise(x.float().div_(255.0))

    def crops(self, x: torch.Tensor, boxes: np.ndarray) -> torch.Tensor:
        """K square crops per image (boxes: (K, 3) of top, left, side as fractions of the
        shorter side) -> (N*K, 3, size, size), image-major (image 0's K crops first)."""
        h, w = x.shape[-2:]
        short = min(h, w)
        views = []
        for top_f, left_f, side_f in boxes:
            side = max(2, int(round(side_f * short)))
            top = int(round(top_f * (h - side)))
            left = int(round(left_f * (w - side)))
            views.append(self.fit(x[:, :, top:top + side, left:left + side]))
        out = torch.stack(views, dim=1)  # (N, K, 3, s, s)
        return self.normalise(out.flatten(0, 1))


def crop_boxes(k: int, seed: int | None) -> np.ndarray:
    """K random square crop boxes as fractions (top, left, side); seeded = deterministic."""
    rng = np.random.default_rng(seed)
    side = rng.uniform(*CROP_SCALE, size=k)
    return np.stack([rng.uniform(size=k), rng.uniform(size=k), side], axis=1)
