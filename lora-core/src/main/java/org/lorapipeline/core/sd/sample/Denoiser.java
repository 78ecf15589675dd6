package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;

/** The model a sampler calls: the UNet in production, a closed-form function in scheduler tests. */
@FunctionalInterface
public interface Denoiser {
    /**
     * @param latents  (B, C, h, w) model input, already scaled by the scheduler
     * @param timestep the scheduler's timestep (fractional for some spacings)
     * @param context  (B, S, D) encoder hidden states
     * @return (B, C, h, w) epsilon or v
     */
    NDArray predict(NDArray latents, double timestep, NDArray context);
}
