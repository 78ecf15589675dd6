package org.lorapipeline.core.sd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The training-relevant part of {@code scheduler/scheduler_config.json}: the DDPM beta schedule and what the model
 * predicts. Names follow the JSON keys.
 *
 * @param betaSchedule   {@code scaled_linear} (SD), {@code linear}
 * @param predictionType {@code epsilon} (SD 1.x) or {@code v_prediction}
 */
public record SchedulerConfig(int numTrainTimesteps, double betaStart, double betaEnd, String betaSchedule,
                              String predictionType) {
    static final List<String> SCHEDULES = List.of("scaled_linear", "linear");
    static final List<String> PREDICTIONS = List.of("epsilon", "v_prediction");

    public SchedulerConfig {
        if (numTrainTimesteps < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be >= 2, got " + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1)) {
            throw new IllegalArgumentException("need 0 < beta_start < beta_end < 1, got beta_start " + betaStart
                    + ", beta_end " + betaEnd);
        }
        if (!SCHEDULES.contains(betaSchedule)) {
            throw new IllegalArgumentException("beta_schedule " + betaSchedule + " is not supported " + SCHEDULES);
        }
        if (!PREDICTIONS.contains(predictionType)) {
            throw new IllegalArgumentException("prediction_type " + predictionType + " is not supported "
                    + PREDICTIONS);
        }
    }

    /** Stable Diffusion 1.x's schedule. */
    public static SchedulerConfig sd15() {
        return new SchedulerConfig(1000, 0.00085, 0.012, "scaled_linear", "epsilon");
    }

    public static SchedulerConfig read(Path file) throws IOException {
        JsonNode root = SdJson.read(file);
        try {
            SchedulerConfig d = sd15();
            return new SchedulerConfig(
                    SdJson.integer(root, "num_train_timesteps", d.numTrainTimesteps()),
                    SdJson.number(root, "beta_start", d.betaStart()),
                    SdJson.number(root, "beta_end", d.betaEnd()),
                    SdJson.text(root, "beta_schedule", d.betaSchedule()),
                    SdJson.text(root, "prediction_type", d.predictionType()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** SD 1.5's PNDMScheduler config with these values, as diffusers writes it. */
    public ObjectNode toJson() {
        ObjectNode o = SdJson.mapper().createObjectNode();
        o.put("_class_name", "PNDMScheduler");
        o.put("_diffusers_version", "0.30.0");
        o.put("beta_end", betaEnd);
        o.put("beta_schedule", betaSchedule);
        o.put("beta_start", betaStart);
        o.put("clip_sample", false);
        o.put("num_train_timesteps", numTrainTimesteps);
        o.put("prediction_type", predictionType);
        o.put("set_alpha_to_one", false);
        o.put("skip_prk_steps", true);
        o.put("steps_offset", 1);
        o.put("timestep_spacing", "leading");
        o.putNull("trained_betas");
        return o;
    }
}
