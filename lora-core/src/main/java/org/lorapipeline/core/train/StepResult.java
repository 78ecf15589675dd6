package org.lorapipeline.core.train;

/**
 * What one optimizer step did.
 *
 * @param step         1-based optimizer step
 * @param loss         mean loss over the step's counted tokens (all micro-batches)
 * @param gradNorm     global gradient norm before clipping (after unscaling)
 * @param learningRate the learning rate used
 * @param tokens       number of tokens that counted in the loss
 * @param skipped      the loss or gradient norm was NaN/Inf, so no update was applied (gradients were dropped)
 * @param overflow     skipped with a finite loss while loss scaling is on: an fp16 gradient overflow that the
 *                     {@link LossScaler} answers by backing off, not a sign of divergence by itself
 * @param lossScale    the loss scale this step's gradients were computed with (1 without scaling)
 */
public record StepResult(long step, double loss, double gradNorm, double learningRate, long tokens, boolean skipped,
                         boolean overflow, float lossScale) {

    /** A step without loss scaling. */
    public StepResult(long step, double loss, double gradNorm, double learningRate, long tokens, boolean skipped) {
        this(step, loss, gradNorm, learningRate, tokens, skipped, false, 1f);
    }
}
