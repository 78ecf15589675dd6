#!/usr/bin/env python3
"""Reference trajectories for SdSamplerSchedulerTest, written from the published scheduler math (diffusers'
DDIMScheduler with eta 0, EulerDiscreteScheduler and EulerAncestralDiscreteScheduler; SD 1.5 betas: scaled_linear
0.00085..0.012 over 1000 steps, steps_offset 1, set_alpha_to_one false, clip_sample false), with classifier-free
guidance as StableDiffusionPipeline applies it. float64 numpy; no diffusers, no torch model.

Toy denoiser: out(x, t, c) = 0.1 x + 0.01 t / 1000 + 0.05 c, where c is the conditioning row's value (1 for a
prompt, 0 for the empty negative prompt). Latents (1, 4, 4, 4) start as sin(0.37 j + 0.1) * init_noise_sigma; the
ancestral noise of step i is cos(0.91 j + 0.13 (i + 1)). Run: python3 make_scheduler_reference.py > schedulers.json
"""
import json

import numpy as np

N = 1000
OFFSET = 1
SHAPE = (1, 4, 4, 4)
SIZE = int(np.prod(SHAPE))
J = np.arange(SIZE, dtype=np.float64)

betas = np.linspace(0.00085 ** 0.5, 0.012 ** 0.5, N, dtype=np.float64) ** 2
ac = np.cumprod(1.0 - betas)
sigma_table = np.sqrt((1 - ac) / ac)


def timesteps(spacing, steps):
    if spacing == "leading":
        ratio = N // steps
        return (np.arange(steps) * ratio).round()[::-1] + OFFSET
    if spacing == "trailing":
        return np.arange(N, 0, -N / steps).round() - 1
    return np.linspace(0, N - 1, steps)[::-1]


def denoiser(x, t, c):
    return 0.1 * x + 0.01 * t / 1000.0 + 0.05 * c


def guided(x_in, t, g):
    if g <= 1:
        return denoiser(x_in, t, 1.0)
    u = denoiser(x_in, t, 0.0)
    c = denoiser(x_in, t, 1.0)
    return u + g * (c - u)


def ddim(spacing, steps, g, pred):
    ts = timesteps(spacing, steps).round()
    x = np.sin(0.37 * J + 0.1)
    traj = []
    for t in ts:
        t = int(t)
        out = guided(x, t, g)
        prev = t - N // steps
        a_t = ac[t]
        a_prev = ac[prev] if prev >= 0 else ac[0]
        if pred == "epsilon":
            x0 = (x - np.sqrt(1 - a_t) * out) / np.sqrt(a_t)
            eps = out
        else:
            x0 = np.sqrt(a_t) * x - np.sqrt(1 - a_t) * out
            eps = np.sqrt(a_t) * out + np.sqrt(1 - a_t) * x
        x = np.sqrt(a_prev) * x0 + np.sqrt(1 - a_prev) * eps
        traj.append(x.tolist())
    return [float(t) for t in ts], traj


def euler(spacing, steps, g, pred, ancestral):
    ts = timesteps(spacing, steps)
    sig = np.concatenate([np.interp(ts, np.arange(N), sigma_table), [0.0]])
    init = sig.max() if spacing in ("linspace", "trailing") else np.sqrt(sig.max() ** 2 + 1)
    x = np.sin(0.37 * J + 0.1) * init
    traj = []
    for i, t in enumerate(ts):
        s = sig[i]
        out = guided(x / np.sqrt(s ** 2 + 1), t, g)
        if pred == "epsilon":
            x0 = x - s * out
        else:
            x0 = out * (-s / np.sqrt(s ** 2 + 1)) + x / (s ** 2 + 1)
        d = (x - x0) / s
        if ancestral:
            s_to = sig[i + 1]
            up = np.sqrt(s_to ** 2 * (s ** 2 - s_to ** 2) / s ** 2)
            down = np.sqrt(s_to ** 2 - up ** 2)
            x = x + d * (down - s)
            x = x + np.cos(0.91 * J + 0.13 * (i + 1)) * up
        else:
            x = x + d * (sig[i + 1] - s)
        traj.append(x.tolist())
    return [float(t) for t in ts], traj, float(init)


def main():
    cases = []
    for spacing in ("leading", "trailing"):
        for pred in ("epsilon", "v_prediction"):
            ts, traj = ddim(spacing, 10, 7.5, pred)
            cases.append({"sampler": "ddim", "spacing": spacing, "prediction": pred, "steps": 10, "guidance": 7.5,
                          "timesteps": ts, "init_noise_sigma": 1.0, "trajectory": traj})
    for sampler, anc in (("euler", False), ("euler_a", True)):
        for spacing in ("leading", "linspace", "trailing"):
            for pred in ("epsilon", "v_prediction"):
                ts, traj, init = euler(spacing, 12, 5.0, pred, anc)
                cases.append({"sampler": sampler, "spacing": spacing, "prediction": pred, "steps": 12,
                              "guidance": 5.0, "timesteps": ts, "init_noise_sigma": init, "trajectory": traj})
    ts, traj = ddim("leading", 4, 1.0, "epsilon")
    cases.append({"sampler": "ddim", "spacing": "leading", "prediction": "epsilon", "steps": 4, "guidance": 1.0,
                  "timesteps": ts, "init_noise_sigma": 1.0, "trajectory": traj})
    print(json.dumps({"shape": list(SHAPE), "cases": cases}))


if __name__ == "__main__":
    main()
