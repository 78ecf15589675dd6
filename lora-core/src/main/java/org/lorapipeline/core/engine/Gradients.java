package org.lorapipeline.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Gradient bookkeeping DJL leaves to the caller. PyTorch adds each backward into {@code .grad} (which is what
 * gradient accumulation wants) and DJL's GradientCollector never clears it for arrays outside its system manager,
 * so the trainer zeroes adapter gradients itself after each optimizer step. Only one GradientCollector may be open
 * at a time (DJL throws "Only one can be collecting"), so callers open one per micro-batch and close it before the
 * next.
 */
public final class Gradients {
    private Gradients() {}

    /** Sets {@code param.grad} to zero in place (PyTorch {@code zero_()}, NaN-safe unlike x - x). */
    public static void zero(NDArray param) {
        if (!param.hasGradient()) {
            return;
        }
        if (param instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        } else {
            try (NDArray g = param.getGradient()) {
                g.muli(0);
            }
        }
    }

    /**
     * Runs {@code body} with autograd off (PyTorch {@code torch.no_grad()}, thread-local) and restores the previous
     * mode: inference such as preview sampling between training steps then records no graph even if it runs while
     * adapter weights require gradients.
     */
    public static <T> T withoutGrad(java.util.function.Supplier<T> body) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }
}
