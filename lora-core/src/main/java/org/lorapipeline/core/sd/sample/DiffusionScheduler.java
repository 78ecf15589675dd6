package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;

/**
 * One inference schedule of a sample, as diffusers' schedulers split the work: the timesteps to visit, the scale
 * of the initial noise, how the model input is scaled, and the update from one timestep to the next.
 */
public interface DiffusionScheduler {
    /** Timesteps the model is called with, descending. */
    double[] timesteps();

    /** Multiplies the unit Gaussian initial latents ({@code init_noise_sigma}). */
    double initNoiseSigma();

    /** The model input at step {@code i} ({@code scale_model_input}). */
    NDArray scaleModelInput(NDArray latents, int i);

    /**
     * The latents for step {@code i + 1} from the model output at step {@code i}.
     *
     * @param noise ancestral samplers draw from it; others never call it
     */
    NDArray step(NDArray modelOutput, int i, NDArray latents, NoiseSource noise);
}
