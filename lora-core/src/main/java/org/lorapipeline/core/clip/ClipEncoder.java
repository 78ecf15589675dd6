package org.lorapipeline.core.clip;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.clip.ClipTextConfig.Activation;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.lora.LoraLinear;

/**
 * The pre-LN transformer stack both CLIP towers share ({@code <tower>.encoder.layers.N}): x += attn(LN1(x)),
 * x += fc2(act(fc1(LN2(x)))). Projections are {@link LoraLinear}s (plus their bias) named by HF module path, so
 * LoRA can target the text encoder's {@code q_proj/k_proj/v_proj/out_proj/fc1/fc2} as kohya and PEFT do.
 */
final class ClipEncoder {
    private final List<Layer> layers;
    private final Map<String, LoraLinear> linears;
    private final int heads;
    private final int headDim;
    private final Activation act;
    private final float eps;

    private record Linear(LoraLinear w, NDArray bias) {
        NDArray forward(NDArray x, boolean training) {
            return w.forward(x, training).add(bias);
        }
    }

    private record Layer(NDArray ln1w, NDArray ln1b, Linear q, Linear k, Linear v, Linear out, NDArray ln2w,
                         NDArray ln2b, Linear fc1, Linear fc2) {}

    ClipEncoder(ClipWeights w, String prefix, int numLayers, int hidden, int intermediate, int heads, Activation act,
                double eps) {
        this.heads = heads;
        this.headDim = hidden / heads;
        this.act = act;
        this.eps = (float) eps;
        Map<String, LoraLinear> all = new LinkedHashMap<>();
        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            String p = prefix + ".layers." + i + ".";
            list.add(new Layer(w.get(p + "layer_norm1.weight", hidden), w.get(p + "layer_norm1.bias", hidden),
                    linear(w, all, p + "self_attn.q_proj", hidden, hidden),
                    linear(w, all, p + "self_attn.k_proj", hidden, hidden),
                    linear(w, all, p + "self_attn.v_proj", hidden, hidden),
                    linear(w, all, p + "self_attn.out_proj", hidden, hidden),
                    w.get(p + "layer_norm2.weight", hidden), w.get(p + "layer_norm2.bias", hidden),
                    linear(w, all, p + "mlp.fc1", intermediate, hidden),
                    linear(w, all, p + "mlp.fc2", hidden, intermediate)));
        }
        this.layers = List.copyOf(list);
        this.linears = Collections.unmodifiableMap(all);
    }

    private static Linear linear(ClipWeights w, Map<String, LoraLinear> all, String module, int out, int in) {
        LoraLinear l = new LoraLinear(module, w.get(module + ".weight", out, in));
        all.put(module, l);
        return new Linear(l, w.get(module + ".bias", out));
    }

    int numLayers() {
        return layers.size();
    }

    Map<String, LoraLinear> linears() {
        return linears;
    }

    /**
     * Runs the first {@code count} layers.
     *
     * @param x    (B, T, H)
     * @param mask additive (T, T) mask or null
     * @return (B, T, H)
     */
    NDArray forward(NDArray x, NDArray mask, int count, boolean training) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long h = x.getShape().get(2);
        for (int i = 0; i < count; i++) {
            Layer l = layers.get(i);
            NDArray hs = ClipOps.layerNorm(x, l.ln1w(), l.ln1b(), eps);
            NDArray q = heads(l.q().forward(hs, training), b, t); // (B, nH, T, d)
            NDArray k = heads(l.k().forward(hs, training), b, t);
            NDArray v = heads(l.v().forward(hs, training), b, t);
            NDArray att = Ops.attention(q, k, v, mask) // (B, nH, T, d)
                    .transpose(0, 2, 1, 3).reshape(b, t, h); // (B, T, H)
            x = x.add(l.out().forward(att, training));

            hs = ClipOps.layerNorm(x, l.ln2w(), l.ln2b(), eps);
            NDArray mid = ClipOps.activation(act, l.fc1().forward(hs, training)); // (B, T, I)
            x = x.add(l.fc2().forward(mid, training)); // (B, T, H)
        }
        return x;
    }

    private NDArray heads(NDArray x, long b, long t) {
        return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3); // (B, T, H) -> (B, nH, T, d)
    }
}
