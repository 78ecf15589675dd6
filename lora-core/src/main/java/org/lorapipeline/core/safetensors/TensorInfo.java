package org.lorapipeline.core.safetensors;

import java.util.Arrays;

/**
 * One header entry: name, dtype, PyTorch shape (slowest first) and the byte range {@code [begin, end)}
 * relative to the start of the data buffer.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (dtype == null) {
            throw new IllegalArgumentException("dtype must not be null for tensor " + name);
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    /** Shape as ints, for APIs such as DJL's that index with int (every dimension here fits). */
    public int[] dims() {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = Math.toIntExact(shape[i]);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + "," + end + ")";
    }
}
