"""Training the tiny diffusion model: DDPM's noise-prediction loss on renders of gencraft's sketches.

Data: :mod:`.dataset` renders ``per_sketch`` token hashes of every art sketch
once and caches them. Each step draws a batch from the cache with random
``crop`` x ``crop`` crops and mirror flips (the UNet is convolutional, so it
trains on crops at a quarter of the cost and refines whole renders at the
native size), a random timestep per image, and drops the sketch kind to the
"any sketch" class with probability ``null_prob``. The loss is the MSE between
the true and predicted noise; AdamW with warmup and cosine decay; the shipped
weights are an exponential moving average of the trained ones.

Deterministic for a seed and thread count: the initialisation comes from the
seed and every step's randomness from a generator seeded with (seed, step), so
a run resumed from its checkpoint ends with the same weights as one that never
stopped. The checkpoint (``torch.load(weights_only=True)``) is written every
``save_every`` steps and on Ctrl-C; the model folder is written at the end,
atomically (a finished folder or none).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from gencraft.errors import UserError

META_NAME = "training.json"
NOTE_NAME = "README.gencraft.txt"
CARD_NAME = "README.md"
LOSS_NAME = "loss.png"


@dataclass
class TrainConfig:
    """Everything that decides the trained weights (plus threads, which decides the float rounding)."""

    steps: int = 1500
    batch_size: int = 32
    lr: float = 5e-4
    warmup: int = 100
    size: int = 64                 # render size = the model's native size
    crop: int = 32                 # training crop (0 or size: whole renders)
    per_sketch: int = 120          # training renders per sketch
    channels: tuple = (32, 64, 64)
    layers_per_block: int = 1
    null_prob: float = 0.15        # share of steps trained as "any sketch"
    ema: float = 0.995
    seed: int = 0
    sketches: list = field(default_factory=list)  # names; empty = every art sketch

    def __post_init__(self):
        self.channels = tuple(int(c) for c in self.channels)
        self.sketches = list(self.sketches or [])
        levels = 2 ** (len(self.channels) - 1)
        if self.crop in (0, None):
            self.crop = self.size
        for name, value in (("size", self.size), ("crop", self.crop)):
            if value % levels:
                raise UserError(f"{name} {value}: expected a multiple of {levels} for {len(self.channels)} UNet levels")
        if self.crop > self.size:
            raise UserError(f"crop {self.crop}: expected at most the render size {self.size}")
        if not self.channels or any(c % 8 for c in self.channels):
            raise UserError(f"channels {self.channels}: expected multiples of 8 (GroupNorm with 8 groups)")
        if not 0.0 <= self.null_prob < 1.0:
            raise UserError(f"null_prob {self.null_prob}: expected 0 <= p < 1")

    def key(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


def _lr_at(cfg: TrainConfig, step: int) -> float:
    warm = max(1, min(cfg.warmup, cfg.steps // 5 or 1))
    if step < warm:
        return cfg.lr * (step + 1) / warm
    frac = (step - warm) / max(1, cfg.steps - warm)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))


def _batch(cfg: TrainConfig, data: torch.Tensor, labels: torch.Tensor, null: int, step: int, train_steps: int):
    """(noisy-image inputs, timesteps, class labels, target noise), all from the (seed, step) generator."""
    g = torch.Generator().manual_seed(cfg.seed * 1_000_003 + step)
    n = data.shape[0]
    idx = torch.randint(n, (cfg.batch_size,), generator=g)
    off = torch.randint(cfg.size - cfg.crop + 1, (cfg.batch_size, 2), generator=g)
    flip = torch.rand(cfg.batch_size, generator=g) < 0.5
    drop = torch.rand(cfg.batch_size, generator=g) < cfg.null_prob
    t = torch.randint(train_steps, (cfg.batch_size,), generator=g)
    noise = torch.randn((cfg.batch_size, 3, cfg.crop, cfg.crop), generator=g)
    crops = torch.stack([data[i, :, y:y + cfg.crop, x:x + cfg.crop] for i, (y, x) in zip(idx.tolist(), off.tolist())])
    crops = torch.where(flip[:, None, None, None], crops.flip(-1), crops)
    x0 = crops.float() / 127.5 - 1.0
    cls = torch.where(drop, torch.full_like(labels[idx], null), labels[idx])
    return x0, t, cls, noise


def default_checkpoint(cfg: TrainConfig, cache_dir: Path) -> Path:
    return Path(cache_dir) / f"checkpoint-{cfg.key()}.pt"


def train(out: str | Path, cfg: TrainConfig | None = None, *, cache_dir: str | Path | None = None,
          checkpoint: str | Path | None = None, threads: int = 1, workers: int = 1, save_every: int = 100,
          restart: bool = False, progress: bool = True, log=print) -> dict:
    """Render (or load cached) data, train, and save the pipeline folder to ``out``; returns the summary."""
    from tqdm import tqdm

    from gencraft.ml.refine.tiny.dataset import art_sketches, default_cache_dir, render_set
    from gencraft.ml.refine.tiny.pipeline import build_scheduler, build_unet

    cfg = cfg or TrainConfig()
    torch.set_num_threads(int(threads))
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = Path(checkpoint) if checkpoint else default_checkpoint(cfg, cache_dir)
    paths = art_sketches(names=cfg.sketches or None)
    if not paths:
        raise UserError("no art sketches to train on")
    t_data = time.perf_counter()
    data = render_set(paths, cfg.per_sketch, cfg.size, cache_dir=cache_dir, workers=workers, progress=progress)
    render_seconds = time.perf_counter() - t_data
    kinds = data.kinds
    images = torch.from_numpy(data.images).permute(0, 3, 1, 2).contiguous()  # uint8 (N, 3, S, S)
    labels = torch.from_numpy(data.labels)
    null = len(kinds)

    torch.manual_seed(cfg.seed)
    unet = build_unet(len(kinds), cfg.size, cfg.channels, cfg.layers_per_block)
    scheduler = build_scheduler()
    ema = {k: v.detach().clone() for k, v in unet.state_dict().items()}
    opt = torch.optim.AdamW(unet.parameters(), lr=cfg.lr, betas=(0.9, 0.99), weight_decay=0.0)
    losses: list[float] = []
    start, elapsed = 0, 0.0
    config_json = json.dumps(asdict(cfg), sort_keys=True)
    if checkpoint.is_file() and not restart:
        state = torch.load(checkpoint, map_location="cpu", weights_only=True)
        if state.get("config") != config_json:
            raise UserError(f"checkpoint {str(checkpoint)!r} was written by a different configuration "
                            f"(use --restart to start over, or --checkpoint PATH)")
        unet.load_state_dict(state["model"])
        ema = state["ema"]
        opt.load_state_dict(state["opt"])
        losses = [float(v) for v in state["losses"].tolist()]
        start, elapsed = int(state["step"]), float(state["elapsed"])
        log(f"resuming from {checkpoint} at step {start}/{cfg.steps}")

    def save_checkpoint(step: int) -> None:
        from gencraft.atomic import atomic_path

        with atomic_path(checkpoint) as tmp:
            torch.save({"step": step, "model": unet.state_dict(), "ema": ema, "opt": opt.state_dict(),
                        "losses": torch.tensor(losses, dtype=torch.float64), "config": config_json,
                        "elapsed": elapsed + time.perf_counter() - t0}, str(tmp))

    alphas = scheduler.alphas_cumprod
    unet.train()
    t0 = time.perf_counter()
    bar = tqdm(range(start, cfg.steps), desc="training tiny diffusion", unit="step", disable=not progress,
               dynamic_ncols=True, initial=start, total=cfg.steps)
    step = start
    try:
        for step in bar:
            x0, t, cls, noise = _batch(cfg, images, labels, null, step, len(alphas))
            a = alphas[t].float().sqrt()[:, None, None, None]
            s = (1 - alphas[t].float()).sqrt()[:, None, None, None]
            pred = unet(a * x0 + s * noise, t, class_labels=cls).sample
            loss = torch.nn.functional.mse_loss(pred, noise)
            for g in opt.param_groups:
                g["lr"] = _lr_at(cfg, step)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(unet.parameters(), 1.0)
            opt.step()
            decay = min(cfg.ema, (1 + step) / (10 + step))
            with torch.no_grad():
                for k, v in unet.state_dict().items():
                    if v.is_floating_point():
                        ema[k].mul_(decay).add_(v, alpha=1 - decay)
                    else:
                        ema[k].copy_(v)
            losses.append(float(loss.item()))
            if step % 10 == 0 or step == cfg.steps - 1:
                bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}")
            if save_every and (step + 1) % save_every == 0 and step + 1 < cfg.steps:
                save_checkpoint(step + 1)
        step = cfg.steps
    except KeyboardInterrupt:
        bar.close()
        save_checkpoint(len(losses))
        log(f"interrupted at step {len(losses)}: checkpoint saved to {checkpoint}; run the same command to resume")
        raise
    bar.close()
    save_checkpoint(cfg.steps)
    train_seconds = elapsed + time.perf_counter() - t0
    unet.load_state_dict(ema)
    unet.eval()
    summary = {
        "config": json.loads(config_json),
        "kinds": kinds,
        "data": {"renders": len(data), "per_sketch": cfg.per_sketch, "size": cfg.size,
                 "per_kind": {k: int((data.labels == i).sum()) for i, k in enumerate(kinds)},
                 "collection_seed": "gencraft-tiny-diffusion/train", "render_seconds": round(render_seconds, 1),
                 "augment": f"random {cfg.crop}x{cfg.crop} crops, mirror flips"},
        "parameters": int(sum(p.numel() for p in unet.parameters())),
        "steps": cfg.steps, "train_seconds": round(train_seconds, 1), "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__, "final_loss": float(np.mean(losses[-100:])) if losses else None,
        "loss_curve": loss_curve(losses),
    }
    save_pipeline(out, unet, scheduler, kinds, summary)
    return summary


def loss_curve(losses: list[float], points: int = 60) -> list[list[float]]:
    """[[step, mean loss of the window ending there], ...] -- the record, small enough for JSON."""
    if not losses:
        return []
    window = max(1, len(losses) // points)
    return [[i + window, round(float(np.mean(losses[i:i + window])), 5)] for i in range(0, len(losses), window)]


def save_pipeline(out: str | Path, unet, scheduler, kinds: list[str], summary: dict) -> Path:
    """Write the diffusers folder (+ training record, note, model card, loss plot) to ``out`` atomically."""
    from gencraft.ml.refine.tiny.pipeline import TinyPixelDiffusionPipeline

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    shutil.rmtree(tmp, ignore_errors=True)
    pipe = TinyPixelDiffusionPipeline(unet=unet, scheduler=scheduler, kinds=",".join(kinds))
    pipe.save_pretrained(str(tmp), safe_serialization=True)
    write_record(tmp, summary)
    for f in tmp.rglob("*"):  # safetensors are written 0600 by some versions; this folder ships as package data
        f.chmod(0o755 if f.is_dir() else 0o644)
    old = out.with_name(f".{out.name}.{os.getpid()}.old")
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return out


def write_record(folder: str | Path, summary: dict) -> None:
    """training.json, the one-line note refine prints, the model card and the loss plot."""
    from gencraft.atomic import write_bytes, write_text

    folder = Path(folder)
    write_text(folder / META_NAME, json.dumps(summary, indent=2, sort_keys=True) + "\n")
    cfg = summary["config"]
    n = summary["parameters"]
    count = f"{n / 1e6:.1f} M" if n >= 100_000 else f"{n:,}"
    write_text(folder / NOTE_NAME, (
        f"gencraft's tiny diffusion model: {count} parameters, {cfg['size']} px, "
        f"trained on {summary['data']['renders']} renders of its own sketches\n"))
    write_bytes(folder / LOSS_NAME, loss_plot(summary["loss_curve"]))
    write_text(folder / CARD_NAME, model_card(summary))


def loss_plot(curve: list[list[float]], width: int = 480, height: int = 200) -> bytes:
    """The loss curve as a small PNG (log scale), drawn with gencraft's own canvas."""
    from gencraft.draw.canvas import Canvas
    from gencraft.provenance import encode_png

    cv = Canvas(width, height, "png")
    cv.background("#fbf8f2")
    pad_l, pad_r, pad_t, pad_b = 48, 12, 14, 28
    cv.no_fill().stroke("#999999", 1.0).rect(pad_l, pad_t, width - pad_l - pad_r, height - pad_t - pad_b)
    if curve:
        steps = np.array([c[0] for c in curve], float)
        loss = np.log10(np.maximum([c[1] for c in curve], 1e-6))
        lo, hi = float(loss.min()), float(loss.max())
        hi = hi if hi > lo else lo + 1.0
        xs = pad_l + (steps - steps.min()) / max(1.0, steps.max() - steps.min()) * (width - pad_l - pad_r)
        ys = pad_t + (hi - loss) / (hi - lo) * (height - pad_t - pad_b)
        cv.stroke("#b8432f", 2.0).polyline(np.stack([xs, ys], axis=1))
        cv.no_stroke().fill("#333333")
        cv.text(4, pad_t + 10, f"{10 ** hi:.3f}", size=10)
        cv.text(4, height - pad_b, f"{10 ** lo:.3f}", size=10)
        cv.text(pad_l, height - 8, "step 0", size=10)
        cv.text(width - pad_r - 70, height - 8, f"step {int(steps.max())}", size=10)
        cv.text(width / 2 - 60, height - 8, "training loss (MSE, log)", size=10)
    return encode_png(cv.to_array(), None)


def model_card(summary: dict) -> str:
    """The model card (markdown), made from the training record so the two never disagree."""
    cfg = summary["config"]
    data = summary["data"]
    ev = summary.get("evaluation")
    lines = [
        "# gencraft tiny diffusion",
        "",
        "A small pixel-space diffusion model that gencraft trains on renders of its own sketches, so that",
        "`gencraft refine` and the compare sheet's third column run a *trained* learned model offline.",
        "It is a diffusers `save_pretrained` folder (`TinyPixelDiffusionPipeline`: a `UNet2DModel` and a",
        "`DDIMScheduler`), loaded by `gencraft refine --model DIR` through the same path as a Stable",
        "Diffusion folder. Retrain with `gencraft ml train-tiny-diffusion`.",
        "",
        "## Model",
        "",
        f"- UNet2DModel on RGB pixels, {cfg['size']} px native, channels {tuple(cfg['channels'])}, "
        f"{cfg['layers_per_block']} ResNet block per level, no attention; {summary['parameters']:,} parameters",
        f"- conditioned on the sketch kind: {len(summary['kinds'])} class embeddings "
        f"({', '.join(summary['kinds'])}) plus \"any sketch\" (trained on {cfg['null_prob']:.0%} of samples);",
        "  the prompt picks the class (a sketch name in it), otherwise \"any sketch\"",
        "- epsilon prediction, cosine noise schedule (1000 steps), DDIM sampling (eta 0); refinement is SDEdit:",
        "  noise to `strength` of the schedule, then denoise",
        "",
        "## Training record",
        "",
        f"- data: {data['renders']} renders, {data['per_sketch']} token hashes of each art sketch from the "
        f"collection seed `{data['collection_seed']}`, {data['size']} px, flattened over white; "
        f"{data['augment']}; " + (f"rendered in {data['render_seconds']:.0f} s and cached"
                                  if data["render_seconds"] >= 5 else "renders loaded from the cache"),
    ]
    short = {k: n for k, n in data.get("per_kind", {}).items() if n < data["per_sketch"]}
    if short:
        lines.append("- fewer renders where a sketch failed for some hashes at this size (left out): "
                     + ", ".join(f"{k} {n}" for k, n in short.items()))
    lines += [
        f"- {summary['steps']} steps of batch {cfg['batch_size']}, AdamW lr {cfg['lr']:g} "
        f"(warmup {cfg['warmup']}, cosine to 10%), EMA {cfg['ema']}, seed {cfg['seed']}",
        f"- {summary['train_seconds'] / 60:.1f} min on {summary['torch_threads']} CPU thread(s), "
        f"torch {summary['torch']}; final loss (mean of the last 100 steps) {summary['final_loss']:.4f}",
        "",
        "![training loss](loss.png)",
        "",
    ]
    if ev:
        lines += [
            "## Evaluation on held-out renders",
            "",
            f"FID-like: Fréchet distance between tiny-CLIP image embeddings of {ev['reference']} held-out renders "
            f"(collection seed `{ev['collection_seed']}`, never trained on) and {ev['inputs']} images made from",
            "other held-out renders. Lower is closer to real renders; the random-weight model is the same",
            "architecture and pipeline, untrained.",
            "",
            "| images | trained | random weights |",
            "|---|---:|---:|",
            f"| held-out renders themselves (the floor) | {ev['floor']:.3f} | |",
        ]
        for row in ev["rows"]:
            lines.append(f"| {row['what']} | {row['trained']:.3f} | {row['random']:.3f} |")
        lines += ["", f"Evaluated in {ev['seconds']:.0f} s.", ""]
        if ev.get("grid"):
            lines += [f"![refinements at three strengths]({ev['grid']})", "",
                      "Rows: held-out renders; columns: the input, then the refinement at each strength "
                      "(prompt: the sketch's name, seed 0).", ""]
    lines += [
        "## Limits",
        "",
        f"- {cfg['size']} px: `refine` works at the native size and resizes back, so a large render comes back soft.",
        "- It knows gencraft's sketches only; on other images it pulls them towards their look.",
        "- No text encoder: prompts other than sketch names do not steer it.",
        "",
    ]
    return "\n".join(lines)
