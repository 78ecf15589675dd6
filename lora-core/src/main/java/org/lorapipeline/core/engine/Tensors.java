package org.lorapipeline.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.lorapipeline.core.tensor.HalfFloats;

/**
 * Moves numbers between Java arrays and NDArrays. All model math runs in F32: half-precision inputs are widened
 * in Java ({@link HalfFloats}) because DJL 0.35.1 on PyTorch 2.7.1 aborts the JVM when it creates a BFLOAT16 NDArray
 * or casts to one ("terminate called without an active exception"), and no cast happens inside a graph because
 * {@code toType} cuts the autograd chain (a loss computed through it has no grad_fn).
 */
public final class Tensors {
    private Tensors() {}

    /** An F32 array with the given row-major values; fails when the count does not match the shape. */
    public static NDArray create(NDManager manager, float[] values, long... shape) {
        Shape s = new Shape(shape);
        if (s.size() != values.length) {
            throw new IllegalArgumentException("shape " + s + " needs " + s.size() + " values, got " + values.length);
        }
        return manager.create(values, s);
    }

    /** An int64 array of token ids (what {@code embedding}-style gathers and labels need). */
    public static NDArray ids(NDManager manager, long[][] rows) {
        int b = rows.length;
        int t = rows[0].length;
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) {
            if (rows[i].length != t) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " ids, row 0 has " + t);
            }
            System.arraycopy(rows[i], 0, flat, i * t, t);
        }
        return manager.create(flat, new Shape(b, t));
    }

    /**
     * An F32 array from raw little-endian bytes of a floating dtype named as in safetensors ({@code F32},
     * {@code F16}, {@code BF16}); half types are widened in Java first.
     */
    public static NDArray fromBytes(NDManager manager, ByteBuffer le, String dtype, long... shape) {
        int n = Math.toIntExact(new Shape(shape).size());
        float[] values = switch (dtype.toUpperCase(Locale.ROOT)) {
            case "F32" -> {
                float[] f = new float[n];
                le.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                yield f;
            }
            case "BF16" -> HalfFloats.widenBf16(le, n);
            case "F16" -> HalfFloats.widenF16(le, n);
            default -> throw new IllegalArgumentException("dtype " + dtype + " is not a float type we can train on"
                    + " (F32, F16, BF16)");
        };
        return create(manager, values, shape);
    }

    /** Copies an F32 array out to Java; refuses other types rather than casting silently. */
    public static float[] toFloats(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected float32, got " + a.getDataType());
        }
        return a.toFloatArray();
    }

    /** The shape as a plain long[] (for exports). */
    public static long[] shape(NDArray a) {
        return Arrays.copyOf(a.getShape().getShape(), a.getShape().dimension());
    }
}
