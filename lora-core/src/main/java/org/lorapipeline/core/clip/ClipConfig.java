package org.lorapipeline.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipeline.core.json.ConfigFiles;

/**
 * A Hugging Face {@code CLIPModel} {@code config.json}: both towers plus the shared embedding size.
 *
 * @param text                 {@code text_config} (older exports: {@code text_config_dict})
 * @param vision               {@code vision_config} (older exports: {@code vision_config_dict})
 * @param projectionDim        {@code projection_dim} (512 for B/32, 768 for L/14)
 * @param logitScaleInitValue  {@code logit_scale_init_value}; the checkpoint's {@code logit_scale} wins
 */
public record ClipConfig(ClipTextConfig text, ClipVisionConfig vision, int projectionDim,
                         double logitScaleInitValue) {

    public ClipConfig {
        if (text == null || vision == null) {
            throw new IllegalArgumentException("text_config and vision_config are required");
        }
        ConfigJson.positive("projection_dim", projectionDim);
    }

    /** Reads {@code config.json}; errors name the file and key. */
    public static ClipConfig read(Path configJson) throws IOException {
        return ConfigFiles.read(configJson, ClipConfig::fromJson);
    }

    public static ClipConfig fromJson(JsonNode c) {
        if (c == null || !c.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object");
        }
        String type = ConfigJson.optText(c, "model_type", "clip");
        if (!type.equals("clip")) {
            throw new IllegalArgumentException("model_type '" + type + "' is not a CLIPModel; supply a Hugging Face"
                    + " CLIP folder (model_type clip, e.g. openai/clip-vit-large-patch14)");
        }
        JsonNode text = section(c, "text_config");
        JsonNode vision = section(c, "vision_config");
        return new ClipConfig(ClipTextConfig.fromJson(text), ClipVisionConfig.fromJson(vision),
                ConfigJson.optInt(c, "projection_dim", 512), ConfigJson.optDouble(c, "logit_scale_init_value",
                2.6592));
    }

    private static JsonNode section(JsonNode c, String key) {
        JsonNode n = c.get(key);
        if (n == null || n.isNull()) {
            n = c.get(key + "_dict");
        }
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("'" + key + "' is missing; a CLIPModel config has both text_config and"
                    + " vision_config");
        }
        return n;
    }
}
