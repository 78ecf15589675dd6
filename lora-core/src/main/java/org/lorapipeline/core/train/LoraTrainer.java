package org.lorapipeline.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.engine.Gradients;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.lora.LoraModel;

/**
 * Trains the LoRA adapters of a {@link LlamaModel}: one {@link #step} is one optimizer update over any number of
 * micro-batches (gradient accumulation), with global-norm clipping and AdamW. Every micro-batch runs inside its own
 * {@link NDScope}, so all temporaries (activations, graph, gradients handles) are freed when it ends and memory stays
 * flat across steps.
 *
 * <p>Micro-batch losses are weighted by their counted tokens, so the accumulated gradient equals the gradient of
 * the mean loss over all counted tokens of the step, whatever the split.
 */
public final class LoraTrainer {
    private final LlamaModel model;
    private final LoraModel lora;
    private final TrainOptions options;
    private final AdamW optimizer;
    private final NDManager state;

    public LoraTrainer(LlamaModel model, LoraModel lora, TrainOptions options) {
        this.model = model;
        this.lora = lora;
        this.options = options;
        this.optimizer = new AdamW(options.beta1(), options.beta2(), options.epsilon(), options.weightDecay());
        this.state = model.manager().newSubManager();
        model.manager().getEngine().setRandomSeed((int) options.seed());
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /**
     * Puts saved optimizer state back (resume): the step count and both moments of every trainable array, by the
     * same names as {@link LoraModel#parameters()}.
     */
    public void restoreOptimizer(long step, Map<String, float[]> firstMoments, Map<String, float[]> secondMoments) {
        optimizer.restore(step, firstMoments, secondMoments, lora.parameters(), state);
    }

    /** Reseeds the engine's generator (dropout masks); the run seeds each step from (seed, step) for exact resume. */
    public void reseed(long seed) {
        model.manager().getEngine().setRandomSeed((int) (seed ^ (seed >>> 32)));
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
        Map<String, NDArray> params = lora.parameters();
        Engine engine = model.manager().getEngine();
        double lossSum = 0;
        for (Batch b : microBatches) {
            long counted = CausalLmLoss.countedTokens(b.labels());
            if (counted == 0) {
                continue;
            }
            try (NDScope scope = new NDScope(); NDManager step = model.manager().newSubManager()) {
                NDArray ids = Tensors.ids(step, b.ids());
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray loss = CausalLmLoss.loss(model.forward(ids, true), b.labels());
                    lossSum += loss.getFloat() * counted;
                    gc.backward(loss.mul((float) counted / total));
                }
                scope.suppressNotUsedWarning();
            }
        }
        double norm;
        double loss = lossSum / total;
        boolean skipped;
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            params.forEach((k, p) -> grads.put(k, p.getGradient()));
            norm = GradClip.clipByGlobalNorm(grads, options.maxGradNorm());
            // a NaN/Inf loss or gradient would poison the weights and both moments for good: drop the step instead
            skipped = !Double.isFinite(loss) || !Double.isFinite(norm);
            if (!skipped) {
                optimizer.update(params, grads, learningRate, state);
            }
            params.values().forEach(Gradients::zero);
            scope.suppressNotUsedWarning();
        }
        return new StepResult(optimizer.stepCount(), loss, norm, learningRate, total, skipped);
    }
}
