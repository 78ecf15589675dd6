package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.lorapipeline.core.engine.Tensors;

/**
 * Standard normal noise from a seeded {@link SplittableRandom} (Box-Muller). It is not torch's generator, so a seed
 * does not reproduce a kohya image, but it reproduces ours on CPU and GPU alike.
 */
public final class GaussianNoise implements NoiseSource {
    private final SplittableRandom random;

    public GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public NDArray next(NDManager manager, Shape shape) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i += 2) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1]: log stays finite
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1));
            v[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < v.length) {
                v[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return Tensors.create(manager, v, shape.getShape());
    }
}
