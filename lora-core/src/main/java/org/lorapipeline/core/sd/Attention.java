package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.lora.LoraLinear;

/**
 * diffusers {@code Attention} without its norms: multi-head scaled dot-product attention over tokens with to_q,
 * to_k, to_v and to_out.0 projections; self-attention when no context is given, cross-attention otherwise.
 * The softmax scale is {@code head_dim^-0.5}.
 */
public record Attention(LinearLayer toQ, LinearLayer toK, LinearLayer toV, LinearLayer toOut, int heads) {

    /**
     * @param prefix     module path, e.g. {@code ....transformer_blocks.0.attn2}
     * @param queryDim   width of the query tokens
     * @param contextDim width of the key/value tokens (queryDim for self-attention)
     * @param qkvBias    the UNet's q/k/v have no bias, the VAE's do
     */
    public static Attention load(SdWeights w, String prefix, long queryDim, long contextDim, int heads,
                                 boolean qkvBias, Map<String, LoraLinear> registry) {
        String p = prefix + ".";
        long inner = queryDim; // SD: heads * head_dim == query_dim
        return new Attention(
                w.linear(p + "to_q", inner, queryDim, qkvBias, registry),
                w.linear(p + "to_k", inner, contextDim, qkvBias, registry),
                w.linear(p + "to_v", inner, contextDim, qkvBias, registry),
                w.linear(p + "to_out.0", queryDim, inner, true, registry),
                heads);
    }

    /**
     * @param x       (B, T, queryDim)
     * @param context (B, S, contextDim), or null for self-attention
     * @return (B, T, queryDim)
     */
    public NDArray forward(NDArray x, NDArray context, boolean training) {
        NDArray ctx = context == null ? x : context;
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long seq = ctx.getShape().get(1);
        NDArray q = toQ.forward(x, training); // (B, T, inner)
        long inner = q.getShape().get(2);
        long d = inner / heads;
        q = q.reshape(b, t, heads, d).transpose(0, 2, 1, 3); // (B, h, T, d)
        NDArray k = toK.forward(ctx, training).reshape(b, seq, heads, d).transpose(0, 2, 1, 3); // (B, h, S, d)
        NDArray v = toV.forward(ctx, training).reshape(b, seq, heads, d).transpose(0, 2, 1, 3);
        NDArray att = Ops.attention(q, k, v, null) // (B, h, T, d)
                .transpose(0, 2, 1, 3).reshape(b, t, inner); // (B, T, inner)
        return toOut.forward(att, training);
    }
}
