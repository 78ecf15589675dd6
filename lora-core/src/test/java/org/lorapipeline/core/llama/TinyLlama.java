package org.lorapipeline.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.engine.Tensors;

/** A seeded random LLaMA with the real HF weight names and shapes, for tests that need no checkpoint file. */
public final class TinyLlama {
    private TinyLlama() {}

    public static LlamaConfig config() {
        return new LlamaConfig(32, 48, 4, 2, 2, 8, 1e-5, 10000.0, null, 50, 64, false);
    }

    public static Map<String, long[]> shapes(LlamaConfig c) {
        Map<String, long[]> s = new HashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long i = c.intermediateSize();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        s.put("lm_head.weight", new long[] {c.vocabSize(), h});
        s.put("model.norm.weight", new long[] {h});
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            s.put(p + "input_layernorm.weight", new long[] {h});
            s.put(p + "post_attention_layernorm.weight", new long[] {h});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            s.put(p + "mlp.gate_proj.weight", new long[] {i, h});
            s.put(p + "mlp.up_proj.weight", new long[] {i, h});
            s.put(p + "mlp.down_proj.weight", new long[] {h, i});
        }
        return s;
    }

    /** Norm weights near 1, others N(0, 0.2^2)-ish uniform, from a fixed seed. */
    public static LlamaModel create(NDManager manager, long seed) {
        LlamaConfig c = config();
        Map<String, long[]> shapes = shapes(c);
        SplittableRandom rng = new SplittableRandom(seed);
        return LlamaModel.create(c, manager, name -> {
            long[] shape = shapes.get(name);
            if (shape == null) {
                return null;
            }
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            float[] v = new float[n];
            boolean norm = name.endsWith("norm.weight");
            for (int k = 0; k < n; k++) {
                double u = rng.nextDouble() * 2 - 1;
                v[k] = (float) (norm ? 1 + 0.1 * u : 0.35 * u);
            }
            NDArray a = Tensors.create(manager, v, shape);
            return a;
        });
    }
}
