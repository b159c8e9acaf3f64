"""Build small diffusion pipeline folders offline, from configs, with random weights.

Why: every refinement code path (folder checks, the real diffusers loader,
img2img, ControlNet, provenance) must run for real in tests and demos on a
machine with no network and no multi-gigabyte checkpoint. These builders write
genuine ``save_pretrained`` folders -- ``model_index.json``, ``unet/``,
``vae/``, ``text_encoder/``, ``tokenizer/``, ``scheduler/`` -- that diffusers
loads exactly like a downloaded Stable Diffusion 1.5 folder.

Be honest about what they are: the weights are random and untrained, so a
"refined" image from them is structured noise, not art. They prove the
plumbing, not the model. The tokenizer is real, though: CLIP's byte-level BPE
built from the vocabulary file that open_clip ships (optionally truncated to
the first ``merges`` merge rules to keep the embedding table small).

Use from Python (``build_tiny_diffusion(dir)``, ``build_tiny_controlnet(dir,
model_dir)``, ``build_sd15_sized(dir)``) or ``python -m gencraft.ml.refine.tiny_diffusion
DIR [--controlnet DIR2] [--preset tiny|sd15]``.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

TINY_NOTE = ("random untrained weights built by gencraft.ml.refine.tiny_diffusion: "
             "the output is structured noise, useful only to test the plumbing")

# The full CLIP vocabulary has 48894 merges (49408 tokens).
FULL_MERGES = 49152 - 256 - 2


def _bytes_to_unicode() -> dict[int, str]:
    """CLIP's reversible byte -> printable-unicode table (same as open_clip / GPT-2)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def bpe_vocab_path() -> Path:
    """open_clip's bundled ``bpe_simple_vocab_16e6.txt.gz`` (found without importing open_clip, which pulls torch)."""
    import importlib.util

    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("open_clip is not installed: its BPE vocabulary file is needed for the CLIP tokenizer")
    path = Path(list(spec.submodule_search_locations)[0]) / "bpe_simple_vocab_16e6.txt.gz"
    if not path.is_file():
        raise RuntimeError(f"open_clip's BPE vocabulary {path} is missing")
    return path


def clip_bpe_vocab(merges: int | None = None) -> tuple[dict[str, int], list[str]]:
    """(vocab, merge rules) of CLIP's BPE from open_clip's bundled vocabulary file.

    ``merges`` keeps only the first N merge rules (all when None); the vocab is
    then the 512 byte tokens, one token per kept merge, and the two specials,
    so the tokenizer stays consistent at any size.
    """
    path = bpe_vocab_path()
    lines = gzip.open(path).read().decode("utf-8").split("\n")
    count = FULL_MERGES if merges is None else max(0, min(int(merges), FULL_MERGES))
    rules = [line for line in lines[1:1 + count] if line.strip()]
    byte_tokens = list(_bytes_to_unicode().values())
    tokens = byte_tokens + [t + "</w>" for t in byte_tokens] + ["".join(r.split()) for r in rules]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    return {tok: i for i, tok in enumerate(tokens)}, rules


def build_clip_tokenizer(dest: str | Path, merges: int | None = 4000):
    """Write vocab.json + merges.txt to ``dest`` and return a loaded CLIPTokenizer saved there."""
    from transformers import CLIPTokenizer

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    vocab, rules = clip_bpe_vocab(merges)
    (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (dest / "merges.txt").write_text("#version: 0.2\n" + "\n".join(rules) + "\n", encoding="utf-8")
    tok = CLIPTokenizer.from_pretrained(str(dest), model_max_length=77, local_files_only=True)
    tok.save_pretrained(str(dest))
    return tok


def _scheduler(name: str):
    from diffusers import (DDIMScheduler, EulerAncestralDiscreteScheduler, EulerDiscreteScheduler,
                           LCMScheduler)

    common = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                  steps_offset=1)
    classes = {"ddim": DDIMScheduler, "euler": EulerDiscreteScheduler,
               "euler_a": EulerAncestralDiscreteScheduler, "lcm": LCMScheduler}
    if name not in classes:
        raise ValueError(f"unknown scheduler {name!r}: expected one of {', '.join(classes)}")
    extra = {"clip_sample": False, "set_alpha_to_one": False} if name == "ddim" else {}
    return classes[name](**common, **extra)


def build_tiny_diffusion(dest: str | Path, *, seed: int = 0, scheduler: str = "euler_a",
                         sample_size: int = 8, merges: int | None = 4000, family: str = "sd",
                         controlnet_dest: str | Path | None = None) -> Path:
    """Write a tiny pipeline folder (random weights) to ``dest``.

    family "sd": shaped like Stable Diffusion 1.5 / SD-Turbo (one CLIP text
    encoder); "sdxl": like SDXL (two text encoders, pooled text embeddings and
    size/crop conditioning). The VAE downsamples by 8 like the real ones;
    ``sample_size`` latents give a native resolution of ``8 * sample_size``
    pixels (64 by default). About 2 MB of weights; runs in a fraction of a
    second per image on a CPU. With ``controlnet_dest`` a matching tiny
    ControlNet is written too.
    """
    import torch
    from diffusers import (AutoencoderKL, StableDiffusionPipeline, StableDiffusionXLPipeline,
                           UNet2DConditionModel)
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    if family not in ("sd", "sdxl"):
        raise ValueError(f"unknown family {family!r}: expected 'sd' or 'sdxl'")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tokenizer = build_clip_tokenizer(dest / "tokenizer", merges)

    def text_config(hidden: int) -> CLIPTextConfig:
        return CLIPTextConfig(
            vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=2,
            num_attention_heads=4, max_position_embeddings=77, projection_dim=32,
            bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id)

    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, layers_per_block=1, norm_num_groups=4,
        block_out_channels=(8, 8, 16, 16), sample_size=8 * sample_size,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
    blocks = dict(sample_size=sample_size, in_channels=4, out_channels=4, layers_per_block=1,
                  block_out_channels=(16, 32), norm_num_groups=8, attention_head_dim=4,
                  down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                  up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"))
    if family == "sd":
        text_encoder = CLIPTextModel(text_config(32))
        unet = UNet2DConditionModel(cross_attention_dim=32, **blocks)
        pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                       scheduler=_scheduler(scheduler), safety_checker=None,
                                       feature_extractor=None, requires_safety_checker=False)
    else:
        tokenizer_2 = build_clip_tokenizer(dest / "tokenizer_2", merges)
        text_encoder = CLIPTextModel(text_config(32))
        text_encoder_2 = CLIPTextModelWithProjection(text_config(32))
        # cross-attention sees both encoders' hidden states (32 + 32); the added embedding sees the
        # pooled projection (32) and six size/crop ids of 8 each.
        unet = UNet2DConditionModel(cross_attention_dim=64, addition_embed_type="text_time",
                                    addition_time_embed_dim=8, projection_class_embeddings_input_dim=6 * 8 + 32,
                                    use_linear_projection=True, **blocks)
        pipe = StableDiffusionXLPipeline(vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2,
                                         tokenizer=tokenizer, tokenizer_2=tokenizer_2, unet=unet,
                                         scheduler=_scheduler(scheduler))
    pipe.save_pretrained(str(dest), safe_serialization=True)
    (dest / "README.gencraft.txt").write_text(TINY_NOTE + "\n", encoding="utf-8")
    if controlnet_dest is not None:
        build_tiny_controlnet(controlnet_dest, unet=unet, seed=seed)
    return dest


def build_tiny_controlnet(dest: str | Path, model_dir: str | Path | None = None, *, unet=None,
                          seed: int = 0) -> Path:
    """Write a ControlNet matching a pipeline's UNet (from ``model_dir`` or a given ``unet``).

    A freshly initialised ControlNet has zero output convolutions, so it would
    have no effect at all; here they get small random weights so the control
    image really changes the result (which is what the tests check).
    """
    import torch
    from diffusers import ControlNetModel, UNet2DConditionModel

    if unet is None:
        if model_dir is None:
            raise ValueError("build_tiny_controlnet needs model_dir or unet")
        unet = UNet2DConditionModel.from_pretrained(str(Path(model_dir) / "unet"), local_files_only=True)
    torch.manual_seed(seed + 1)
    channels = tuple(unet.config.block_out_channels)
    controlnet = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(8, 16, 32, 32)[: 4]
                                           if channels[0] <= 32 else (16, 32, 96, 256))
    with torch.no_grad():
        # He-initialise the control image encoder so a line image's signal survives its 8 convolutions,
        # and give the zero convolutions small random weights so the residuals reach the UNet.
        embed = controlnet.controlnet_cond_embedding
        for conv in [embed.conv_in, *embed.blocks, embed.conv_out]:
            torch.nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            conv.bias.zero_()
        for conv in [*controlnet.controlnet_down_blocks, controlnet.controlnet_mid_block]:
            conv.weight.normal_(0.0, 0.3)
            conv.bias.normal_(0.0, 0.05)
    dest = Path(dest)
    controlnet.save_pretrained(str(dest), safe_serialization=True)
    (dest / "README.gencraft.txt").write_text(TINY_NOTE + "\n", encoding="utf-8")
    return dest


def build_sd15_sized(dest: str | Path, *, seed: int = 0, controlnet_dest: str | Path | None = None,
                     half: bool = True) -> Path:
    """A pipeline folder with Stable Diffusion 1.5's real architecture and RANDOM weights.

    For throughput benchmarks only (512x512, ~1.07 B parameters): the timing of
    a forward pass does not depend on whether the weights were trained.
    Weights are stored in fp16 when ``half`` (2 GB instead of 4 GB).
    """
    import torch
    from diffusers import AutoencoderKL, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tokenizer = build_clip_tokenizer(dest / "tokenizer", None)
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tokenizer), hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
        num_attention_heads=12, max_position_embeddings=77, projection_dim=768, hidden_act="quick_gelu",
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id))
    unet = UNet2DConditionModel(sample_size=64, cross_attention_dim=768, attention_head_dim=8)  # SD 1.5 defaults
    vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2,
                        block_out_channels=(128, 256, 512, 512), sample_size=512,
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                   scheduler=_scheduler("euler_a"), safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    if half:
        pipe.to(torch.float16)
    pipe.save_pretrained(str(dest), safe_serialization=True)
    (dest / "README.gencraft.txt").write_text(
        "Stable Diffusion 1.5 architecture with random untrained weights (gencraft.ml.refine.tiny_diffusion."
        "build_sd15_sized): for throughput benchmarks only; the output is noise.\n", encoding="utf-8")
    if controlnet_dest is not None:
        from diffusers import ControlNetModel

        cn = ControlNetModel.from_unet(unet)
        if half:
            cn.to(torch.float16)
        cn.save_pretrained(str(controlnet_dest), safe_serialization=True)
    return dest


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m gencraft.ml.refine.tiny_diffusion", description=__doc__.split("\n")[0])
    ap.add_argument("dest", help="folder to write the pipeline to")
    ap.add_argument("--controlnet", help="also write a matching ControlNet folder here")
    ap.add_argument("--preset", choices=["tiny", "sd15"], default="tiny",
                    help="tiny (64 px, kB of weights) or sd15 (real SD 1.5 size, random weights)")
    ap.add_argument("--family", choices=["sd", "sdxl"], default="sd",
                    help="tiny preset only: SD 1.5-shaped (sd) or SDXL-shaped (sdxl)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.preset == "tiny":
        build_tiny_diffusion(args.dest, seed=args.seed, family=args.family, controlnet_dest=args.controlnet)
    else:
        build_sd15_sized(args.dest, seed=args.seed, controlnet_dest=args.controlnet)
    print(f"wrote {args.dest}" + (f" and {args.controlnet}" if args.controlnet else "")
          + (f" ({TINY_NOTE})" if args.preset == "tiny" else " (random weights, for benchmarks)"))


if __name__ == "__main__":
    main()
