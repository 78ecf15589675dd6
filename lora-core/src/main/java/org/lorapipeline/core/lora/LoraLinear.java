package org.lorapipeline.core.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import org.lorapipeline.core.engine.HalfPrecision;

/**
 * A bias-free linear projection with a frozen base weight (out, in) and an optional LoRA adapter, named by its
 * Hugging Face module path (e.g. {@code model.layers.0.self_attn.q_proj}) so PEFT keys derive from the name.
 */
public final class LoraLinear {
    private final String name;
    private NDArray weight;
    private LoraAdapter adapter;

    public LoraLinear(String name, NDArray weight) {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException(name + ".weight must be 2-d (out, in), got " + weight.getShape());
        }
        this.name = name;
        this.weight = weight;
    }

    public String name() {
        return name;
    }

    /** The last path segment, what {@code target_modules} matches (q_proj, down_proj, ...). */
    public String moduleType() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }

    public NDArray weight() {
        return weight;
    }

    public LoraAdapter adapter() {
        return adapter;
    }

    void attach(LoraAdapter a) {
        if (a.a().getShape().get(1) != inFeatures() || a.b().getShape().get(0) != outFeatures()) {
            throw new IllegalArgumentException(name + ": adapter A " + a.a().getShape() + " / B " + a.b().getShape()
                    + " does not fit weight " + weight.getShape());
        }
        this.adapter = a;
    }

    /**
     * Stores the frozen base weight in another floating type (fp16 halves its memory); the forward pass then runs
     * the base matmul in that type while the adapter stays in its own (fp32) type. The old array is closed.
     */
    public void storeWeightAs(DataType type) {
        HalfPrecision.requireSupported(type);
        if (weight.getDataType() != type) {
            NDArray converted = weight.toType(type, true); // frozen: no gradient to keep
            NDScope.unregister(converted); // lives as long as the model, not a caller's step scope
            weight.close();
            weight = converted;
        }
    }

    /** (..., in) -> (..., out): W x (+ scale B A x), the base matmul in the weight's storage type. */
    public NDArray forward(NDArray x, boolean training) {
        NDArray y = HalfPrecision.linear(x, weight);
        return adapter == null ? y : y.add(adapter.delta(x, training));
    }

    /** W' = W + scale B A; the adapter is removed. The old weight array is replaced, not modified. */
    void merge() {
        if (adapter != null) {
            NDArray merged = weight.add(adapter.denseUpdate());
            merged.attach(weight.getManager());
            weight = merged;
            adapter = null;
        }
    }
}
