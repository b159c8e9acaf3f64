"""CLIP models for gencraft: load by spec, embed images and text in batches, score.

The contract other modules (search, live, compare) code against::

    model = load_clip("tiny", device="cpu")            # cached per (spec, device)
    model.embed_images(images)  -> torch.Tensor (N, D), L2-normalised, float32 on CPU
    model.embed_text(prompts)   -> torch.Tensor (N, D), L2-normalised, cached per prompt
    model.score(images, prompt, negatives=(), metric="cosine", crops=0, seed=0,
                templates=None) -> np.ndarray (N,) float64
    model.spec, model.name

``images`` is a list of (H, W, 3|4) uint8 arrays (or image file paths), or a
uint8 tensor (N, H, W, C). RGBA is composited over white.

Scores
------
- ``cosine``: cos(image, text) in [-1, 1].
- ``clipscore``: CLIPScore (Hessel et al. 2021), 2.5 * max(cos, 0).
- ``templates``: a prompt ensemble — each template ("a painting of {}") is
  filled with the prompt, the normalised embeddings are averaged and
  re-normalised (Radford et al.'s zero-shot ensembling).
- ``negatives``: contrastive score, metric(prompt) - mean(metric(negative_i)),
  so "red, not blue" rewards red and penalises blue.
- ``crops=K``: the metric is averaged over K random square crops of each image
  (ES-CLIP, CLIPDraw), so a search cannot win with one adversarial pixel
  pattern; ``seed`` makes the crops deterministic (``seed=None``: fresh ones).
"""
from __future__ import annotations

import threading
from typing import Iterable, Sequence

import numpy as np
import torch

from gencraft.errors import UserError
from gencraft.ml.clip.load import build_model, check_device, parse_spec
from gencraft.ml.clip.preprocess import Preprocessor, as_uint8_arrays, crop_boxes, group_by_shape, to_float_rgb

METRICS = ("cosine", "clipscore")
#: each crop is a full forward pass per image: more than this is a mistake (and gigabytes of activations)
MAX_CROPS = 64

#: a small general prompt ensemble (a subset of CLIP's ImageNet templates)
DEFAULT_TEMPLATES = ("{}", "a picture of {}", "an image of {}", "a drawing of {}", "a render of {}")

_CACHE: dict[tuple[str, str], "ClipModel"] = {}
_COPY_THREADS = 8
_COPY_POOL = None


def _copy_pool():
    """Threads that copy images into pinned memory for GPU uploads (created on first GPU use)."""
    global _COPY_POOL
    if _COPY_POOL is None:
        from concurrent.futures import ThreadPoolExecutor
        _COPY_POOL = ThreadPoolExecutor(_COPY_THREADS, thread_name_prefix="clip-upload")
    return _COPY_POOL
_CACHE_LOCK = threading.Lock()


def load_clip(spec: str = "tiny", device: str = "cpu") -> "ClipModel":
    """Load (once per spec and device) a CLIP model; see :mod:`gencraft.ml.clip.load` for specs."""
    spec = (spec or "tiny").strip()
    device = check_device(device)
    key = (spec, device)
    with _CACHE_LOCK:
        if key not in _CACHE:
            parsed = parse_spec(spec)
            model, tokenizer = build_model(parsed, device)
            _CACHE[key] = ClipModel(model, tokenizer, spec=spec, device=device)
        return _CACHE[key]


def _display_name(spec: str) -> str:
    """'tiny' -> 'tiny-clip'; 'local-dir:/a/b/my-clip' -> 'my-clip'; others as given."""
    if spec == "tiny":
        return "tiny-clip"
    if spec.startswith("local-dir:"):
        return spec.split(":", 1)[1].rstrip("/").split("/")[-1] or spec
    return spec


def _check_prompt(prompt: str, what: str = "prompt") -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        raise UserError(f"empty {what}: give some words to score images against")
    return prompt.strip()


class ClipModel:
    """An open_clip model with its tokenizer and a tensor preprocessor.

    Build one with :func:`load_clip`; ``ClipModel(model, tokenizer, spec=...)``
    wraps an open_clip model made elsewhere (benchmarks, training).
    """

    def __init__(self, model, tokenizer, spec: str, device: str = "cpu", batch_size: int | None = None,
                 amp: bool | None = None):
        import open_clip
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.spec = spec
        self.device = torch.device(device)
        self.name = _display_name(spec)
        self.preprocess = Preprocessor(open_clip.get_model_preprocess_cfg(model))
        self.batch_size = batch_size or (256 if self.device.type == "cuda" else 64)
        # bf16 autocast on GPU: the forward pass is the cost there, and CLIP tolerates it
        self.amp = (self.device.type == "cuda") if amp is None else amp
        self._text_cache: dict[str, torch.Tensor] = {}
        self._upload_stream = None
        self._pinned: dict[tuple, list] = {}
        self._lock = threading.Lock()          # text cache
        self._image_lock = threading.Lock()    # pinned buffers and the upload stream

    @property
    def image_size(self) -> tuple[int, int]:
        return self.preprocess.size

    def __repr__(self) -> str:
        return f"ClipModel({self.spec!r}, device={str(self.device)!r})"

    # ------------------------------------------------------------ encoders
    def _autocast(self):
        if self.amp and self.device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return torch.autocast("cpu", enabled=False)

    def _encode_pixels(self, pixels: torch.Tensor) -> torch.Tensor:
        """Normalised model input (B, 3, s, s) -> (B, D) unit vectors, float32, on the model's device.

        Nothing here waits for the GPU: the caller moves results to the CPU once,
        after the last batch, so the host stacks batch k+1 while the GPU encodes batch k.
        """
        with torch.inference_mode(), self._autocast():
            feats = self.model.encode_image(pixels)
        return torch.nn.functional.normalize(feats.float(), dim=-1)

    def _batches(self, images):
        """Yield (indices, uint8 tensor (B, H, W, C) on device) in same-size chunks."""
        arrays = as_uint8_arrays(images)
        if len(arrays) == 1 and isinstance(arrays[0], torch.Tensor):
            t = arrays[0]
            for s in range(0, t.shape[0], self.batch_size):
                yield list(range(s, min(s + self.batch_size, t.shape[0]))), \
                    t[s:s + self.batch_size].to(self.device, non_blocking=True)
            return
        for idx in group_by_shape(arrays).values():
            for s in range(0, len(idx), self.batch_size):
                chunk = idx[s:s + self.batch_size]
                yield chunk, self._upload([arrays[i] for i in chunk])

    def _upload(self, arrays: list[np.ndarray]) -> torch.Tensor:
        """Stack same-shaped uint8 images into one (B, H, W, C) tensor on the model's device.

        On a GPU the images are copied straight into pinned memory by a few
        threads (numpy releases the GIL while copying) and uploaded
        asynchronously: the host copy, not the model, is the bottleneck there.
        """
        if self.device.type != "cuda":
            return torch.from_numpy(np.stack(arrays))
        buf, done = self._pinned_buffer((len(arrays), *arrays[0].shape))
        done.synchronize()  # its previous upload has finished: safe to overwrite
        dst = buf.numpy()
        step = max(1, -(-len(arrays) // _COPY_THREADS))

        def copy(start: int) -> None:
            for i in range(start, min(start + step, len(arrays))):
                dst[i] = arrays[i]

        list(_copy_pool().map(copy, range(0, len(arrays), step)))
        # upload on a side stream so it overlaps the previous batch's forward pass
        if self._upload_stream is None:
            self._upload_stream = torch.cuda.Stream(self.device)
        with torch.cuda.stream(self._upload_stream):
            gpu = buf.to(self.device, non_blocking=True)
            done.record(self._upload_stream)
        compute = torch.cuda.current_stream(self.device)
        compute.wait_stream(self._upload_stream)
        gpu.record_stream(compute)
        return gpu

    def _pinned_buffer(self, shape: tuple) -> tuple[torch.Tensor, "torch.cuda.Event"]:
        """One of two reusable pinned host buffers per batch shape (allocating pinned
        memory costs milliseconds; two let one fill while the other uploads)."""
        if shape not in self._pinned and len(self._pinned) >= 8:  # many batch shapes: start over
            torch.cuda.synchronize(self.device)
            self._pinned.clear()
        ring = self._pinned.setdefault(shape, [])
        if len(ring) < 2:
            ring.append((torch.empty(shape, dtype=torch.uint8, pin_memory=True), torch.cuda.Event()))
            return ring[-1]
        ring.append(ring.pop(0))
        return ring[-1]

    def embed_images(self, images, crops: int = 0, seed: int | None = 0) -> torch.Tensor:
        """L2-normalised image embeddings (N, D); with crops=K, (N, K, D) over K random crops."""
        with self._image_lock:
            return self._embed_images(images, crops, seed)

    def _embed_images(self, images, crops: int, seed: int | None) -> torch.Tensor:
        order: list[int] = []
        parts: list[torch.Tensor] = []
        boxes = crop_boxes(crops, seed) if crops else None
        for idx, batch in self._batches(images):
            if boxes is None:
                feats = self._encode_pixels(self.preprocess.from_uint8(batch))
            else:
                x = to_float_rgb(batch)
                feats = self._encode_pixels(self.preprocess.crops(x, boxes)).view(len(idx), crops, -1)
            order.extend(idx)
            parts.append(feats)
        if not parts:
            dim = self.embed_dim
            return torch.zeros((0, crops, dim) if crops else (0, dim))
        feats = torch.cat(parts).cpu()  # the one wait for the device
        inverse = torch.empty(len(order), dtype=torch.long)
        inverse[torch.tensor(order)] = torch.arange(len(order))
        return feats[inverse]

    @property
    def embed_dim(self) -> int:
        return int(self.embed_text(["a"]).shape[1])

    def embed_text(self, prompts: Sequence[str]) -> torch.Tensor:
        """L2-normalised text embeddings (N, D), float32 on CPU; each prompt is encoded once."""
        if isinstance(prompts, str):
            prompts = [prompts]
        prompts = [_check_prompt(p) for p in prompts]
        with self._lock:
            todo = list(dict.fromkeys(p for p in prompts if p not in self._text_cache))
            if todo:
                tokens = self.tokenizer(todo).to(self.device)
                with torch.inference_mode(), self._autocast():
                    feats = self.model.encode_text(tokens)
                feats = torch.nn.functional.normalize(feats.float(), dim=-1).cpu()
                for p, f in zip(todo, feats):
                    self._text_cache[p] = f
            return torch.stack([self._text_cache[p] for p in prompts])

    def text_direction(self, prompt: str, templates: Iterable[str] | None = None) -> torch.Tensor:
        """One unit vector for a prompt, averaged over templates (a prompt ensemble) when given."""
        prompt = _check_prompt(prompt)
        if not templates:
            return self.embed_text([prompt])[0]
        filled = [t.format(prompt) if "{}" in t else f"{t} {prompt}" for t in templates]
        mean = self.embed_text(filled).mean(dim=0)
        return torch.nn.functional.normalize(mean, dim=0)

    # -------------------------------------------------------------- scores
    def similarity(self, images, prompts: Sequence[str], crops: int = 0, seed: int | None = 0,
                   templates: Iterable[str] | None = None) -> np.ndarray:
        """Cosine similarities (N, P) — averaged over K crops when crops=K."""
        if templates is not None:
            templates = list(templates)
        texts = torch.stack([self.text_direction(p, templates) for p in prompts])  # (P, D)
        emb = self.embed_images(images, crops=crops, seed=seed)
        return (emb @ texts.T).double().numpy()  # (N, P) or (N, K, P)

    def score(self, images, prompt: str, negatives: Sequence[str] = (), metric: str = "cosine",
              crops: int = 0, seed: int | None = 0, templates: Iterable[str] | None = None) -> np.ndarray:
        """One score per image (N,) float64; see the module docstring for the maths."""
        if metric not in METRICS:
            raise UserError(f"unknown metric {metric!r}: expected one of {', '.join(METRICS)}")
        if not 0 <= crops <= MAX_CROPS:
            raise UserError(f"crops {crops}: expected 0 to {MAX_CROPS} random crops per image")
        if isinstance(negatives, str):
            negatives = [negatives]
        prompts = [_check_prompt(prompt)] + [_check_prompt(n, "negative prompt") for n in negatives]
        cos = self.similarity(images, prompts, crops=crops, seed=seed, templates=templates)
        values = apply_metric(cos, metric)
        if crops:
            values = values.mean(axis=1)  # (N, P): the metric averaged over the crop views
        return contrast(values)


def apply_metric(cos: np.ndarray, metric: str) -> np.ndarray:
    """cosine -> itself; clipscore -> 2.5 * max(cos, 0) (Hessel et al. 2021)."""
    if metric == "clipscore":
        return 2.5 * np.maximum(cos, 0.0)
    return cos


def contrast(values: np.ndarray) -> np.ndarray:
    """(N, 1 + negatives) -> (N,): the prompt's value minus the mean of the negatives'."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape[1] == 1:
        return values[:, 0].copy()
    return values[:, 0] - values[:, 1:].mean(axis=1)
