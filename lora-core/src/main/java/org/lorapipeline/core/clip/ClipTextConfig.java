package org.lorapipeline.core.clip;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The text tower of a CLIP model as transformers' {@code CLIPTextConfig} writes it ({@code text_config} of a
 * {@code CLIPModel} config, or the whole {@code config.json} of SD's {@code text_encoder/}). Defaults are the
 * transformers class defaults (ViT-B/32's text tower).
 *
 * @param hiddenSize            {@code hidden_size}
 * @param intermediateSize      {@code intermediate_size}
 * @param numAttentionHeads     {@code num_attention_heads}
 * @param numHiddenLayers       {@code num_hidden_layers}
 * @param maxPositionEmbeddings {@code max_position_embeddings} (77)
 * @param vocabSize             {@code vocab_size}
 * @param hiddenAct             {@code hidden_act}: quick_gelu (OpenAI CLIP) or gelu (SD 2 / OpenCLIP)
 * @param layerNormEps          {@code layer_norm_eps}
 * @param eosTokenId            {@code eos_token_id}; 2 is transformers' legacy value meaning "pool at argmax(id)"
 */
public record ClipTextConfig(int hiddenSize, int intermediateSize, int numAttentionHeads, int numHiddenLayers,
                             int maxPositionEmbeddings, int vocabSize, Activation hiddenAct, double layerNormEps,
                             int eosTokenId) {

    /** The MLP activations CLIP checkpoints use, by their config names. */
    public enum Activation {
        QUICK_GELU("quick_gelu"), GELU("gelu");

        private final String key;

        Activation(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static Activation parse(String value, String where) {
            for (Activation a : values()) {
                if (a.key.equals(value)) {
                    return a;
                }
            }
            throw new IllegalArgumentException(where + "hidden_act '" + value + "' unsupported; expected quick_gelu"
                    + " or gelu");
        }
    }

    public ClipTextConfig {
        ConfigJson.positive("text_config.hidden_size", hiddenSize);
        ConfigJson.positive("text_config.intermediate_size", intermediateSize);
        ConfigJson.positive("text_config.num_attention_heads", numAttentionHeads);
        ConfigJson.positive("text_config.num_hidden_layers", numHiddenLayers);
        ConfigJson.positive("text_config.max_position_embeddings", maxPositionEmbeddings);
        ConfigJson.positive("text_config.vocab_size", vocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("text_config.hidden_size " + hiddenSize + " is not divisible by"
                    + " num_attention_heads " + numAttentionHeads);
        }
        if (hiddenAct == null) {
            throw new IllegalArgumentException("text_config.hidden_act must be set");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("text_config.layer_norm_eps must be > 0, got " + layerNormEps);
        }
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** True for configs that pool at the highest id (OpenAI's vocabulary, where EOS is the largest id). */
    public boolean poolsAtArgmax() {
        return eosTokenId == 2;
    }

    /** Binds a {@code text_config} object or a flat {@code CLIPTextModel} config. */
    public static ClipTextConfig fromJson(JsonNode c) {
        return new ClipTextConfig(ConfigJson.optInt(c, "hidden_size", 512), ConfigJson.optInt(c, "intermediate_size",
                2048), ConfigJson.optInt(c, "num_attention_heads", 8), ConfigJson.optInt(c, "num_hidden_layers", 12),
                ConfigJson.optInt(c, "max_position_embeddings", 77), ConfigJson.optInt(c, "vocab_size", 49408),
                Activation.parse(ConfigJson.optText(c, "hidden_act", "quick_gelu"), "text_config."),
                ConfigJson.optDouble(c, "layer_norm_eps", 1e-5), ConfigJson.optInt(c, "eos_token_id", 49407));
    }
}
