#!/usr/bin/env python3
"""Independent reference numbers for the Java CLIP towers and image pre-processing.

Written from the published architecture (OpenAI CLIP as laid out in Hugging Face's CLIPModel: pre-LN transformer,
quick-GELU / GELU, causal text mask, pooling at the EOS position, class-token pooling with post_layernorm, bias-free
projections) and from CLIPImageProcessor's documented steps (convert RGB, Pillow bicubic resize of the shortest
edge, center crop with (h - crop) // 2, rescale 1/255, normalise) -- NOT from our Java code. Reads tiny-clip/
(written by the Java TinyClip.write with the seed in ClipReference.java) by hand, no transformers, no safetensors
package; the math runs in float64. Run once with Debian's python3-torch (1.13) and python3-pil:

    python3 make_reference.py

It writes the test images, the Pillow-resized images and reference.json beside itself. CI never runs it.
"""
import json
import math
import os
import struct

import numpy as np
import torch
from PIL import Image

torch.set_grad_enabled(False)
HERE = os.path.dirname(os.path.abspath(__file__))
TINY = os.path.join(HERE, "tiny-clip")
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def read_safetensors(path):
    """u64 LE header length, JSON header, packed little-endian F32 data."""
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
        out[name] = t.reshape(info["shape"]).clone().double()
    return out


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def act(name, x):
    if name == "quick_gelu":
        return x * torch.sigmoid(1.702 * x)
    if name == "gelu":
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    raise ValueError(name)


def encoder(W, prefix, x, n_layers, heads, act_name, eps, mask):
    b, t, h = x.shape
    d = h // heads

    def lin(name, v):
        return v @ W[name + ".weight"].T + W[name + ".bias"]

    def split(v):  # (B, T, H) -> (B, nH, T, d)
        return v.reshape(b, t, heads, d).permute(0, 2, 1, 3)

    for i in range(n_layers):
        p = f"{prefix}.layers.{i}."
        r = x
        y = layer_norm(x, W[p + "layer_norm1.weight"], W[p + "layer_norm1.bias"], eps)
        q = split(lin(p + "self_attn.q_proj", y)) * (d ** -0.5)
        k = split(lin(p + "self_attn.k_proj", y))
        v = split(lin(p + "self_attn.v_proj", y))
        s = torch.matmul(q, k.transpose(2, 3))
        if mask is not None:
            s = s + mask
        o = torch.matmul(torch.softmax(s, dim=-1), v).permute(0, 2, 1, 3).reshape(b, t, h)
        x = r + lin(p + "self_attn.out_proj", o)
        r = x
        y = layer_norm(x, W[p + "layer_norm2.weight"], W[p + "layer_norm2.bias"], eps)
        y = lin(p + "mlp.fc2", act(act_name, lin(p + "mlp.fc1", y)))
        x = r + y
    return x


def text_tower(W, cfg, ids, skip=0):
    tc = cfg["text_config"]
    b, t = ids.shape
    x = W["text_model.embeddings.token_embedding.weight"][ids] + \
        W["text_model.embeddings.position_embedding.weight"][:t]
    mask = torch.full((t, t), float("-inf"), dtype=torch.float64).triu(1)
    x = encoder(W, "text_model.encoder", x, tc["num_hidden_layers"] - skip, tc["num_attention_heads"],
                tc["hidden_act"], tc["layer_norm_eps"], mask)
    last = layer_norm(x, W["text_model.final_layer_norm.weight"], W["text_model.final_layer_norm.bias"],
                      tc["layer_norm_eps"])
    eos = tc["eos_token_id"]
    pos = (ids == eos).int().argmax(dim=-1)  # first EOS in each row
    pooled = last[torch.arange(b), pos]
    return last, pooled


def vision_tower(W, cfg, pixels):
    vc = cfg["vision_config"]
    p = vc["patch_size"]
    patches = torch.nn.functional.conv2d(pixels, W["vision_model.embeddings.patch_embedding.weight"], stride=p)
    patches = patches.flatten(2).transpose(1, 2)  # (B, N, H)
    b = pixels.shape[0]
    cls = W["vision_model.embeddings.class_embedding"].expand(b, 1, -1)
    x = torch.cat([cls, patches], dim=1) + W["vision_model.embeddings.position_embedding.weight"]
    x = layer_norm(x, W["vision_model.pre_layrnorm.weight"], W["vision_model.pre_layrnorm.bias"], vc["layer_norm_eps"])
    x = encoder(W, "vision_model.encoder", x, vc["num_hidden_layers"], vc["num_attention_heads"], vc["hidden_act"],
                vc["layer_norm_eps"], None)
    pooled = layer_norm(x[:, 0], W["vision_model.post_layernorm.weight"], W["vision_model.post_layernorm.bias"],
                        vc["layer_norm_eps"])
    return x, pooled


# ---------------------------------------------------------------- images

def make_images():
    """Deterministic test images with detail finer than the target size, so antialiasing matters."""
    ys, xs = np.mgrid[0:61, 0:97]
    a = np.stack([128 + 100 * np.sin(0.9 * xs + c) * np.cos(0.45 * ys) + 6 * ((xs * ys) % 5)
                  for c in range(3)], axis=-1)
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB").save(os.path.join(HERE, "image_a.png"))
    ys, xs = np.mgrid[0:50, 0:40]
    rgb = [(xs * 6 + ys * 2) % 256, (ys * 5) % 256, 255 - (xs * ys) % 256, 40 + (xs * 5) % 200]
    Image.fromarray(np.stack(rgb, axis=-1).astype(np.uint8), "RGBA").save(os.path.join(HERE, "image_b.png"))
    ys, xs = np.mgrid[0:33, 0:45]
    g = 128 + 120 * np.sin(0.7 * xs) * np.sin(0.6 * ys)
    Image.fromarray(np.clip(g, 0, 255).astype(np.uint8), "L").save(os.path.join(HERE, "image_c.png"))


def resize_shortest(img, edge):
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(edge * long / short)
    size = (edge, new_long) if w <= h else (new_long, edge)
    return img.resize(size, resample=Image.BICUBIC)


def preprocess(path, edge, crop):
    img = Image.open(path).convert("RGB")
    r = np.asarray(resize_shortest(img, edge))
    h, w = r.shape[:2]
    top, left = (h - crop) // 2, (w - crop) // 2
    c = r[top:top + crop, left:left + crop]
    x = (c.astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - MEAN) / STD
    return x.transpose(2, 0, 1)  # (3, crop, crop)


def flat(t):
    return [float(f"{v:.9g}") for v in t.reshape(-1).tolist()]


def main():
    with open(os.path.join(TINY, "config.json")) as f:
        cfg = json.load(f)
    W = read_safetensors(os.path.join(TINY, "model.safetensors"))
    eos = cfg["text_config"]["eos_token_id"]
    bos = cfg["text_config"]["bos_token_id"]

    rows = [[bos, 10, 300, 520, 100], [bos, 42, 7, 581, 200, 256, 400, 12, 77, 3]]
    ids = torch.tensor([r + [eos] * (77 - len(r)) for r in rows], dtype=torch.int64)
    last, pooled = text_tower(W, cfg, ids)
    last_skip1, _ = text_tower(W, cfg, ids, skip=1)
    text_embeds = pooled @ W["text_projection.weight"].T

    make_images()
    size = cfg["vision_config"]["image_size"]
    resized = {}
    for name, src, edge in [("resized_a_32.png", "image_a.png", size), ("resized_a_150.png", "image_a.png", 150),
                            ("resized_c_32.png", "image_c.png", size)]:
        img = resize_shortest(Image.open(os.path.join(HERE, src)).convert("RGB"), edge)
        img.save(os.path.join(HERE, name))
        resized[name] = {"source": src, "shortest_edge": edge}
    images = ["image_a.png", "image_b.png", "image_c.png"]
    pixels = np.stack([preprocess(os.path.join(HERE, i), size, size) for i in images])
    hidden, img_pooled = vision_tower(W, cfg, torch.from_numpy(pixels).double())
    image_embeds = img_pooled @ W["visual_projection.weight"].T

    scale = math.exp(W["logit_scale"].item())
    tn = text_embeds / text_embeds.norm(dim=-1, keepdim=True)
    im = image_embeds / image_embeds.norm(dim=-1, keepdim=True)
    logits = scale * im @ tn.T

    out = {
        "input_ids": ids.tolist(),
        "text_last_hidden": flat(last),
        "text_hidden_skip1": flat(last_skip1),
        "text_pooled": flat(pooled),
        "text_embeds": flat(text_embeds),
        "images": images,
        "resized": resized,
        "pixel_values": flat(torch.from_numpy(pixels)),
        "vision_last_hidden": flat(hidden),
        "image_pooled": flat(img_pooled),
        "image_embeds": flat(image_embeds),
        "logit_scale": scale,
        "logits_per_image": flat(logits),
    }
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
