package org.lorapipeline.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Tensor ops that DJL 0.35.1 lacks or gets wrong, written once here so model code never meets the traps:
 * <ul>
 *   <li>negative axes: most ops accept them but {@code split(n, -1)} throws ArrayIndexOutOfBounds, so every axis
 *       goes through {@link #axis};</li>
 *   <li>{@code NDArrays.where} refuses to broadcast ("condition and self shape mismatch"), see {@link #where};</li>
 *   <li>no fused attention, no RMSNorm, no SiLU-gated MLP: built from matMul/softmax here;</li>
 *   <li>never {@code toType} on an array that carries gradient: it cuts the graph (see {@link Tensors});</li>
 *   <li>never {@code x.mul(float)} (nor {@code div}, {@code pow}, {@code maximum}, {@code minimum} with a number) on an
 *       array that carries gradient: backward would read freed memory, see {@link #scale}.</li>
 * </ul>
 * Every op keeps autograd intact (only differentiable PyTorch ops on F32).
 */
public final class Ops {
    private Ops() {}

    /** Turns a possibly negative axis into a positive one, failing clearly when it is out of range. */
    public static int axis(int axis, int ndim) {
        int a = axis < 0 ? axis + ndim : axis;
        if (a < 0 || a >= ndim) {
            throw new IllegalArgumentException("axis " + axis + " out of range for a " + ndim + "-d array");
        }
        return a;
    }

    /** {@code x.split(sections, axis)} with negative axes allowed. */
    public static NDList split(NDArray x, int sections, int axis) {
        return x.split(sections, axis(axis, x.getShape().dimension()));
    }

    /** NumPy broadcasting of two shapes; throws when they are incompatible. */
    public static Shape broadcastShape(Shape a, Shape b) {
        int n = Math.max(a.dimension(), b.dimension());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long da = i < n - a.dimension() ? 1 : a.get(i - (n - a.dimension()));
            long db = i < n - b.dimension() ? 1 : b.get(i - (n - b.dimension()));
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    /** {@code cond ? a : b} elementwise with NumPy broadcasting of all three (DJL's own where does not broadcast). */
    public static NDArray where(NDArray cond, NDArray a, NDArray b) {
        Shape s = broadcastShape(broadcastShape(cond.getShape(), a.getShape()), b.getShape());
        return NDArrays.where(expand(cond, s), expand(a, s), expand(b, s));
    }

    private static NDArray expand(NDArray x, Shape s) {
        if (x.getShape().equals(s)) {
            return x;
        }
        NDArray r = x;
        while (r.getShape().dimension() < s.dimension()) {
            r = r.expandDims(0);
        }
        return r.broadcast(s);
    }

    /** {@code x @ w^T} for a weight stored PyTorch-style as [out, in]: (..., in) -> (..., out). */
    public static NDArray linear(NDArray x, NDArray weight) {
        return x.matMul(weight.transpose());
    }

    /**
     * {@code x * s} that is safe under autograd. DJL's {@code x.mul(Number)} wraps the number in a 0-d array made
     * by {@code torch::from_blob} over a Java direct buffer and closes that array as soon as the product exists. The
     * product's backward node ({@code MulBackward0}) saved the scalar to compute {@code grad * s} later, but
     * from_blob memory is not owned by torch: once closed, only the garbage collector's timing decides when the
     * buffer is freed and reused, and a later backward reads whatever is there. Measured on CPU libtorch 2.7.1 with
     * a GC between forward and backward: the gradient of {@code x.mul(3f).sum()} came out as garbage (1e33, 1e-14)
     * in 20 of 20 trials, and LLaMA LoRA training gave sporadic NaN losses and runs that differ from step to step.
     * Here the scalar comes from {@code torch::full}, memory torch allocates and reference-counts, so the graph
     * keeps it alive after its Java handle is closed.
     *
     * @return a new array of {@code x}'s shape and type
     */
    public static NDArray scale(NDArray x, float s) {
        try (NDArray scalar = x.getManager().full(new Shape(), s, x.getDataType())) { // () broadcasts to x
            return x.mul(scalar);
        }
    }

    /** LLaMA RMSNorm over the last axis: x * rsqrt(mean(x^2) + eps) * weight. */
    public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        int last = x.getShape().dimension() - 1;
        NDArray ms = x.square().mean(new int[] {last}, true); // (..., 1)
        return x.div(ms.add(eps).sqrt()).mul(weight);
    }

    /** SiLU (swish): x * sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** An additive causal mask (T, T): 0 where key j <= query i, -inf above the diagonal. */
    public static NDArray causalMask(NDManager manager, int queries, int keys) {
        float[] m = new float[queries * keys];
        int offset = keys - queries; // queries are the last `queries` positions of the key sequence
        for (int i = 0; i < queries; i++) {
            for (int j = 0; j < keys; j++) {
                m[i * keys + j] = j > i + offset ? Float.NEGATIVE_INFINITY : 0f;
            }
        }
        return manager.create(m, new Shape(queries, keys));
    }

    /**
     * Scaled dot-product attention with matMul (DJL has no fused kernel).
     *
     * @param q    (B, H, T, d)
     * @param k    (B, H, S, d)
     * @param v    (B, H, S, d)
     * @param mask additive mask broadcastable to (B, H, T, S), or null
     * @return (B, H, T, d)
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        long d = q.getShape().get(3);
        NDArray scores = scale(q.matMul(k.swapAxes(2, 3)), 1.0f / (float) Math.sqrt(d)); // (B, H, T, S)
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(3).matMul(v); // (B, H, T, d)
    }

    /** Grouped-query attention: (B, nKV, T, d) -> (B, nKV*rep, T, d), query head h reading kv head h / rep. */
    public static NDArray repeatKv(NDArray x, int rep) {
        if (rep == 1) {
            return x;
        }
        // DJL's repeat(axis, n) repeats each slice n times in place (PyTorch repeat_interleave), which is the
        // h -> h / rep mapping HF's repeat_kv produces.
        return x.repeat(1, rep);
    }

    /** Inverted dropout with PyTorch's generator; identity when p == 0 or not training. */
    public static NDArray dropout(NDArray x, float p, boolean training) {
        if (!training || p <= 0f) {
            return x;
        }
        if (p >= 1f) {
            throw new IllegalArgumentException("dropout must be < 1, got " + p);
        }
        // the mask is a constant, so casting it is safe for autograd
        NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape()).gte(p).toType(DataType.FLOAT32, false);
        return scale(x.mul(keep), 1f / (1f - p));
    }

    /**
     * Mean cross entropy over the rows whose label is not {@code ignoreIndex} (PyTorch semantics).
     *
     * @param logits (N, V)
     * @param labels N target ids, {@code ignoreIndex} for rows that do not count
     * @return a scalar; NaN-free 0 when no row counts
     */
    public static NDArray crossEntropy(NDArray logits, long[] labels, long ignoreIndex) {
        long n = logits.getShape().get(0);
        long vocab = logits.getShape().get(1);
        if (labels.length != n) {
            throw new IllegalArgumentException("labels: " + labels.length + " for " + n + " rows");
        }
        long[] safe = new long[labels.length];
        float[] weight = new float[labels.length];
        int counted = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == ignoreIndex) {
                continue;
            }
            if (labels[i] < 0 || labels[i] >= vocab) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " outside vocab " + vocab);
            }
            safe[i] = labels[i];
            weight[i] = 1f;
            counted++;
        }
        NDManager m = logits.getManager();
        NDArray logp = logits.logSoftmax(1); // (N, V)
        NDArray picked = logp.gather(m.create(safe, new Shape(n, 1)), 1).reshape(n); // (N)
        NDArray sum = picked.mul(m.create(weight)).sum();
        return scale(sum, -1f / Math.max(counted, 1));
    }
}
