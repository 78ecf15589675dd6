package org.lorapipeline.core.run;

import java.time.Duration;

/**
 * One optimizer step as a progress bar or a progress event shows it.
 *
 * @param step         1-based global optimizer step
 * @param totalSteps   steps of the whole run
 * @param epoch        fractional epoch (1.5 = half way through the second epoch)
 * @param loss         mean loss of the step over its counted tokens
 * @param learningRate learning rate used
 * @param gradNorm     global gradient norm before clipping
 * @param tokensPerSec token positions processed per second in this step (padding included); images per second
 *                     for Stable Diffusion runs
 * @param itPerSec     optimizer steps per second, averaged over this session
 * @param eta          estimated time to the last step
 * @param skipped      the step was dropped because its loss or gradients were not finite
 */
public record RunProgress(long step, long totalSteps, double epoch, double loss, double learningRate, double gradNorm,
                          double tokensPerSec, double itPerSec, Duration eta, boolean skipped) {}
