package org.lorapipeline.core.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipeline.core.peft.LlamaProjection;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.peft.PeftKeys;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * Converts a PEFT LoRA adapter for a LLaMA model into a llama.cpp LoRA GGUF, reproducing llama.cpp's
 * {@code convert_lora_to_gguf.py} (F32 output): same KVs in the same order, tensors
 * {@code blk.N.<base>.weight.lora_a/lora_b} in the order the adapter file lists them, A [r,in] stored as
 * ne [in,r] and B [out,r] as ne [r,out] with bytes unchanged, except that lora_B rows of q_proj (by attention
 * heads) and k_proj (by KV heads) are permuted from HF's rotate-half RoPE layout to llama.cpp's interleaved one.
 */
public final class GgufLoraExport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufLoraExport() {}

    /** Head counts of the base model, from its HF {@code config.json}. */
    public record LlamaHeads(int numAttentionHeads, int numKeyValueHeads) {
        public LlamaHeads {
            if (numAttentionHeads <= 0 || numKeyValueHeads <= 0 || numAttentionHeads % numKeyValueHeads != 0) {
                throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                        + " must be a positive multiple of num_key_value_heads " + numKeyValueHeads);
            }
        }

        /** Reads a HF config.json; only LLaMA-architecture models are accepted. */
        public static LlamaHeads fromHfConfig(Path configJson) {
            JsonNode c;
            try {
                c = JSON.readTree(configJson.toFile());
            } catch (IOException e) {
                throw new GgufException(configJson + ": cannot read base model config.json (" + e.getMessage() + ")");
            }
            String arch = c.path("architectures").path(0).asText("");
            String modelType = c.path("model_type").asText("");
            if (!arch.equals("LlamaForCausalLM") && !modelType.equals("llama")) {
                throw new GgufException(configJson + ": base model is " + (arch.isEmpty() ? modelType : arch)
                        + "; only LlamaForCausalLM adapters can be exported to GGUF here");
            }
            JsonNode heads = c.get("num_attention_heads");
            if (heads == null || !heads.canConvertToInt()) {
                throw new GgufException(configJson + ": missing integer 'num_attention_heads'");
            }
            JsonNode kv = c.get("num_key_value_heads");
            int nKv = kv == null || kv.isNull() ? heads.asInt() : kv.asInt(); // HF default: same as heads
            return new LlamaHeads(heads.asInt(), nKv);
        }
    }

    /** Reads {@code peftDir} and {@code baseConfigJson} and writes the adapter GGUF to {@code out}. */
    public static void fromPeft(Path peftDir, Path baseConfigJson, Path out) {
        PeftAdapter adapter = PeftAdapter.read(peftDir);
        Path name = peftDir.toAbsolutePath().normalize().getFileName();
        build(adapter, LlamaHeads.fromHfConfig(baseConfigJson), idToTitle(name == null ? "" : name.toString()))
                .write(out);
    }

    /**
     * Builds the GGUF. {@code modelName} goes into {@code general.name}; the converter derives it from the
     * adapter directory name via {@link #idToTitle}.
     */
    public static GgufWriter build(PeftAdapter adapter, LlamaHeads heads, String modelName) {
        if (!adapter.config().alpha_pattern().isEmpty()) {
            // llama.cpp has one alpha per adapter file; per-module alphas cannot be expressed
            throw new GgufException("adapter_config.json alpha_pattern " + adapter.config().alpha_pattern()
                    + " cannot be exported: llama.cpp applies one lora_alpha to every module");
        }
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.type", "adapter")
                .putString("adapter.type", "lora");
        if (modelName != null && !modelName.isEmpty()) {
            w.putString("general.name", modelName);
        }
        w.putFloat32("adapter.lora.alpha", (float) adapter.config().lora_alpha());
        w.putUInt32("general.quantization_version", 2); // GGML_QUANT_VERSION, written by every converter

        for (Pair p : pairs(adapter)) {
            FloatTensor a = p.a();
            FloatTensor b = p.b();
            long[] bs = b.shape();
            float[] bData = switch (p.projection()) {
                case Q_PROJ -> permuteRows(b.data(), bs, heads.numAttentionHeads(), p.key());
                case K_PROJ -> permuteRows(b.data(), bs, heads.numKeyValueHeads(), p.key());
                default -> b.data();
            };
            if (adapter.config().use_rslora()) {
                bData = foldRsLoraScale(bData, bs[1]);
            }
            w.addTensor(p.ggufBase() + ".lora_a", a.shape(), a.data(), GgmlType.F32);
            w.addTensor(p.ggufBase() + ".lora_b", bs, bData, GgmlType.F32);
        }
        return w;
    }

    /**
     * llama.cpp scales by alpha/rank (rank = this tensor's r, so rank_pattern needs nothing); rsLoRA means
     * alpha/√r, so B is multiplied by √r. The upstream converter ignores use_rslora, which changes the output.
     */
    private static float[] foldRsLoraScale(float[] b, long rank) {
        float factor = (float) Math.sqrt(rank);
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] * factor;
        }
        return out;
    }

    private record Pair(String key, LlamaProjection projection, String ggufBase, FloatTensor a, FloatTensor b) {}

    /** A/B pairs in the order their first tensor appears in the adapter (the converter's dict order). */
    private static List<Pair> pairs(PeftAdapter adapter) {
        Map<String, PeftKeys.LlamaKey> order = new LinkedHashMap<>();
        for (String key : adapter.tensors().keySet()) {
            PeftKeys.LlamaKey k = PeftKeys.parseLlama(key).orElseThrow(() -> new GgufException(
                    "adapter tensor '" + key + "' is not a lora_A/lora_B of a LLaMA attention or MLP projection;"
                            + " only q/k/v/o/gate/up/down_proj LoRA can be exported to GGUF here"));
            order.putIfAbsent(k.projection().hfPath(k.layer()), k);
        }
        List<Pair> out = new ArrayList<>();
        for (PeftKeys.LlamaKey k : order.values()) {
            String aKey = PeftKeys.loraA(k.layer(), k.projection());
            String bKey = PeftKeys.loraB(k.layer(), k.projection());
            FloatTensor a = adapter.tensors().get(aKey);
            FloatTensor b = adapter.tensors().get(bKey);
            if (a == null || b == null) {
                throw new GgufException("adapter has " + (a == null ? bKey : aKey) + " but not its partner "
                        + (a == null ? aKey : bKey) + "; llama.cpp needs both");
            }
            if (a.rank() != 2 || b.rank() != 2 || a.shape()[0] != b.shape()[1]) {
                throw new GgufException(k.projection().hfPath(k.layer()) + ": lora_A must be [r,in] and lora_B"
                        + " [out,r] with the same r");
            }
            out.add(new Pair(bKey, k.projection(), k.projection().ggufWeight(k.layer()), a, b));
        }
        return out;
    }

    /**
     * llama.cpp's LlamaModel.permute on the rows of B [out, r]: view rows as (heads, 2, d/2), swap the last two,
     * so new row {@code h·d + 2i + j} takes HF row {@code h·d + j·d/2 + i}.
     */
    static float[] permuteRows(float[] data, long[] shape, int nHeads, String key) {
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        if (rows % (2 * nHeads) != 0) {
            throw new GgufException(key + ": " + rows + " rows cannot be split into " + nHeads
                    + " heads of even size; does the base config.json match this adapter?");
        }
        int d = rows / nHeads;
        int half = d / 2;
        float[] out = new float[data.length];
        for (int h = 0; h < nHeads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    int dst = h * d + 2 * i + j;
                    int src = h * d + j * half + i;
                    System.arraycopy(data, src * cols, out, dst * cols, cols);
                }
            }
        }
        return out;
    }

    /**
     * gguf-py's {@code Metadata.id_to_title}: dashes become spaces, all-lower-case words are title-cased
     * unless they look like a version ({@code v1.2}) or start with a digit.
     */
    public static String idToTitle(String id) {
        List<String> words = new ArrayList<>();
        for (String w : id.strip().replace('-', ' ').split("\\s+")) {
            if (w.isEmpty()) {
                continue;
            }
            boolean lower = w.equals(w.toLowerCase(Locale.ROOT)) && !w.equals(w.toUpperCase(Locale.ROOT));
            boolean versionLike = w.matches("v\\d+(?:\\.\\d+)*|\\d.*");
            words.add(lower && !versionLike ? title(w) : w);
        }
        return String.join(" ", words);
    }

    /** Python's str.title(): upper-case the first letter of each run of letters, lower-case the rest. */
    private static String title(String w) {
        StringBuilder sb = new StringBuilder(w.length());
        boolean prevLetter = false;
        for (char c : w.toCharArray()) {
            sb.append(prevLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            prevLetter = Character.isLetter(c);
        }
        return sb.toString();
    }
}
