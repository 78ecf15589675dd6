package org.lorapipeline.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipeline.core.train.LossScaler;

/**
 * Everything besides tensors that a resumed run needs to continue exactly ({@code trainer_state.json} of a
 * checkpoint). The dropout generator is not saved: the run reseeds it from (seed, step) before every step, so the
 * step number is the generator state.
 *
 * @param globalStep           optimizer steps done
 * @param epoch                0-based epoch of the next micro-batch
 * @param batchIndex           index of the next micro-batch in that epoch's shuffled order
 * @param optimizerStep        AdamW's own step count (skipped steps do not advance it)
 * @param seed                 the run's seed (data order, dropout)
 * @param totalSteps           steps planned for the run (the schedule depends on it)
 * @param consecutiveNonFinite NaN/Inf steps in a row just before the save
 * @param examples             training rows when saved (a change means the data changed)
 * @param batchSize            batch_size when saved
 * @param lossScaler           the fp16 loss scaler's scale and growth tracker, or null when the run did not scale
 *                             (also for checkpoints written before loss scaling existed)
 */
public record TrainerState(long globalStep, int epoch, int batchIndex, long optimizerStep, long seed, long totalSteps,
                           int consecutiveNonFinite, int examples, int batchSize, LossScaler.State lossScaler) {
    public static final String FILE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public TrainerState {
        if (globalStep < 0 || epoch < 0 || batchIndex < 0 || optimizerStep < 0) {
            throw new IllegalArgumentException("trainer state counters must be >= 0");
        }
    }

    /** A state without loss scaling. */
    public TrainerState(long globalStep, int epoch, int batchIndex, long optimizerStep, long seed, long totalSteps,
                        int consecutiveNonFinite, int examples, int batchSize) {
        this(globalStep, epoch, batchIndex, optimizerStep, seed, totalSteps, consecutiveNonFinite, examples, batchSize,
                null);
    }

    public void write(Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("global_step", globalStep);
        n.put("epoch", epoch);
        n.put("batch_index", batchIndex);
        n.put("optimizer_step", optimizerStep);
        n.put("seed", seed);
        n.put("total_steps", totalSteps);
        n.put("consecutive_nonfinite", consecutiveNonFinite);
        n.put("examples", examples);
        n.put("batch_size", batchSize);
        if (lossScaler != null) {
            ObjectNode scaler = n.putObject("loss_scaler");
            scaler.put("scale", lossScaler.scale());
            scaler.put("growth_tracker", lossScaler.growthTracker());
        }
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n",
                StandardCharsets.UTF_8);
    }

    public static TrainerState read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file.getParent() + " is not a checkpoint of this tool (no " + FILE
                    + "); resume_from needs a checkpoint-NNNNNN folder or 'latest'");
        }
        JsonNode n = JSON.readTree(Files.readString(file));
        try {
            return new TrainerState(req(n, "global_step", file).asLong(), req(n, "epoch", file).asInt(),
                    req(n, "batch_index", file).asInt(), req(n, "optimizer_step", file).asLong(),
                    req(n, "seed", file).asLong(), req(n, "total_steps", file).asLong(),
                    n.path("consecutive_nonfinite").asInt(0), req(n, "examples", file).asInt(),
                    req(n, "batch_size", file).asInt(), lossScaler(n.get("loss_scaler"), file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Absent in checkpoints of runs without loss scaling and in those written before it existed. */
    private static LossScaler.State lossScaler(JsonNode n, Path file) {
        if (n == null || n.isNull()) {
            return null;
        }
        return new LossScaler.State(req(n, "scale", file).floatValue(), req(n, "growth_tracker", file).asInt());
    }

    private static JsonNode req(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException(file + ": '" + key + "' missing or not a number");
        }
        return v;
    }
}
