package org.lorapipeline.core.tensor;

import java.util.Arrays;

/**
 * A dense float tensor in C order (PyTorch convention: {@code shape[0]} is the slowest dimension).
 * The arrays are owned by the record; callers that keep mutating them should pass copies.
 */
public record FloatTensor(long[] shape, float[] data) {
    public FloatTensor {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values but data has " + data.length);
        }
    }

    /** Element count of a shape; {@code []} is a scalar (1 element). */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public static FloatTensor of(float[] data, long... shape) {
        return new FloatTensor(shape, data);
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
