package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Where a sample's random numbers come from: the first call gives the initial latents, later calls the ancestral
 * noise of each step. Drawn in Java, so a seed gives the same image on every device.
 */
public interface NoiseSource {
    NDArray next(NDManager manager, Shape shape);
}
