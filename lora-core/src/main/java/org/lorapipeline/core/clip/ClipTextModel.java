package org.lorapipeline.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.safetensors.TensorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CLIP's text transformer ({@code text_model.*}): token + position embeddings, causal pre-LN encoder, final layer
 * norm. Stable Diffusion conditions on {@link #encode}'s hidden states; CLIP pools the state at the EOS position.
 * Padding is never masked (SD and CLIP pad with EOS and rely on the causal mask), as transformers does when no
 * attention mask is passed.
 */
public final class ClipTextModel {
    private static final Logger log = LoggerFactory.getLogger(ClipTextModel.class);

    private final ClipTextConfig config;
    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;
    private final ClipEncoder encoder;
    private final NDArray finalNormW;
    private final NDArray finalNormB;

    /** Output of one pass: (B, T, H) last hidden state after the final layer norm, and (B, H) pooled states. */
    public record Output(NDArray lastHiddenState, NDArray pooled) {}

    ClipTextModel(ClipTextConfig c, ClipWeights w) {
        this.config = c;
        int h = c.hiddenSize();
        this.tokenEmbedding = w.get("text_model.embeddings.token_embedding.weight", c.vocabSize(), h);
        this.positionEmbedding = w.get("text_model.embeddings.position_embedding.weight", c.maxPositionEmbeddings(),
                h);
        this.encoder = new ClipEncoder(w, "text_model.encoder", c.numHiddenLayers(), h, c.intermediateSize(),
                c.numAttentionHeads(), c.hiddenAct(), c.layerNormEps());
        this.finalNormW = w.get("text_model.final_layer_norm.weight", h);
        this.finalNormB = w.get("text_model.final_layer_norm.bias", h);
    }

    /**
     * Loads a stand-alone text encoder: SD's {@code text_encoder/} folder ({@code CLIPTextModel} config.json +
     * safetensors) or a {@code CLIPModel} folder (its {@code text_config}).
     *
     * @param manager owns the weights; the caller closes it
     */
    public static ClipTextModel load(Path dir, NDManager manager) throws IOException {
        Path configJson = dir.resolve("config.json");
        ClipTextConfig config;
        try {
            var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(configJson));
            config = root.has("text_config") || root.has("text_config_dict")
                    ? ClipConfig.fromJson(root).text() : ClipTextConfig.fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
        try (TensorSource source = TensorSource.open(dir)) {
            return load(source, config, manager, dir.toString());
        }
    }

    /**
     * Builds the text tower from {@code text_model.*} tensors of any source (a single SD checkpoint's
     * {@code cond_stage_model.transformer.*} part seen with transformers names) and a known config.
     *
     * @param origin names the source in errors
     */
    public static ClipTextModel load(TensorSource source, ClipTextConfig config, NDManager manager, String origin) {
        ClipWeights w = new ClipWeights(source, manager, origin);
        ClipTextModel model = new ClipTextModel(config, w);
        List<String> unused = w.unused("text_model.");
        if (!unused.isEmpty()) {
            log.warn("{}: {} text_model tensors unused, e.g. {}", origin, unused.size(),
                    unused.subList(0, Math.min(5, unused.size())));
        }
        return model;
    }

    public ClipTextConfig config() {
        return config;
    }

    /** Every attention/MLP projection by HF module path (for LoRA injection). */
    public Map<String, LoraLinear> linears() {
        return encoder.linears();
    }

    /** Full pass: last hidden state (after final_layer_norm) and the pooled EOS state. */
    public Output forward(NDArray ids, boolean training) {
        NDArray last = encode(ids, 0, training);
        return new Output(last, pool(last, ids));
    }

    /**
     * Hidden states for conditioning, after {@code text_model.final_layer_norm}.
     *
     * @param ids          (B, T) int64
     * @param skipLastLayers 0 for the last layer's output; 1 skips the last layer (kohya/A1111 {@code clip_skip=2},
     *                     diffusers {@code clip_skip=1})
     * @return (B, T, H)
     */
    public NDArray encode(NDArray ids, int skipLastLayers, boolean training) {
        Shape s = ids.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("ids must be (batch, seq), got " + s);
        }
        if (skipLastLayers < 0 || skipLastLayers >= encoder.numLayers()) {
            throw new IllegalArgumentException("skipLastLayers must be in [0, " + (encoder.numLayers() - 1) + "], got "
                    + skipLastLayers);
        }
        long b = s.get(0);
        int t = (int) s.get(1);
        if (t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        NDManager m = ids.getManager();
        NDArray x = tokenEmbedding.get(new NDIndex("{}", ids.flatten())).reshape(b, t, config.hiddenSize()) // (B, T, H)
                .add(positionEmbedding.get(new NDIndex("0:{}", t))); // + (T, H)
        NDArray mask = Ops.causalMask(m, t, t); // (T, T)
        x = encoder.forward(x, mask, encoder.numLayers() - skipLastLayers, training);
        return ClipOps.layerNorm(x, finalNormW, finalNormB, (float) config.layerNormEps());
    }

    /** The state at each row's EOS (first EOS id, or the highest id for legacy configs): (B, T, H) -> (B, H). */
    NDArray pool(NDArray lastHidden, NDArray ids) {
        long b = ids.getShape().get(0);
        int t = (int) ids.getShape().get(1);
        long[] flat = ids.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        float[] onehot = new float[(int) b * t];
        for (int r = 0; r < b; r++) {
            onehot[r * t + eosPosition(flat, r * t, t)] = 1f;
        }
        // one-hot (B, 1, T) @ (B, T, H) picks one row per batch exactly and keeps autograd
        NDArray pick = ids.getManager().create(onehot, new Shape(b, 1, t));
        return pick.matMul(lastHidden).reshape(b, config.hiddenSize());
    }

    private int eosPosition(long[] ids, int from, int t) {
        int best = 0;
        if (config.poolsAtArgmax()) {
            for (int i = 1; i < t; i++) {
                if (ids[from + i] > ids[from + best]) {
                    best = i;
                }
            }
            return best;
        }
        for (int i = 0; i < t; i++) {
            if (ids[from + i] == config.eosTokenId()) {
                return i;
            }
        }
        return 0; // as transformers' argmax over an all-false comparison
    }
}
