package org.lorapipeline.core.train;

/**
 * What one optimizer step did.
 *
 * @param step         1-based optimizer step
 * @param loss         mean loss over the step's counted tokens (all micro-batches)
 * @param gradNorm     global gradient norm before clipping
 * @param learningRate the learning rate used
 * @param tokens       number of tokens that counted in the loss
 * @param skipped      the loss or gradient norm was NaN/Inf, so no update was applied (gradients were dropped)
 */
public record StepResult(long step, double loss, double gradNorm, double learningRate, long tokens, boolean skipped) {}
