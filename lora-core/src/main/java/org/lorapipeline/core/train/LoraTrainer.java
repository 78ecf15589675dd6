package org.lorapipeline.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.lora.LoraModel;

/**
 * Trains the LoRA adapters of a {@link LlamaModel}: one {@link #step} is one optimizer update over any number of
 * micro-batches (gradient accumulation), with global-norm clipping and AdamW. Every micro-batch runs inside its own
 * {@link NDScope}, so all temporaries (activations, graph, gradients handles) are freed when it ends and memory stays
 * flat across steps.
 *
 * <p>Micro-batch losses are weighted by their counted tokens, so the accumulated gradient equals the gradient of
 * the mean loss over all counted tokens of the step, whatever the split (across micro-batches and, with
 * {@link DataParallel}, across replicas). With fp16 a {@link LossScaler} scales the loss, unscales the gradients
 * before clipping and skips steps whose gradients overflowed.
 */
public final class LoraTrainer {
    private final DataParallel replicas;
    private final LoraModel lora;
    private final TrainOptions options;
    private final LossScaler scaler;
    private final AdamW optimizer;
    private final NDManager state;

    public LoraTrainer(LlamaModel model, LoraModel lora, TrainOptions options) {
        this(DataParallel.single(model, lora), options, LossScaler.disabled());
    }

    /**
     * @param replicas one replica for plain training, several for data parallel; replica 0's parameters are the ones
     *                 the optimizer updates
     * @param scaler   {@link LossScaler#dynamic()} for fp16, {@link LossScaler#disabled()} otherwise
     */
    public LoraTrainer(DataParallel replicas, TrainOptions options, LossScaler scaler) {
        LlamaModel model = replicas.primary().model();
        this.replicas = replicas;
        this.lora = replicas.primary().lora();
        this.options = options;
        this.scaler = scaler;
        this.optimizer = new AdamW(options.beta1(), options.beta2(), options.epsilon(), options.weightDecay());
        this.state = model.manager().newSubManager();
        model.manager().getEngine().setRandomSeed((int) options.seed());
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public LossScaler lossScaler() {
        return scaler;
    }

    public DataParallel replicas() {
        return replicas;
    }

    /**
     * Puts saved optimizer state back (resume): the step count and both moments of every trainable array, by the
     * same names as {@link LoraModel#parameters()}. Other replicas get replica 0's (restored) parameters.
     */
    public void restoreOptimizer(long step, Map<String, float[]> firstMoments, Map<String, float[]> secondMoments) {
        optimizer.restore(step, firstMoments, secondMoments, lora.parameters(), state);
        replicas.broadcastParameters();
    }

    /** Reseeds the engine's generator (dropout masks); the run seeds each step from (seed, step) for exact resume. */
    public void reseed(long seed) {
        replicas.primary().model().manager().getEngine().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /**
     * One optimizer step.
     *
     * @param microBatches the batches whose gradients are accumulated into this step
     * @param learningRate this step's learning rate (from a scheduler)
     */
    public StepResult step(List<Batch> microBatches, double learningRate) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one micro-batch");
        }
        long total = 0;
        for (Batch b : microBatches) {
            total += CausalLmLoss.countedTokens(b.labels());
        }
        if (total == 0) {
            throw new IllegalArgumentException("no label counts in this step (all masked): check the response"
                    + " marker / cutoff length");
        }
        float scale = scaler.scale();
        double lossSum = 0;
        for (Batch b : microBatches) {
            if (CausalLmLoss.countedTokens(b.labels()) > 0) {
                lossSum += replicas.forwardBackward(b, total, scale);
            }
        }
        double norm;
        double loss = lossSum / total;
        boolean overflow;
        boolean skipped;
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> grads = replicas.reduceGradients();
            overflow = scaler.unscale(grads);
            norm = GradClip.clipByGlobalNorm(grads, options.maxGradNorm());
            // a NaN/Inf loss or gradient would poison the weights and both moments for good: drop the step instead
            skipped = overflow || !Double.isFinite(loss) || !Double.isFinite(norm);
            if (!skipped) {
                optimizer.update(lora.parameters(), grads, learningRate, state);
            }
            scaler.update(overflow);
            replicas.zeroGradients();
            scope.suppressNotUsedWarning();
        }
        if (!skipped && replicas.size() > 1) {
            replicas.broadcastParameters();
        }
        return new StepResult(optimizer.stepCount(), loss, norm, learningRate, total, skipped,
                scaler.enabled() && overflow && Double.isFinite(loss), scale);
    }
}
