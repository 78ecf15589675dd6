package org.lorapipeline.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.lora.LoraLinear;

/**
 * LLaMA decoder (LlamaForCausalLM) as a plain function over named F32 weights. Weights keep their Hugging Face
 * names; every projection is a {@link LoraLinear} so LoRA can be injected by module name. All base weights are
 * frozen: none of them ever requires a gradient.
 */
public final class LlamaModel implements AutoCloseable {
    private final LlamaConfig config;
    private final NDManager manager;
    private final NDArray embedTokens;
    private final List<Layer> layers;
    private final NDArray norm;
    private final NDArray lmHead;
    private final Rope rope;
    private final Map<String, LoraLinear> linears;

    private record Layer(NDArray inputNorm, NDArray postNorm, LoraLinear q, LoraLinear k, LoraLinear v, LoraLinear o,
                         LoraLinear gate, LoraLinear up, LoraLinear down) {}

    private LlamaModel(LlamaConfig config, NDManager manager, NDArray embedTokens, List<Layer> layers, NDArray norm,
                       NDArray lmHead, Map<String, LoraLinear> linears) {
        this.config = config;
        this.manager = manager;
        this.embedTokens = embedTokens;
        this.layers = layers;
        this.norm = norm;
        this.lmHead = lmHead;
        this.rope = new Rope(config);
        this.linears = Collections.unmodifiableMap(linears);
    }

    /**
     * Builds the model from weights looked up by HF name. {@code weights} returns an F32 array in {@code manager}
     * or null when the checkpoint lacks the name; shapes are checked against the config.
     *
     * @param manager owns the weights; {@link #close()} closes it
     */
    public static LlamaModel create(LlamaConfig c, NDManager manager, Function<String, NDArray> weights) {
        WeightTable table = new WeightTable(c, weights);
        NDArray embed = table.get("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
        int qOut = c.numAttentionHeads() * c.headDim();
        int kvOut = c.numKeyValueHeads() * c.headDim();
        Map<String, LoraLinear> linears = new LinkedHashMap<>();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            Layer layer = new Layer(
                    table.get(p + "input_layernorm.weight", c.hiddenSize()),
                    table.get(p + "post_attention_layernorm.weight", c.hiddenSize()),
                    table.linear(linears, p + "self_attn.q_proj", qOut, c.hiddenSize()),
                    table.linear(linears, p + "self_attn.k_proj", kvOut, c.hiddenSize()),
                    table.linear(linears, p + "self_attn.v_proj", kvOut, c.hiddenSize()),
                    table.linear(linears, p + "self_attn.o_proj", c.hiddenSize(), qOut),
                    table.linear(linears, p + "mlp.gate_proj", c.intermediateSize(), c.hiddenSize()),
                    table.linear(linears, p + "mlp.up_proj", c.intermediateSize(), c.hiddenSize()),
                    table.linear(linears, p + "mlp.down_proj", c.hiddenSize(), c.intermediateSize()));
            layers.add(layer);
        }
        NDArray norm = table.get("model.norm.weight", c.hiddenSize());
        NDArray head = c.tieWordEmbeddings() ? embed : table.get("lm_head.weight", c.vocabSize(), c.hiddenSize());
        return new LlamaModel(c, manager, embed, layers, norm, head, linears);
    }

    public LlamaConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /** Every projection by HF module path, in checkpoint order (layer by layer, q k v o gate up down). */
    public Map<String, LoraLinear> linears() {
        return linears;
    }

    /**
     * Logits for a batch of token ids.
     *
     * @param ids      (B, T) int64 token ids
     * @param training enables LoRA dropout
     * @return (B, T, V) logits
     */
    public NDArray forward(NDArray ids, boolean training) {
        Shape s = ids.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("ids must be (batch, seq), got " + s);
        }
        int b = (int) s.get(0);
        int t = (int) s.get(1);
        if (t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings() + "; lower the cutoff length");
        }
        NDManager m = ids.getManager();
        int h = config.hiddenSize();
        int nH = config.numAttentionHeads();
        int nKV = config.numKeyValueHeads();
        int d = config.headDim();

        NDArray x = embedTokens.get(new NDIndex("{}", ids.flatten())).reshape(b, t, h); // (B, T, H)
        NDList tables = rope.tables(m, t);
        NDArray cos = tables.get(0); // (T, d)
        NDArray sin = tables.get(1);
        NDArray mask = Ops.causalMask(m, t, t); // (T, T)
        float eps = (float) config.rmsNormEps();

        for (Layer l : layers) {
            NDArray hs = Ops.rmsNorm(x, l.inputNorm(), eps);
            NDArray q = l.q().forward(hs, training).reshape(b, t, nH, d).transpose(0, 2, 1, 3); // (B, nH, T, d)
            NDArray k = l.k().forward(hs, training).reshape(b, t, nKV, d).transpose(0, 2, 1, 3); // (B, nKV, T, d)
            NDArray v = l.v().forward(hs, training).reshape(b, t, nKV, d).transpose(0, 2, 1, 3);
            q = Rope.apply(q, cos, sin);
            k = Rope.apply(k, cos, sin);
            k = Ops.repeatKv(k, config.kvGroups()); // (B, nH, T, d)
            v = Ops.repeatKv(v, config.kvGroups());
            NDArray att = Ops.attention(q, k, v, mask) // (B, nH, T, d)
                    .transpose(0, 2, 1, 3).reshape(b, t, (long) nH * d); // (B, T, nH*d)
            x = x.add(l.o().forward(att, training));

            hs = Ops.rmsNorm(x, l.postNorm(), eps);
            NDArray act = Ops.silu(l.gate().forward(hs, training)).mul(l.up().forward(hs, training)); // (B, T, I)
            x = x.add(l.down().forward(act, training)); // (B, T, H)
        }
        return Ops.linear(Ops.rmsNorm(x, norm, eps), lmHead); // (B, T, V)
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Looks weights up by name and checks their shapes, so a wrong checkpoint fails with the tensor's name. */
    private record WeightTable(LlamaConfig c, Function<String, NDArray> weights) {
        NDArray get(String name, long... shape) {
            NDArray a = weights.apply(name);
            if (a == null) {
                throw new IllegalArgumentException("checkpoint has no tensor '" + name + "'; is this a Hugging Face"
                        + " LLaMA checkpoint matching config.json?");
            }
            if (!a.getShape().equals(new Shape(shape))) {
                throw new IllegalArgumentException("tensor '" + name + "' has shape " + a.getShape() + " but config.json"
                        + " implies " + new Shape(shape));
            }
            return a;
        }

        LoraLinear linear(Map<String, LoraLinear> all, String module, long out, long in) {
            LoraLinear l = new LoraLinear(module, get(module + ".weight", out, in));
            all.put(module, l);
            return l;
        }
    }
}
