"""Training the tiny CLIP: open_clip's model and contrastive loss on gencraft's own renders.

Runs on a CPU in minutes: every step renders a fresh batch of captioned scenes
(:mod:`.dataset`, so the model never sees the same image twice), pushes them
through the same tensor preprocessing used at inference
(:class:`gencraft.ml.clip.preprocess.Preprocessor`), and takes an AdamW step
on open_clip's ``ClipLoss``. Deterministic for a seed (and thread count): the
data and the initialisation both come from the seed. The result is written
atomically as an open_clip ``local-dir`` folder (config + fp16 safetensors).
"""
from __future__ import annotations

import json
import math
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from gencraft.atomic import atomic_path, write_text
from gencraft.ml.clip.load import CONFIG_NAME, WEIGHTS_NAME
from gencraft.ml.clip.preprocess import Preprocessor, to_float_rgb
from gencraft.ml.clip.tiny.config import PREPROCESS_CFG, open_clip_config, register
from gencraft.ml.clip.tiny.dataset import SHAPES, sample_batch, sample_contrast_batch

RENDER_SIZES = (64, 64, 96)
META_NAME = "training.json"


def _param_groups(model, weight_decay: float):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim < 2 or "logit_scale" in name or "embedding" in name or "bn" in name
         else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def train(out: Path, steps: int = 1200, seed: int = 0, batch_size: int = 64, lr: float = 2e-3,
          progress: bool = True, threads: int | None = None, save_every: int = 0,
          shape_steps: int = 400) -> dict:
    """Train and save the tiny CLIP to ``out``; returns the training summary (also saved as json).

    Two phases. First ``steps`` steps on random captioned scenes from scratch.
    Then the weights are saved (fp16) and reloaded, and ``shape_steps`` steps
    at a lower learning rate mix in hard negatives for shape (same colour,
    every shape: :func:`.dataset.sample_contrast_batch`), which random batches
    rarely contain. ``save_every=N`` saves every N steps of the first phase, so
    an interrupted run still leaves a usable model.
    """
    import open_clip

    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    with tempfile.TemporaryDirectory() as tmp:
        name = register(Path(tmp))
        model = open_clip.create_model(name, device="cpu")
    tokenizer = open_clip.get_tokenizer(name)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    losses = _run_phase(model, tokenizer, rng, steps, lr, lambda r, size: sample_batch(r, batch_size, size),
                        "training tiny CLIP", progress, out, save_every, seed, batch_size, t0)
    summary = _summary(steps, losses, t0, seed, batch_size, lr)
    save(model, Path(out), summary)
    if shape_steps:
        finetune_shapes(out, shape_steps, seed, batch_size, lr / 4, progress, summary, t0)
        summary = json.loads((Path(out) / META_NAME).read_text())
    return summary


def finetune_shapes(out: Path, steps: int, seed: int, batch_size: int, lr: float, progress: bool = True,
                    summary: dict | None = None, t0: float | None = None) -> None:
    """Phase two: reload the saved model from ``out`` and train on half hard-negative batches."""
    import open_clip

    from gencraft.ml.clip.load import ModelSpec, build_model
    model, tokenizer = build_model(ModelSpec("local-dir", path=Path(out)), "cpu")
    model = model.float()
    for p in model.parameters():
        p.requires_grad_(True)
    torch.manual_seed(seed + 1)
    rng = np.random.default_rng([seed, 1])
    groups = max(1, batch_size // 2 // len(SHAPES))

    def sample(r, size):
        a_img, a_cap, _ = sample_batch(r, batch_size - groups * len(SHAPES), size)
        b_img, b_cap, _ = sample_contrast_batch(r, groups, size)
        return np.concatenate([a_img, b_img]), a_cap + b_cap, None

    t0 = t0 if t0 is not None else time.perf_counter()
    losses = _run_phase(model, tokenizer, rng, steps, lr, sample, "shape hard negatives", progress,
                        out, 0, seed, batch_size, t0)
    summary = dict(summary or {})
    summary.update({"shape_steps": steps, "shape_lr": lr, "shape_final_loss": float(np.mean(losses[-50:])),
                    "train_seconds": round(time.perf_counter() - t0, 1)})
    save(model, Path(out), summary)


def _run_phase(model, tokenizer, rng, steps, lr, sample, desc, progress, out, save_every, seed, batch_size, t0):
    """AdamW on open_clip's ClipLoss with warmup + cosine decay; returns the losses."""
    from open_clip.loss import ClipLoss
    from tqdm import tqdm

    model.train()
    prep = Preprocessor(PREPROCESS_CFG)
    loss_fn = ClipLoss()
    opt = torch.optim.AdamW(_param_groups(model, 0.05), lr=lr, betas=(0.9, 0.98), eps=1e-6)
    warmup = max(1, min(100, steps // 10))

    def lr_at(step: int) -> float:
        if step < warmup:
            return lr * (step + 1) / warmup
        return lr * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    losses = []
    bar = tqdm(range(steps), desc=desc, unit="step", disable=not progress, dynamic_ncols=True)
    for step in bar:
        size = int(RENDER_SIZES[rng.integers(len(RENDER_SIZES))])
        images, captions, _ = sample(rng, size)
        pixels = prep(to_float_rgb(torch.from_numpy(images)))
        tokens = tokenizer(captions)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        img_f, txt_f, scale = model(pixels, tokens)
        loss = loss_fn(img_f, txt_f, scale)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        losses.append(loss.item())
        if step % 10 == 0 or step == steps - 1:
            bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
        if save_every and (step + 1) % save_every == 0 and step + 1 < steps:
            save(model, Path(out), _summary(step + 1, losses, t0, seed, batch_size, lr))
            model.train()
    model.eval()
    return losses


def _summary(steps, losses, t0, seed, batch_size, lr) -> dict:
    return {"steps": steps, "seed": seed, "batch_size": batch_size, "lr": lr,
               "final_loss": float(np.mean(losses[-50:])), "train_seconds": round(time.perf_counter() - t0, 1),
               "torch_threads": torch.get_num_threads()}


def save(model, out: Path, summary: dict) -> None:
    """Write config + fp16 safetensors (+ training summary) atomically into ``out``."""
    from safetensors.torch import save_file
    out.mkdir(parents=True, exist_ok=True)
    state = {k: (v.detach().to(torch.float16) if v.is_floating_point() else v.detach()).contiguous()
             for k, v in model.state_dict().items()}
    with atomic_path(out / WEIGHTS_NAME) as tmp:
        save_file(state, str(tmp), metadata={"format": "pt", "producer": "gencraft train-tiny-clip"})
    write_text(out / CONFIG_NAME, json.dumps(open_clip_config(), indent=2) + "\n")
    write_text(out / META_NAME, json.dumps(summary, indent=2, sort_keys=True) + "\n")
    from gencraft.ml.clip.tiny.dataset import caption_vocabulary
    from gencraft.ml.clip.vocab import VOCABULARY_NAME
    write_text(out / VOCABULARY_NAME, "\n".join(caption_vocabulary()) + "\n")  # the words it was taught
