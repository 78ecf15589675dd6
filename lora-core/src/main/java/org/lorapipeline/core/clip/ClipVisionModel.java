package org.lorapipeline.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * CLIP's vision transformer ({@code vision_model.*}): non-overlapping patch embedding (a stride-p conv without
 * bias, computed as unfold + matmul), class token, position embeddings, {@code pre_layrnorm} (sic, the HF name),
 * pre-LN encoder, {@code post_layernorm} on the class token.
 */
public final class ClipVisionModel {
    private final ClipVisionConfig config;
    private final NDArray classEmbedding;
    private final NDArray patchWeight;
    private final NDArray positionEmbedding;
    private final NDArray preNormW;
    private final NDArray preNormB;
    private final ClipEncoder encoder;
    private final NDArray postNormW;
    private final NDArray postNormB;

    /** (B, N+1, H) last hidden state (no post norm) and (B, H) pooled: post_layernorm of the class token. */
    public record Output(NDArray lastHiddenState, NDArray pooled) {}

    ClipVisionModel(ClipVisionConfig c, ClipWeights w) {
        this.config = c;
        int h = c.hiddenSize();
        int p = c.patchSize();
        this.classEmbedding = w.get("vision_model.embeddings.class_embedding", h);
        // (H, C, p, p) -> (H, C*p*p), matching the (C, p, p) order of the unfolded patches below
        this.patchWeight = w.get("vision_model.embeddings.patch_embedding.weight", h, c.numChannels(), p, p)
                .reshape(h, (long) c.numChannels() * p * p);
        this.positionEmbedding = w.get("vision_model.embeddings.position_embedding.weight", c.numPositions(), h);
        this.preNormW = w.get("vision_model.pre_layrnorm.weight", h);
        this.preNormB = w.get("vision_model.pre_layrnorm.bias", h);
        this.encoder = new ClipEncoder(w, "vision_model.encoder", c.numHiddenLayers(), h, c.intermediateSize(),
                c.numAttentionHeads(), c.hiddenAct(), c.layerNormEps());
        this.postNormW = w.get("vision_model.post_layernorm.weight", h);
        this.postNormB = w.get("vision_model.post_layernorm.bias", h);
    }

    public ClipVisionConfig config() {
        return config;
    }

    /**
     * @param pixels (B, C, S, S) normalised pixels, S = image_size (see {@link ClipImageProcessor})
     */
    public Output forward(NDArray pixels, boolean training) {
        Shape s = pixels.getShape();
        int size = config.imageSize();
        if (s.dimension() != 4 || s.get(1) != config.numChannels() || s.get(2) != size || s.get(3) != size) {
            throw new IllegalArgumentException("pixels must be (batch, " + config.numChannels() + ", " + size + ", "
                    + size + "), got " + s);
        }
        long b = s.get(0);
        long c = config.numChannels();
        long g = config.gridSize();
        long p = config.patchSize();
        long h = config.hiddenSize();
        NDArray patches = pixels.reshape(b, c, g, p, g, p) // (B, C, gy, p, gx, p)
                .transpose(0, 2, 4, 1, 3, 5) // (B, gy, gx, C, p, p)
                .reshape(b, g * g, c * p * p); // (B, N, C*p*p), row-major patch order as the conv's flatten
        NDArray embeds = patches.matMul(patchWeight.transpose()); // (B, N, H)
        NDArray cls = classEmbedding.reshape(1, 1, h).broadcast(new Shape(b, 1, h)); // (B, 1, H)
        NDArray x = NDArrays.concat(new NDList(cls, embeds), 1).add(positionEmbedding); // (B, N+1, H)
        float eps = (float) config.layerNormEps();
        x = ClipOps.layerNorm(x, preNormW, preNormB, eps);
        x = encoder.forward(x, null, encoder.numLayers(), training); // (B, N+1, H)
        NDArray pooled = ClipOps.layerNorm(x.get(new NDIndex(":, 0, :")), postNormW, postNormB, eps); // (B, H)
        return new Output(x, pooled);
    }
}
