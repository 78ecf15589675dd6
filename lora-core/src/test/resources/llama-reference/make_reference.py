#!/usr/bin/env python3
"""Independent reference numbers for the Java LLaMA forward, LoRA and training step.

Written from the published math (Hugging Face LlamaForCausalLM conventions, PEFT LoRA, torch AdamW), NOT from
our Java code. Reads shared/reference/llama-tiny/{hf,peft} by hand (no transformers, no safetensors package) and
writes reference.json beside this script. Run once with Debian's python3-torch (1.13):

    python3 make_reference.py <path to shared/reference/llama-tiny>

CI never runs this; the JSON it wrote is committed.
"""
import json
import math
import os
import struct
import sys

import torch

torch.set_grad_enabled(False)


def read_safetensors(path):
    """u64 LE header length, JSON header, packed little-endian data (all F32 in the tiny reference)."""
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
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        out[name] = t.reshape(info["shape"]).clone()
    return out


# ---------------------------------------------------------------- model math

def rms_norm(x, w, eps):
    # HF LlamaRMSNorm: x * rsqrt(mean(x^2) + eps) * weight, computed in fp32
    var = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def inv_freq_for(cfg, head_dim):
    theta = cfg["rope_theta"]
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    rs = cfg.get("rope_scaling")
    if rs is None:
        return inv
    kind = rs.get("rope_type", rs.get("type"))
    if kind == "linear":
        return inv / rs["factor"]
    if kind == "llama3":
        # Llama 3.1 frequency-dependent scaling (HF modeling_rope_utils._compute_llama3_parameters math)
        factor = rs["factor"]
        low = rs["low_freq_factor"]
        high = rs["high_freq_factor"]
        old_ctx = rs["original_max_position_embeddings"]
        low_wavelen = old_ctx / low
        high_wavelen = old_ctx / high
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old_ctx / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wavelen >= high_wavelen) & (wavelen <= low_wavelen)
        return torch.where(medium, smoothed, scaled)
    raise ValueError(kind)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def linear(x, name, W, lora, scale):
    y = x @ W[name].t()
    if lora is not None:
        key = "base_model.model." + name[: -len(".weight")]
        a = lora.get(key + ".lora_A.weight")
        b = lora.get(key + ".lora_B.weight")
        if a is not None:
            y = y + scale * ((x @ a.t()) @ b.t())
    return y


def forward(cfg, W, ids, lora=None, scale=0.0):
    B, T = ids.shape
    H = cfg["hidden_size"]
    nH = cfg["num_attention_heads"]
    nKV = cfg.get("num_key_value_heads", nH)
    d = cfg.get("head_dim", H // nH)
    eps = cfg["rms_norm_eps"]
    rep = nH // nKV

    x = W["model.embed_tokens.weight"][ids]  # (B, T, H)
    inv = inv_freq_for(cfg, d)
    pos = torch.arange(T, dtype=torch.float32)
    freqs = torch.outer(pos, inv)  # (T, d/2)
    emb = torch.cat((freqs, freqs), dim=-1)  # (T, d)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((T, T), float("-inf")).triu(1)  # causal: key j > query i is hidden

    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        q = linear(h, p + "self_attn.q_proj.weight", W, lora, scale).view(B, T, nH, d).transpose(1, 2)
        k = linear(h, p + "self_attn.k_proj.weight", W, lora, scale).view(B, T, nKV, d).transpose(1, 2)
        v = linear(h, p + "self_attn.v_proj.weight", W, lora, scale).view(B, T, nKV, d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # GQA: query head j reads kv head j // rep
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        qf = q.reshape(B * nH, T, d)
        kf = k.reshape(B * nH, T, d)
        vf = v.reshape(B * nH, T, d)
        scores = torch.bmm(qf, kf.transpose(1, 2)) * (1.0 / math.sqrt(d)) + mask
        probs = torch.softmax(scores, dim=-1)
        att = torch.bmm(probs, vf).view(B, nH, T, d).transpose(1, 2).reshape(B, T, nH * d)
        x = x + linear(att, p + "self_attn.o_proj.weight", W, lora, scale)

        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        g = linear(h, p + "mlp.gate_proj.weight", W, lora, scale)
        u = linear(h, p + "mlp.up_proj.weight", W, lora, scale)
        x = x + linear(torch.nn.functional.silu(g) * u, p + "mlp.down_proj.weight", W, lora, scale)

    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else W["lm_head.weight"]
    return x @ head.t()  # (B, T, V)


def causal_lm_loss(logits, labels):
    # HF: predict token t+1 from position t; -100 labels are ignored; mean over counted tokens
    V = logits.shape[-1]
    return torch.nn.functional.cross_entropy(
        logits[:, :-1, :].reshape(-1, V), labels[:, 1:].reshape(-1), ignore_index=-100)


def flat(t):
    return [float("%.8g" % v) for v in t.detach().reshape(-1).tolist()]


def main():
    root = sys.argv[1]
    cfg = json.load(open(os.path.join(root, "hf", "config.json")))
    W = read_safetensors(os.path.join(root, "hf", "model.safetensors"))
    acfg = json.load(open(os.path.join(root, "peft", "adapter_config.json")))
    lora = read_safetensors(os.path.join(root, "peft", "adapter_model.safetensors"))
    scale = acfg["lora_alpha"] / acfg["r"]

    V = cfg["vocab_size"]
    B, T = 2, 12
    # fixed ids, no RNG: spread over the vocabulary, include 0 and V-1
    ids = torch.tensor([[(b * 131 + t * 37 + 7 * t * t) % V for t in range(T)] for b in range(B)])
    ids[0, 0] = 0
    ids[1, T - 1] = V - 1

    out = {"input_ids": ids.tolist(), "shape": [B, T, V], "lora_scale": scale}
    out["logits_base"] = flat(forward(cfg, W, ids))
    out["logits_peft"] = flat(forward(cfg, W, ids, lora, scale))

    cfg3 = dict(cfg)
    cfg3["rope_scaling"] = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                            "high_freq_factor": 4.0, "original_max_position_embeddings": 64}
    out["rope_scaling_llama3"] = cfg3["rope_scaling"]
    out["inv_freq_llama3"] = flat(inv_freq_for(cfg3, cfg["head_dim"]))
    out["logits_base_llama3"] = flat(forward(cfg3, W, ids))

    # Merged weights W' = W + scale * B @ A give the same logits as the unmerged adapter
    merged = dict(W)
    for name in W:
        key = "base_model.model." + name[: -len(".weight")]
        if key + ".lora_A.weight" in lora:
            merged[name] = W[name] + scale * lora[key + ".lora_B.weight"] @ lora[key + ".lora_A.weight"]
    out["merged_max_abs_diff_vs_unmerged"] = float(
        (forward(cfg, merged, ids) - forward(cfg, W, ids, lora, scale)).abs().max())

    # ---- training: labels mask the prompt (-100) so only the "response" counts
    response_start = [5, 8]
    labels = ids.clone()
    for b, s in enumerate(response_start):
        labels[b, :s] = -100
    out["response_start"] = response_start
    out["loss_base_masked"] = float(causal_lm_loss(forward(cfg, W, ids), labels))
    out["loss_base_unmasked"] = float(causal_lm_loss(forward(cfg, W, ids), ids))

    torch.set_grad_enabled(True)
    params = {k: v.clone().requires_grad_(True) for k, v in sorted(lora.items())}
    names = sorted(params)
    lr, wd, betas, eps, max_norm = 1e-2, 0.1, (0.9, 0.999), 1e-8, 0.05
    opt = torch.optim.AdamW([params[n] for n in names], lr=lr, betas=betas, eps=eps, weight_decay=wd)
    steps = []
    for step in range(2):
        opt.zero_grad()
        loss = causal_lm_loss(forward(cfg, W, ids, params, scale), labels)
        loss.backward()
        grads = {n: params[n].grad.detach().clone() for n in names}
        norm = torch.nn.utils.clip_grad_norm_([params[n] for n in names], max_norm)
        opt.step()
        rec = {"loss": float(loss), "grad_norm": float(norm)}
        if step == 0:
            rec["grads"] = {n: flat(grads[n]) for n in names}
        rec["params_after"] = {n: flat(params[n]) for n in names}
        steps.append(rec)
    out["adamw"] = {"lr": lr, "weight_decay": wd, "betas": list(betas), "eps": eps, "max_grad_norm": max_norm,
                    "steps": steps}

    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "reference.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("torch", torch.__version__, "loss", out["loss_base_masked"], "merged diff",
          out["merged_max_abs_diff_vs_unmerged"], [s["loss"] for s in steps], [s["grad_norm"] for s in steps])


if __name__ == "__main__":
    main()
