package org.lorapipeline.core.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** Clipping by global L2 norm over all gradients, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales every gradient in place by min(1, maxNorm / (norm + 1e-6)) when maxNorm > 0.
     *
     * @return the global norm before clipping
     */
    public static double clipByGlobalNorm(Map<String, NDArray> grads, double maxNorm) {
        double sq = 0;
        for (NDArray g : grads.values()) {
            sq += g.square().sum().getFloat();
        }
        double norm = Math.sqrt(sq);
        if (maxNorm > 0) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                grads.values().forEach(g -> g.muli((float) coef));
            }
        }
        return norm;
    }
}
