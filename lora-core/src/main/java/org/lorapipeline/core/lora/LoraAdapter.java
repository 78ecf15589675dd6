package org.lorapipeline.core.lora;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.engine.Ops;

/**
 * The trainable low-rank pair of one projection: delta(x) = scale * B(A(dropout(x))).
 *
 * @param a       lora_A (r, in), trainable
 * @param b       lora_B (out, r), trainable
 * @param scale   alpha/r (or alpha/sqrt(r))
 * @param dropout lora_dropout, used only while training
 */
public record LoraAdapter(NDArray a, NDArray b, float scale, float dropout) {

    public LoraAdapter {
        if (a.getShape().dimension() != 2 || b.getShape().dimension() != 2 || a.getShape().get(0) != b.getShape().get(1)) {
            throw new IllegalArgumentException("lora_A " + a.getShape() + " and lora_B " + b.getShape()
                    + " must be (r, in) and (out, r)");
        }
    }

    public int rank() {
        return (int) a.getShape().get(0);
    }

    /** (..., in) -> (..., out). */
    public NDArray delta(NDArray x, boolean training) {
        NDArray h = Ops.linear(Ops.dropout(x, dropout, training), a); // (..., r)
        return Ops.scale(Ops.linear(h, b), scale); // (..., out)
    }

    /** scale * B @ A, the dense update (out, in) that merging adds to the base weight. */
    public NDArray denseUpdate() {
        return b.matMul(a).mul(scale);
    }
}
