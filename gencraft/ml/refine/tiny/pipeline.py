"""``TinyPixelDiffusionPipeline``: a class-conditional pixel-space diffusion model as a diffusers pipeline.

Two components, both diffusers' own classes, saved with ``save_pretrained``:

- ``unet``: a ``UNet2DModel`` on RGB pixels (no VAE, no text encoder) with one
  learned class embedding per sketch kind plus one "any sketch" class (the
  last index) that training uses for a share of the steps, so the model also
  works unconditionally and classifier-free guidance is possible;
- ``scheduler``: a ``DDIMScheduler`` (the training noise schedule, sampled
  deterministically with eta 0).

The sketch kinds are stored in ``model_index.json`` (``kinds``, comma-separated),
so the folder is self-describing. ``refine`` loads it by its ``_class_name``
(see :mod:`gencraft.ml.refine.load`): the class comes from gencraft, never
from code in the model folder.

Refinement is SDEdit (Meng et al. 2021): the image is noised to ``strength``
of the schedule (the first ``int(steps * strength)`` DDIM steps are skipped)
and denoised by the model. The call signature matches diffusers' img2img
pipelines (``prompt``, ``image``, ``strength``, ``num_inference_steps``,
``guidance_scale``, ``generator``, ``output_type``) so the same
:func:`gencraft.ml.refine.img2img.refine_array` drives it. The prompt does not
go through a text encoder: it picks the class -- a sketch name in it ("flow",
"a marble slab") selects that kind, anything else the "any sketch" class.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from diffusers import DDIMScheduler, DiffusionPipeline, UNet2DModel
from diffusers.utils import BaseOutput
from diffusers.utils.torch_utils import randn_tensor

ANY = "any sketch"


@dataclass
class TinyPixelOutput(BaseOutput):
    """images: (N, H, W, 3) floats in [0, 1] (output_type "np") or PIL images; condition: the class used."""

    images: Any
    condition: str


def build_unet(kinds: int, sample_size: int = 64, channels=(32, 64, 64), layers_per_block: int = 1,
               norm_groups: int = 8) -> UNet2DModel:
    """The UNet: convolutions only (no attention), so it runs at any size that is a multiple of
    2**(levels-1) and can be trained on crops; ``kinds + 1`` class embeddings (the last: any sketch)."""
    n = len(channels)
    return UNet2DModel(
        sample_size=sample_size, in_channels=3, out_channels=3, layers_per_block=layers_per_block,
        block_out_channels=tuple(channels), down_block_types=("DownBlock2D",) * n,
        up_block_types=("UpBlock2D",) * n, norm_num_groups=norm_groups, num_class_embeds=kinds + 1,
        add_attention=False)


def build_scheduler(train_steps: int = 1000) -> DDIMScheduler:
    """Cosine noise schedule (better than linear for small images), epsilon prediction, clipped samples."""
    return DDIMScheduler(num_train_timesteps=train_steps, beta_schedule="squaredcos_cap_v2", clip_sample=True,
                         set_alpha_to_one=True, steps_offset=0, prediction_type="epsilon",
                         timestep_spacing="leading")


def to_tensor(images) -> torch.Tensor:
    """PIL image(s) or uint8 array(s) (H, W, 3|4) -> float tensor (N, 3, H, W) in [-1, 1]."""
    if isinstance(images, torch.Tensor):
        x = images.float()
        return x if x.ndim == 4 else x[None]
    if not isinstance(images, (list, tuple)):
        images = [images]
    arrays = [np.asarray(im.convert("RGB") if hasattr(im, "convert") else im) for im in images]
    arrays = [a[..., :3] if a.ndim == 3 else np.repeat(a[..., None], 3, axis=2) for a in arrays]
    x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).float()
    return x / 127.5 - 1.0


class TinyPixelDiffusionPipeline(DiffusionPipeline):
    """SDEdit refinement (and sampling from noise) with a class-conditional pixel-space UNet."""

    model_cpu_offload_seq = "unet"

    def __init__(self, unet: UNet2DModel, scheduler: DDIMScheduler, kinds: str = ""):
        super().__init__()
        self.register_modules(unet=unet, scheduler=scheduler)
        self.register_to_config(kinds=str(kinds or ""))
        self.vae_scale_factor = 1  # pixel space: the native size is the UNet's sample size

    @property
    def kinds(self) -> list[str]:
        return [k for k in str(self.config.kinds or "").split(",") if k]

    def condition_for(self, prompt: str | None = None, class_label: int | str | None = None) -> tuple[int, str]:
        """(class index, name): an explicit label, else the first sketch name in the prompt, else any sketch."""
        kinds = self.kinds
        null = self.unet.config.num_class_embeds - 1
        if class_label is not None:
            if isinstance(class_label, str):
                if class_label == ANY:
                    return null, ANY
                if class_label not in kinds:
                    raise ValueError(f"unknown sketch kind {class_label!r}: expected one of {', '.join(kinds)}")
                return kinds.index(class_label), class_label
            index = int(class_label)
            if not 0 <= index <= null:
                raise ValueError(f"class label {index}: expected 0..{null}")
            return index, kinds[index] if index < len(kinds) else ANY
        words = re.findall(r"[a-z]+", (prompt or "").lower())
        for word in words:
            if word in kinds:
                return kinds.index(word), word
        return null, ANY

    @torch.no_grad()
    def __call__(self, prompt: str | None = None, image=None, strength: float = 0.4,
                 num_inference_steps: int = 25, guidance_scale: float = 1.0, negative_prompt: str | None = None,
                 generator: torch.Generator | None = None, output_type: str = "pil", class_label=None,
                 batch_size: int = 1, eta: float = 0.0, return_dict: bool = True):
        """Refine ``image`` (PIL, uint8 array, or a list of them) at ``strength``; with no image,
        sample ``batch_size`` images from noise (strength 1). ``negative_prompt`` is accepted for
        interface compatibility and ignored (there is no text encoder). ``guidance_scale`` > 1
        applies classifier-free guidance towards the chosen sketch kind."""
        device = self.unet.device
        dtype = self.unet.dtype
        label, name = self.condition_for(prompt, class_label)
        if image is None:
            size = self.unet.config.sample_size
            size = (size, size) if isinstance(size, int) else tuple(size)
            x0 = torch.zeros((batch_size, 3, *size))
            strength = 1.0
        else:
            x0 = to_tensor(image)
        n = x0.shape[0]
        if not 0.0 <= float(strength) <= 1.0:
            raise ValueError(f"strength {strength}: expected 0..1")
        self.scheduler.set_timesteps(num_inference_steps, device=device)
        keep = min(int(num_inference_steps * float(strength)), num_inference_steps)
        timesteps = self.scheduler.timesteps[num_inference_steps - keep:]
        x0 = x0.to(device=device, dtype=dtype)
        if len(timesteps) == 0:
            x = x0
        else:
            noise = randn_tensor(x0.shape, generator=generator, device=device, dtype=dtype)
            x = self.scheduler.add_noise(x0, noise, timesteps[:1].repeat(n)) if strength < 1.0 else noise
        labels = torch.full((n,), label, device=device, dtype=torch.long)
        null = torch.full((n,), self.unet.config.num_class_embeds - 1, device=device, dtype=torch.long)
        guide = guidance_scale is not None and guidance_scale > 1.0 and label != null[0].item()
        for t in self.progress_bar(timesteps):
            if guide:
                eps = self.unet(torch.cat([x, x]), t, class_labels=torch.cat([labels, null])).sample
                cond, uncond = eps.chunk(2)
                eps = uncond + guidance_scale * (cond - uncond)
            else:
                eps = self.unet(x, t, class_labels=labels).sample
            x = self.scheduler.step(eps, t, x, eta=eta, generator=generator).prev_sample
        images = ((x.float().clamp(-1, 1) + 1) / 2).permute(0, 2, 3, 1).cpu().numpy()
        if output_type == "pil":
            images = self.numpy_to_pil(images)
        elif output_type == "pt":
            images = torch.from_numpy(images)
        if not return_dict:
            return (images, name)
        return TinyPixelOutput(images=images, condition=name)
