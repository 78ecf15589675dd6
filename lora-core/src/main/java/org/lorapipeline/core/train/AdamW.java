package org.lorapipeline.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) exactly as {@code torch.optim.AdamW} updates: decoupled decay p -= lr*wd*p, then
 * p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
 *
 * <p>Written here rather than using DJL's {@code AdamW} because DJL's optimizers keep their moment arrays private
 * (no way to checkpoint and resume them) and take the learning rate from a tracker rather than per step.
 */
public final class AdamW {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("adam epsilon must be > 0, got " + eps);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    /**
     * Updates every parameter in place from its gradient (already clipped/scaled by the caller).
     *
     * @param params  trainable arrays by name; the moments are created in {@code state} on first use
     * @param grads   gradients by the same names
     * @param lr      this step's learning rate
     * @param state   long-lived manager for the moment arrays
     */
    public void update(Map<String, NDArray> params, Map<String, NDArray> grads, double lr, NDManager state) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = grads.get(e.getKey());
            NDArray mi = m.computeIfAbsent(e.getKey(), k -> persistent(state.zeros(p.getShape())));
            NDArray vi = v.computeIfAbsent(e.getKey(), k -> persistent(state.zeros(p.getShape())));
            p.muli((float) (1 - lr * weightDecay));
            mi.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
            vi.muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
            NDArray denom = vi.sqrt().div(bc2Sqrt).add((float) eps);
            p.subi(mi.div(denom).mul(stepSize));
        }
    }

    /**
     * Replaces the state with saved values (resume). Every parameter needs both moments with its own size.
     *
     * @param params the trainable arrays, for names and shapes
     */
    public void restore(long stepCount, Map<String, float[]> first, Map<String, float[]> second,
                        Map<String, NDArray> params, NDManager state) {
        if (stepCount < 0) {
            throw new IllegalArgumentException("optimizer step must be >= 0, got " + stepCount);
        }
        Map<String, NDArray> newM = new LinkedHashMap<>();
        Map<String, NDArray> newV = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            float[] a = first.get(e.getKey());
            float[] b = second.get(e.getKey());
            long size = e.getValue().size();
            if (a == null || b == null || a.length != size || b.length != size) {
                throw new IllegalArgumentException("optimizer state has no moments of size " + size + " for "
                        + e.getKey() + " (checkpoint from another rank/target_modules?)");
            }
            newM.put(e.getKey(), persistent(state.create(a, e.getValue().getShape())));
            newV.put(e.getKey(), persistent(state.create(b, e.getValue().getShape())));
        }
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
        m.clear();
        v.clear();
        m.putAll(newM);
        v.putAll(newV);
        step = stepCount;
    }

    /** Moments outlive the step's NDScope, which would otherwise close them with the step's temporaries. */
    private static NDArray persistent(NDArray a) {
        NDScope.unregister(a);
        return a;
    }

    /** First moments by parameter name (for checkpoints). */
    public Map<String, NDArray> firstMoments() {
        return m;
    }

    /** Second moments by parameter name (for checkpoints). */
    public Map<String, NDArray> secondMoments() {
        return v;
    }
}
