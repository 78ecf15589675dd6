package org.lorapipeline.core.llama;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.tensor.AtomicFiles;

/**
 * Writes a tiny random LLaMA as a real Hugging Face folder ({@code config.json}, {@code model.safetensors},
 * {@code generation_config.json}, {@code tokenizer.json}, {@code tokenizer_config.json},
 * {@code special_tokens_map.json}), so tests and demos run the same loading code as a full-size model. Weights are
 * N(0, 0.1²) (transformers' 0.02 leaves a 64-wide model's logits almost flat, so a LoRA could barely move the loss),
 * norms 1; the tokenizer is learned from a generated corpus
 * ({@link LlamaBpeBuilder}) and its size is the model's {@code vocab_size}.
 */
public final class TinyLlamaFolder {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tokenizer size of the tiny model: specials + 256 bytes + characters + merges. */
    public static final int TINY_VOCAB = 512;
    /** Standard deviation of the random weights (also written as {@code initializer_range}). */
    public static final double INIT_STD = 0.1;

    private TinyLlamaFolder() {}

    /** The tiny architecture: 2 layers, hidden 64, 4 heads / 2 KV heads (GQA), FFN 128. */
    public static LlamaConfig tinyConfig(int vocabSize) {
        return new LlamaConfig(64, 128, 4, 2, 2, 16, 1e-5, 10000.0, null, vocabSize, 256, false);
    }

    /** About 100M parameters with a Llama-2 vocabulary: hidden 768, 8 layers, 12 heads, FFN 2048, vocab 32000. */
    public static LlamaConfig config100m() {
        return new LlamaConfig(768, 2048, 12, 12, 8, 64, 1e-5, 10000.0, null, 32000, 2048, false);
    }

    /** Parameter count of a config (untied head). */
    public static long parameterCount(LlamaConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long perLayer = 2 * h + h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize();
        return c.numHiddenLayers() * perLayer + h + (c.tieWordEmbeddings() ? 1 : 2) * c.vocabSize() * h;
    }

    /** Writes the tiny model with its tokenizer into {@code dir} (created; existing files are replaced). */
    public static LlamaConfig write(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        LlamaBpeBuilder.Vocabulary vocab = LlamaBpeBuilder.learn(corpus(), TINY_VOCAB);
        LlamaConfig config = tinyConfig(vocab.vocab().size());
        writeString(dir.resolve("tokenizer.json"), LlamaBpeBuilder.tokenizerJson(vocab));
        writeString(dir.resolve("tokenizer_config.json"), LlamaBpeBuilder.tokenizerConfigJson(
                config.maxPositionEmbeddings()));
        writeString(dir.resolve("special_tokens_map.json"), "{\n  \"bos_token\": \"<s>\",\n  \"eos_token\": \"</s>\",\n"
                + "  \"unk_token\": \"<unk>\"\n}\n");
        writeWeights(dir, config, seed);
        return config;
    }

    /** Writes {@code config.json}, {@code generation_config.json} and random {@code model.safetensors}. */
    public static void writeWeights(Path dir, LlamaConfig c, long seed) throws IOException {
        writeString(dir.resolve("config.json"), configJson(c));
        writeString(dir.resolve("generation_config.json"),
                "{\n  \"_from_model_config\": true,\n  \"bos_token_id\": 1,\n  \"eos_token_id\": 2\n}\n");
        Random rng = new Random(seed);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, long[]> e : shapes(c).entrySet()) {
            long[] shape = e.getValue();
            int n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, (int) d);
            }
            float[] v = new float[n];
            boolean norm = e.getKey().endsWith("norm.weight");
            for (int i = 0; i < n; i++) {
                v[i] = norm ? 1f : (float) (INIT_STD * rng.nextGaussian());
            }
            w.add(e.getKey(), shape, v, DType.F32);
        }
        w.write(dir.resolve("model.safetensors"));
    }

    /** HF weight names and shapes of a config, in checkpoint order. */
    public static Map<String, long[]> shapes(LlamaConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long i = c.intermediateSize();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            s.put(p + "input_layernorm.weight", new long[] {h});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            s.put(p + "post_attention_layernorm.weight", new long[] {h});
            s.put(p + "mlp.gate_proj.weight", new long[] {i, h});
            s.put(p + "mlp.up_proj.weight", new long[] {i, h});
            s.put(p + "mlp.down_proj.weight", new long[] {h, i});
        }
        s.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            s.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return s;
    }

    /** {@code config.json} with transformers' LlamaConfig keys. */
    public static String configJson(LlamaConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("LlamaForCausalLM");
        n.put("attention_bias", false);
        n.put("attention_dropout", 0.0);
        n.put("bos_token_id", 1);
        n.put("eos_token_id", 2);
        n.put("head_dim", c.headDim());
        n.put("hidden_act", "silu");
        n.put("hidden_size", c.hiddenSize());
        n.put("initializer_range", INIT_STD);
        n.put("intermediate_size", c.intermediateSize());
        n.put("max_position_embeddings", c.maxPositionEmbeddings());
        n.put("mlp_bias", false);
        n.put("model_type", "llama");
        n.put("num_attention_heads", c.numAttentionHeads());
        n.put("num_hidden_layers", c.numHiddenLayers());
        n.put("num_key_value_heads", c.numKeyValueHeads());
        n.put("rms_norm_eps", c.rmsNormEps());
        n.putNull("rope_scaling");
        n.put("rope_theta", c.ropeTheta());
        n.put("tie_word_embeddings", c.tieWordEmbeddings());
        n.put("torch_dtype", "float32");
        n.put("use_cache", true);
        n.put("vocab_size", c.vocabSize());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A generated English corpus: the alpaca template lines plus short sentences from a fixed word list, so common
     * words and the template markers become single tokens.
     */
    public static List<String> corpus() {
        String[] words = ("the a an of to and in is it you that he was for on are with as I his they be at one have"
                + " this from or had by hot word but what some we can out other were all there when up use your how"
                + " said each she which do their time if will way about many then them write would like so these her"
                + " long make thing see him two has look more day could go come did number sound no most people my"
                + " over know water than call first who may down side been now find any new work part take get place"
                + " made live where after back little only round man year came show every good me give our under name"
                + " very through just form sentence great think say help low line differ turn cause much mean before"
                + " move right boy old too same tell does set three want air well also play small end put home read"
                + " hand port large spell add even land here must big high such follow act why ask men change went"
                + " light kind off need house picture try us again animal point mother world near build self earth"
                + " father order refund customer package damaged wrong item photo warehouse coupon answer question")
                .split(" ");
        List<String> lines = new ArrayList<>();
        lines.add("Below is an instruction that describes a task. Write a response that appropriately completes the"
                + " request.");
        lines.add("Below is an instruction that describes a task, paired with an input that provides further"
                + " context. Write a response that appropriately completes the request.");
        for (int i = 0; i < 60; i++) {
            lines.add("### Instruction:");
            lines.add("### Input:");
            lines.add("### Response:");
        }
        Random rng = new Random(7);
        for (int s = 0; s < 400; s++) {
            StringBuilder b = new StringBuilder();
            int n = 4 + rng.nextInt(10);
            for (int k = 0; k < n; k++) {
                b.append(k == 0 ? "" : " ").append(words[rng.nextInt(words.length)]);
            }
            b.append(rng.nextInt(4) == 0 ? "?" : ".").append(rng.nextInt(5) == 0 ? " " + rng.nextInt(100) : "");
            lines.add(b.toString());
        }
        return lines;
    }

    private static void writeString(Path f, String text) throws IOException {
        AtomicFiles.write(f, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
