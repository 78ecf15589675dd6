package org.lorapipeline.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import org.lorapipeline.core.clip.ClipTextConfig.Activation;

/**
 * The vision tower as transformers' {@code CLIPVisionConfig} writes it ({@code vision_config}); defaults are the
 * class defaults (ViT-B/32).
 *
 * @param hiddenSize        {@code hidden_size}
 * @param intermediateSize  {@code intermediate_size}
 * @param numAttentionHeads {@code num_attention_heads}
 * @param numHiddenLayers   {@code num_hidden_layers}
 * @param imageSize         {@code image_size} (224)
 * @param patchSize         {@code patch_size} (32 for B/32, 14 for L/14)
 * @param numChannels       {@code num_channels} (3)
 * @param hiddenAct         {@code hidden_act}
 * @param layerNormEps      {@code layer_norm_eps}
 */
public record ClipVisionConfig(int hiddenSize, int intermediateSize, int numAttentionHeads, int numHiddenLayers,
                               int imageSize, int patchSize, int numChannels, Activation hiddenAct,
                               double layerNormEps) {

    public ClipVisionConfig {
        ConfigJson.positive("vision_config.hidden_size", hiddenSize);
        ConfigJson.positive("vision_config.intermediate_size", intermediateSize);
        ConfigJson.positive("vision_config.num_attention_heads", numAttentionHeads);
        ConfigJson.positive("vision_config.num_hidden_layers", numHiddenLayers);
        ConfigJson.positive("vision_config.image_size", imageSize);
        ConfigJson.positive("vision_config.patch_size", patchSize);
        ConfigJson.positive("vision_config.num_channels", numChannels);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("vision_config.hidden_size " + hiddenSize + " is not divisible by"
                    + " num_attention_heads " + numAttentionHeads);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("vision_config.image_size " + imageSize + " is not a multiple of"
                    + " patch_size " + patchSize);
        }
        if (hiddenAct == null) {
            throw new IllegalArgumentException("vision_config.hidden_act must be set");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("vision_config.layer_norm_eps must be > 0, got " + layerNormEps);
        }
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Patches per side. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Sequence length: one class token plus the patches. */
    public int numPositions() {
        return gridSize() * gridSize() + 1;
    }

    public static ClipVisionConfig fromJson(JsonNode c) {
        return new ClipVisionConfig(ConfigJson.optInt(c, "hidden_size", 768),
                ConfigJson.optInt(c, "intermediate_size", 3072), ConfigJson.optInt(c, "num_attention_heads", 12),
                ConfigJson.optInt(c, "num_hidden_layers", 12), ConfigJson.optInt(c, "image_size", 224),
                ConfigJson.optInt(c, "patch_size", 32), ConfigJson.optInt(c, "num_channels", 3),
                Activation.parse(ConfigJson.optText(c, "hidden_act", "quick_gelu"), "vision_config."),
                ConfigJson.optDouble(c, "layer_norm_eps", 1e-5));
    }
}
