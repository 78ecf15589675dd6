package org.lorapipeline.core.llama;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipeline.core.json.ConfigFiles;

/**
 * A LLaMA architecture as Hugging Face {@code LlamaConfig} writes it in {@code config.json}; field names follow
 * the JSON keys so a reader can grep one from the other. Defaults are the transformers class defaults.
 *
 * @param hiddenSize            {@code hidden_size}
 * @param intermediateSize      {@code intermediate_size}
 * @param numAttentionHeads     {@code num_attention_heads}
 * @param numKeyValueHeads      {@code num_key_value_heads} (defaults to the attention heads: no GQA)
 * @param numHiddenLayers       {@code num_hidden_layers}
 * @param headDim               {@code head_dim} (defaults to hidden_size / num_attention_heads)
 * @param rmsNormEps            {@code rms_norm_eps} (default 1e-6)
 * @param ropeTheta             {@code rope_theta} (default 10000)
 * @param ropeScaling           {@code rope_scaling}, null for none
 * @param vocabSize             {@code vocab_size}
 * @param maxPositionEmbeddings {@code max_position_embeddings} (default 2048)
 * @param tieWordEmbeddings     {@code tie_word_embeddings} (default false): lm_head shares embed_tokens
 */
public record LlamaConfig(int hiddenSize, int intermediateSize, int numAttentionHeads, int numKeyValueHeads,
                          int numHiddenLayers, int headDim, double rmsNormEps, double ropeTheta,
                          RopeScaling ropeScaling, int vocabSize, int maxPositionEmbeddings,
                          boolean tieWordEmbeddings) {


    public LlamaConfig {
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("num_hidden_layers", numHiddenLayers);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads + ") must be a multiple of"
                    + " num_key_value_heads (" + numKeyValueHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
        }
        if (!(rmsNormEps > 0)) {
            throw new IllegalArgumentException("rms_norm_eps must be > 0, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0)) {
            throw new IllegalArgumentException("rope_theta must be > 0, got " + ropeTheta);
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }

    /** Query heads per key/value head. */
    public int kvGroups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Reads {@code config.json}; errors name the file and the key. */
    public static LlamaConfig read(Path configJson) throws IOException {
        return ConfigFiles.read(configJson, LlamaConfig::fromJson);
    }

    /** Binds a parsed {@code config.json}. */
    public static LlamaConfig fromJson(JsonNode c) {
        if (c == null || !c.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object");
        }
        String type = text(c, "model_type", "llama");
        if (!type.equals("llama")) {
            throw new IllegalArgumentException("model_type '" + type + "' is not a LLaMA model; supply a Hugging Face"
                    + " LLaMA checkpoint (model_type llama)");
        }
        String act = text(c, "hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act '" + act + "' unsupported; LLaMA uses silu");
        }
        for (String bias : new String[] {"attention_bias", "mlp_bias"}) {
            if (c.path(bias).asBoolean(false)) {
                throw new IllegalArgumentException(bias + "=true is not supported (LLaMA projections have no bias)");
            }
        }
        int hidden = required(c, "hidden_size");
        int heads = required(c, "num_attention_heads");
        int kv = optInt(c, "num_key_value_heads", heads);
        int headDim = optInt(c, "head_dim", heads > 0 && hidden % heads == 0 ? hidden / heads : -1);
        if (headDim == -1) {
            throw new IllegalArgumentException("hidden_size " + hidden + " is not divisible by num_attention_heads "
                    + heads + " and head_dim is not given");
        }
        return new LlamaConfig(hidden, required(c, "intermediate_size"), heads, kv, required(c, "num_hidden_layers"),
                headDim, optDouble(c, "rms_norm_eps", 1e-6), optDouble(c, "rope_theta", 10000.0),
                ropeScaling(c.get("rope_scaling")), required(c, "vocab_size"),
                optInt(c, "max_position_embeddings", 2048), c.path("tie_word_embeddings").asBoolean(false));
    }

    private static RopeScaling ropeScaling(JsonNode r) {
        if (r == null || r.isNull()) {
            return null;
        }
        String type = r.hasNonNull("rope_type") ? r.get("rope_type").asText() : r.path("type").asText(null);
        if ("default".equals(type)) {
            return null;
        }
        if (!r.hasNonNull("factor")) {
            throw new IllegalArgumentException("rope_scaling.factor is missing");
        }
        return new RopeScaling(type, r.get("factor").asDouble(), r.path("low_freq_factor").asDouble(0),
                r.path("high_freq_factor").asDouble(0), r.path("original_max_position_embeddings").asInt(0));
    }

    private static int required(JsonNode c, String key) {
        JsonNode n = c.get(key);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("required key '" + key + "' is missing");
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be an integer, got " + n);
        }
        return n.asInt();
    }

    private static int optInt(JsonNode c, String key, int dflt) {
        return c.hasNonNull(key) ? required(c, key) : dflt;
    }

    private static double optDouble(JsonNode c, String key, double dflt) {
        JsonNode n = c.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be a number, got " + n);
        }
        return n.asDouble();
    }

    private static String text(JsonNode c, String key, String dflt) {
        JsonNode n = c.get(key);
        return n == null || n.isNull() ? dflt : n.asText();
    }
}
