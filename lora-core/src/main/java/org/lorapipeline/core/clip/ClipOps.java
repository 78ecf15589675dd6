package org.lorapipeline.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import org.lorapipeline.core.engine.Ops;

/** The few ops CLIP needs beyond {@link org.lorapipeline.core.engine.Ops}; all keep autograd intact. */
public final class ClipOps {
    private ClipOps() {}

    /** LayerNorm over the last axis with weight and bias (torch.nn.functional.layer_norm). */
    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        long last = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(last), weight, bias, eps).singletonOrThrow();
    }

    /** OpenAI CLIP's quick GELU: x * sigmoid(1.702 x). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(Activation.sigmoid(Ops.scale(x, 1.702f)));
    }

    /** The exact (erf) GELU, transformers' "gelu". */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    public static NDArray activation(ClipTextConfig.Activation act, NDArray x) {
        return switch (act) {
            case QUICK_GELU -> quickGelu(x);
            case GELU -> gelu(x);
        };
    }

    /** Rows scaled to unit L2 norm along the last axis: (..., D) -> (..., D). */
    public static NDArray l2Normalize(NDArray x) {
        int last = x.getShape().dimension() - 1;
        return x.div(x.square().sum(new int[] {last}, true).sqrt());
    }
}
