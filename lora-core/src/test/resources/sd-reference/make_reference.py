#!/usr/bin/env python3
"""Independent reference numbers for the Java Stable Diffusion UNet, VAE and noise schedule.

Written from the published architectures (Rombach et al. 2022 "High-Resolution Image Synthesis with Latent
Diffusion Models" and the diffusers UNet2DConditionModel / AutoencoderKL layouts and config.json keys), NOT from the
Java code: the forward passes below use torch.nn.functional only. The tiny model is the one the Java
TinyStableDiffusion.write(dir, 42, false) produces; its safetensors files are read by hand (no diffusers, no
safetensors package) and their SHA-256 is recorded so the Java test can prove it regenerated the same weights.
Run once with Debian's python3-torch (1.13):

    python3 make_reference.py <tiny diffusers folder>

Writes reference.json beside this script. CI never runs this.
"""
import hashlib
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        b, e = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[b:e]), dtype=torch.float32).reshape(info["shape"]).clone()
    return out, hashlib.sha256(raw).hexdigest()


def formula(n, fn):
    # inputs defined by a closed formula in double, rounded to float32 (the Java test computes the same)
    return torch.tensor([fn(i) for i in range(n)], dtype=torch.float32)


# ---------------------------------------------------------------- shared layers

def conv(W, name, x, stride=1, padding=None):
    w = W[name + ".weight"]
    if padding is None:
        padding = w.shape[-1] // 2
    return F.conv2d(x, w, W[name + ".bias"], stride=stride, padding=padding)


def gn(W, name, x, groups, eps):
    return F.group_norm(x, groups, W[name + ".weight"], W[name + ".bias"], eps)


def lin(W, name, x):
    return F.linear(x, W[name + ".weight"], W.get(name + ".bias"))


def resnet(W, p, x, temb, groups, eps):
    h = conv(W, p + ".conv1", F.silu(gn(W, p + ".norm1", x, groups, eps)))
    if temb is not None:
        h = h + lin(W, p + ".time_emb_proj", F.silu(temb))[:, :, None, None]
    h = conv(W, p + ".conv2", F.silu(gn(W, p + ".norm2", h, groups, eps)))
    if p + ".conv_shortcut.weight" in W:
        x = conv(W, p + ".conv_shortcut", x, padding=0)
    return x + h


def attention(W, p, x, ctx, heads):
    # x (B, T, C), ctx (B, S, D); softmax(q k^T / sqrt(d)) v per head, done with bmm
    B, T, _ = x.shape
    q = lin(W, p + ".to_q", x)
    k = lin(W, p + ".to_k", ctx)
    v = lin(W, p + ".to_v", ctx)
    inner = q.shape[-1]
    d = inner // heads

    def split(t):
        return t.reshape(B, t.shape[1], heads, d).permute(0, 2, 1, 3).reshape(B * heads, t.shape[1], d)

    q, k, v = split(q), split(k), split(v)
    scores = torch.bmm(q, k.transpose(1, 2)) * (d ** -0.5)
    o = torch.bmm(scores.softmax(dim=-1), v)
    o = o.reshape(B, heads, T, d).permute(0, 2, 1, 3).reshape(B, T, inner)
    return lin(W, p + ".to_out.0", o)


# ---------------------------------------------------------------- UNet

def timestep_embedding(t, dim, flip, shift, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / (half - shift))
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.sin(args), torch.cos(args)], dim=-1)
    if flip:
        emb = torch.cat([emb[:, half:], emb[:, :half]], dim=-1)
    return emb


def transformer(W, p, x, ctx, heads, groups, linear_proj):
    B, C, H, Wd = x.shape
    res = x
    h = F.group_norm(x, groups, W[p + ".norm.weight"], W[p + ".norm.bias"], 1e-6)
    if linear_proj:
        h = lin(W, p + ".proj_in", h.permute(0, 2, 3, 1).reshape(B, H * Wd, C))
    else:
        h = conv(W, p + ".proj_in", h, padding=0).permute(0, 2, 3, 1).reshape(B, H * Wd, C)
    i = 0
    while p + ".transformer_blocks.%d.norm1.weight" % i in W:
        b = p + ".transformer_blocks.%d" % i
        ln = lambda n, t: F.layer_norm(t, (C,), W[b + n + ".weight"], W[b + n + ".bias"], 1e-5)
        h = attention(W, b + ".attn1", ln(".norm1", h), ln(".norm1", h), heads) + h
        h = attention(W, b + ".attn2", ln(".norm2", h), ctx, heads) + h
        proj = lin(W, b + ".ff.net.0.proj", ln(".norm3", h))
        hidden, gate = proj.chunk(2, dim=-1)
        h = lin(W, b + ".ff.net.2", hidden * F.gelu(gate)) + h
        i += 1
    if linear_proj:
        h = lin(W, p + ".proj_out", h).reshape(B, H, Wd, C).permute(0, 3, 1, 2)
    else:
        h = conv(W, p + ".proj_out", h.reshape(B, H, Wd, C).permute(0, 3, 1, 2), padding=0)
    return h + res


def unet_forward(W, cfg, sample, t, ctx):
    boc = cfg["block_out_channels"]
    n = len(boc)
    L = cfg["layers_per_block"]
    g = cfg["norm_num_groups"]
    eps = cfg["norm_eps"]
    heads = cfg["attention_head_dim"]
    heads = heads if isinstance(heads, list) else [heads] * n
    lp = cfg.get("use_linear_projection", False)

    temb = timestep_embedding(t, boc[0], cfg["flip_sin_to_cos"], cfg["freq_shift"])
    temb = lin(W, "time_embedding.linear_2", F.silu(lin(W, "time_embedding.linear_1", temb)))

    h = conv(W, "conv_in", sample)
    skips = [h]
    for b, kind in enumerate(cfg["down_block_types"]):
        for j in range(L):
            h = resnet(W, "down_blocks.%d.resnets.%d" % (b, j), h, temb, g, eps)
            if kind.startswith("CrossAttn"):
                h = transformer(W, "down_blocks.%d.attentions.%d" % (b, j), h, ctx, heads[b], g, lp)
            skips.append(h)
        if b < n - 1:
            h = conv(W, "down_blocks.%d.downsamplers.0.conv" % b, h, stride=2, padding=1)
            skips.append(h)
    h = resnet(W, "mid_block.resnets.0", h, temb, g, eps)
    h = transformer(W, "mid_block.attentions.0", h, ctx, heads[-1], g, lp)
    h = resnet(W, "mid_block.resnets.1", h, temb, g, eps)
    rheads = list(reversed(heads))
    for b, kind in enumerate(cfg["up_block_types"]):
        for j in range(L + 1):
            h = torch.cat([h, skips.pop()], dim=1)
            h = resnet(W, "up_blocks.%d.resnets.%d" % (b, j), h, temb, g, eps)
            if kind.startswith("CrossAttn"):
                h = transformer(W, "up_blocks.%d.attentions.%d" % (b, j), h, ctx, rheads[b], g, lp)
        if b < n - 1:
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            h = conv(W, "up_blocks.%d.upsamplers.0.conv" % b, h)
    assert not skips
    return conv(W, "conv_out", F.silu(gn(W, "conv_norm_out", h, g, eps)))


# ---------------------------------------------------------------- VAE

VAE_EPS = 1e-6


def vae_mid(W, p, h, g):
    h = resnet(W, p + ".resnets.0", h, None, g, VAE_EPS)
    B, C, H, Wd = h.shape
    a = gn(W, p + ".attentions.0.group_norm", h, g, VAE_EPS).reshape(B, C, H * Wd).transpose(1, 2)
    a = attention(W, p + ".attentions.0", a, a, 1).transpose(1, 2).reshape(B, C, H, Wd)
    h = h + a
    return resnet(W, p + ".resnets.1", h, None, g, VAE_EPS)


def vae_encode(W, cfg, x):
    boc = cfg["block_out_channels"]
    g = cfg["norm_num_groups"]
    h = conv(W, "encoder.conv_in", x)
    for i in range(len(boc)):
        for j in range(cfg["layers_per_block"]):
            h = resnet(W, "encoder.down_blocks.%d.resnets.%d" % (i, j), h, None, g, VAE_EPS)
        if i < len(boc) - 1:
            h = F.pad(h, (0, 1, 0, 1), mode="constant", value=0.0)
            h = conv(W, "encoder.down_blocks.%d.downsamplers.0.conv" % i, h, stride=2, padding=0)
    h = vae_mid(W, "encoder.mid_block", h, g)
    h = conv(W, "encoder.conv_out", F.silu(gn(W, "encoder.conv_norm_out", h, g, VAE_EPS)))
    moments = conv(W, "quant_conv", h, padding=0)
    mean, logvar = moments.chunk(2, dim=1)
    return mean, logvar.clamp(-30.0, 20.0)


def vae_decode(W, cfg, z):
    boc = cfg["block_out_channels"]
    g = cfg["norm_num_groups"]
    h = conv(W, "decoder.conv_in", conv(W, "post_quant_conv", z, padding=0))
    h = vae_mid(W, "decoder.mid_block", h, g)
    for i in range(len(boc)):
        for j in range(cfg["layers_per_block"] + 1):
            h = resnet(W, "decoder.up_blocks.%d.resnets.%d" % (i, j), h, None, g, VAE_EPS)
        if i < len(boc) - 1:
            h = conv(W, "decoder.up_blocks.%d.upsamplers.0.conv" % i, F.interpolate(h, scale_factor=2.0,
                                                                                   mode="nearest"))
    return conv(W, "decoder.conv_out", F.silu(gn(W, "decoder.conv_norm_out", h, g, VAE_EPS)))


# ---------------------------------------------------------------- DDPM schedule (diffusers DDPMScheduler math)

def schedule():
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
    ac = torch.cumprod(1.0 - betas, dim=0)
    return betas, ac


def main():
    root = sys.argv[1]
    unet_cfg = json.load(open(os.path.join(root, "unet", "config.json")))
    vae_cfg = json.load(open(os.path.join(root, "vae", "config.json")))
    UW, unet_sha = read_safetensors(os.path.join(root, "unet", "diffusion_pytorch_model.safetensors"))
    VW, vae_sha = read_safetensors(os.path.join(root, "vae", "diffusion_pytorch_model.safetensors"))

    sample = formula(2 * 4 * 8 * 8, lambda i: math.sin(0.37 * i + 0.1)).reshape(2, 4, 8, 8)
    ctx = formula(2 * 77 * 32, lambda i: 0.8 * math.cos(0.11 * i)).reshape(2, 77, 32)
    timesteps = torch.tensor([10, 981])
    eps = unet_forward(UW, unet_cfg, sample, timesteps, ctx)

    image = formula(1 * 3 * 16 * 16, lambda i: 0.9 * math.sin(0.23 * i)).reshape(1, 3, 16, 16)
    mean, logvar = vae_encode(VW, vae_cfg, image)
    z = formula(1 * 4 * 8 * 8, lambda i: math.cos(0.29 * i)).reshape(1, 4, 8, 8)
    decoded = vae_decode(VW, vae_cfg, z)

    betas, ac = schedule()
    probe = [0, 1, 499, 999]
    flat = lambda t: [float(v) for v in t.flatten()]
    ref = {
        "seed": 42,
        "unet_sha256": unet_sha,
        "vae_sha256": vae_sha,
        "inputs": {
            "sample": "sin(0.37 i + 0.1), shape [2, 4, 8, 8]",
            "encoder_hidden_states": "0.8 cos(0.11 i), shape [2, 77, 32]",
            "timesteps": [10, 981],
            "image": "0.9 sin(0.23 i), shape [1, 3, 16, 16]",
            "latents": "cos(0.29 i), shape [1, 4, 8, 8]",
        },
        "unet_out": flat(eps),
        "vae_mean": flat(mean),
        "vae_logvar": flat(logvar),
        "vae_decoded": flat(decoded),
        "schedule_probe": probe,
        "betas": [float(betas[t]) for t in probe],
        "alphas_cumprod": [float(ac[t]) for t in probe],
    }
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
    with open(out, "w") as f:
        json.dump(ref, f, indent=1)
    print("wrote", out, "unet_out std", float(eps.std()), "decoded std", float(decoded.std()),
          "mean std", float(mean.std()))


if __name__ == "__main__":
    main()
