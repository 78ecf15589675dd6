package org.lorapipeline.core.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Dynamic loss scaling for fp16 training, with the semantics of {@code torch.cuda.amp.GradScaler}:
 * <ul>
 *   <li>the loss is multiplied by {@link #scale()} before backward, so small fp16 gradients do not flush to zero;</li>
 *   <li>{@link #unscale} multiplies the gradients by {@code 1/scale} (before clipping, so {@code max_grad_norm} sees
 *       true gradients) and reports whether any of them is Inf/NaN;</li>
 *   <li>{@link #update}: after an overflow the step is skipped and the scale is multiplied by the backoff factor;
 *       after {@code growthInterval} overflow-free steps in a row it is multiplied by the growth factor (only when
 *       the grown scale is still finite).</li>
 * </ul>
 * GradScaler's defaults: init_scale 2^16, growth_factor 2, backoff_factor 0.5, growth_interval 2000. A disabled
 * scaler ({@link #disabled()}, for fp32 and bf16) has scale 1 and never skips a step on its own.
 *
 * <p>Written here because DJL has no GradScaler; the scale lives in Java (a float, as GradScaler keeps a float32
 * tensor) since the trainer reads the overflow flag on the host anyway.
 */
public final class LossScaler {
    /** GradScaler's {@code init_scale}. */
    public static final float INIT_SCALE = 65536f;
    /** GradScaler's {@code growth_factor}. */
    public static final float GROWTH_FACTOR = 2f;
    /** GradScaler's {@code backoff_factor}. */
    public static final float BACKOFF_FACTOR = 0.5f;
    /** GradScaler's {@code growth_interval}: overflow-free steps before the scale grows. */
    public static final int GROWTH_INTERVAL = 2000;

    /**
     * What a checkpoint keeps (GradScaler's {@code state_dict()} "scale" and "_growth_tracker").
     *
     * @param scale         the current scale, finite and > 0
     * @param growthTracker overflow-free steps since the last growth or backoff, >= 0
     */
    public record State(float scale, int growthTracker) {
        public State {
            if (!(scale > 0) || Float.isInfinite(scale)) {
                throw new IllegalArgumentException("loss scale must be finite and > 0, got " + scale);
            }
            if (growthTracker < 0) {
                throw new IllegalArgumentException("loss scale growth tracker must be >= 0, got " + growthTracker);
            }
        }
    }

    private final boolean enabled;
    private final float growthFactor;
    private final float backoffFactor;
    private final int growthInterval;
    private float scale;
    private int growthTracker;

    private LossScaler(boolean enabled, float initScale, float growthFactor, float backoffFactor, int growthInterval) {
        if (!(initScale > 0) || Float.isInfinite(initScale)) {
            throw new IllegalArgumentException("init_scale must be finite and > 0, got " + initScale);
        }
        if (!(growthFactor > 1)) {
            throw new IllegalArgumentException("growth_factor must be > 1, got " + growthFactor);
        }
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("backoff_factor must be in (0, 1), got " + backoffFactor);
        }
        if (growthInterval < 1) {
            throw new IllegalArgumentException("growth_interval must be >= 1, got " + growthInterval);
        }
        this.enabled = enabled;
        this.scale = initScale;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
    }

    /** A scaler with GradScaler's default settings. */
    public static LossScaler dynamic() {
        return dynamic(INIT_SCALE, GROWTH_FACTOR, BACKOFF_FACTOR, GROWTH_INTERVAL);
    }

    public static LossScaler dynamic(float initScale, float growthFactor, float backoffFactor, int growthInterval) {
        return new LossScaler(true, initScale, growthFactor, backoffFactor, growthInterval);
    }

    /** No scaling: scale 1, unscale is a no-op, update does nothing (fp32 and bf16 runs). */
    public static LossScaler disabled() {
        return new LossScaler(false, 1f, GROWTH_FACTOR, BACKOFF_FACTOR, GROWTH_INTERVAL);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The factor the loss is multiplied by before backward (1 when disabled). */
    public float scale() {
        return scale;
    }

    public int growthTracker() {
        return growthTracker;
    }

    /**
     * Divides every gradient by the scale in place (multiplying by the float reciprocal, as GradScaler does) and
     * checks them for Inf/NaN with one host read.
     *
     * @return true when some gradient is not finite (the step must be skipped); false without a check when disabled
     *         (the trainer's gradient norm catches non-finite values then)
     */
    public boolean unscale(Map<String, NDArray> grads) {
        if (!enabled || grads.isEmpty()) {
            return false;
        }
        float inv = (float) (1.0 / scale);
        NDArray nonFinite = null;
        for (NDArray g : grads.values()) {
            g.muli(inv);
            // x - x is 0 for finite x and NaN for Inf/NaN, so the sum is NaN exactly when something overflowed
            NDArray probe = g.sub(g).sum();
            nonFinite = nonFinite == null ? probe : nonFinite.add(probe.toDevice(nonFinite.getDevice(), false));
        }
        return Float.isNaN(nonFinite.getFloat());
    }

    /** Backs off after an overflow, grows after {@code growthInterval} clean steps; a no-op when disabled. */
    public void update(boolean foundInf) {
        if (!enabled) {
            return;
        }
        if (foundInf) {
            scale *= backoffFactor;
            growthTracker = 0;
            return;
        }
        int successful = growthTracker + 1;
        if (successful == growthInterval) {
            float grown = scale * growthFactor;
            if (Float.isFinite(grown)) {
                scale = grown;
            }
            growthTracker = 0;
        } else {
            growthTracker = successful;
        }
    }

    /** The state to checkpoint, or null when disabled (nothing to save). */
    public State state() {
        return enabled ? new State(scale, growthTracker) : null;
    }

    /** Puts a checkpointed state back (resume); ignored when disabled or when {@code saved} is null. */
    public void restore(State saved) {
        if (!enabled || saved == null) {
            return;
        }
        scale = saved.scale();
        growthTracker = saved.growthTracker();
    }

    @Override
    public String toString() {
        return enabled ? "dynamic loss scale " + scale + " (growth x" + growthFactor + " every " + growthInterval
                + " clean steps, backoff x" + backoffFactor + ")" : "no loss scaling";
    }
}
