package org.lorapipeline.core.lora;

import java.util.Arrays;

/**
 * One adapter tensor by its PEFT key, as plain Java values for a file writer.
 *
 * @param key    e.g. {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}
 * @param shape  PyTorch shape, slowest dim first
 * @param values row-major F32 values
 */
public record LoraTensor(String key, long[] shape, float[] values) {
    public LoraTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(key + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
