package org.lorapipeline.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipeline.core.engine.Ops;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.safetensors.TensorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face {@code CLIPModel} (ViT-B/32, ViT-L/14, ... all load the same way from config.json): both towers,
 * {@code text_projection}, {@code visual_projection} and {@code logit_scale}. Embeddings are compared by cosine
 * similarity; {@link #logitScale()} turns similarities into the logits CLIP was trained with.
 *
 * <p>The NDArray methods leave intermediates on the weights' manager (DJL attaches an op's result to its first
 * operand's manager): call them inside an {@code NDScope}, as the {@code embed*} methods do, to keep memory flat.
 */
public final class ClipModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClipModel.class);

    private final ClipConfig config;
    private final NDManager manager;
    private final ClipTextModel text;
    private final ClipVisionModel vision;
    private final NDArray textProjection;
    private final NDArray visualProjection;
    private final float logitScale;

    private ClipModel(ClipConfig config, NDManager manager, ClipWeights w) {
        this.config = config;
        this.manager = manager;
        this.text = new ClipTextModel(config.text(), w);
        this.vision = new ClipVisionModel(config.vision(), w);
        this.textProjection = w.get("text_projection.weight", config.projectionDim(), config.text().hiddenSize());
        this.visualProjection = w.get("visual_projection.weight", config.projectionDim(),
                config.vision().hiddenSize());
        this.logitScale = (float) Math.exp(w.contains("logit_scale") ? w.scalar("logit_scale")
                : config.logitScaleInitValue());
    }

    /**
     * Loads a CLIPModel folder (config.json + model.safetensors or shards).
     *
     * @param manager becomes the model's; {@link #close()} closes it
     */
    public static ClipModel load(Path dir, NDManager manager) throws IOException {
        Path configJson = dir.resolve("config.json");
        if (!Files.isRegularFile(configJson)) {
            throw new IllegalArgumentException(dir + ": no config.json; expected a Hugging Face CLIPModel folder"
                    + " (config.json, model.safetensors, vocab.json, merges.txt)");
        }
        ClipConfig config = ClipConfig.read(configJson);
        try (TensorSource source = TensorSource.open(dir)) {
            ClipWeights w = new ClipWeights(source, manager, dir.toString());
            ClipModel model = new ClipModel(config, manager, w);
            List<String> unused = w.unused("");
            if (!unused.isEmpty()) {
                log.warn("{}: {} checkpoint tensors not used by CLIP, e.g. {}", dir, unused.size(),
                        unused.subList(0, Math.min(5, unused.size())));
            }
            log.info("loaded CLIP from {}: text {}x{} ({}), vision {}x{} patch {} ({}), projection {}", dir,
                    config.text().numHiddenLayers(), config.text().hiddenSize(), config.text().hiddenAct().key(),
                    config.vision().numHiddenLayers(), config.vision().hiddenSize(), config.vision().patchSize(),
                    config.vision().hiddenAct().key(), config.projectionDim());
            return model;
        }
    }

    public ClipConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public ClipTextModel text() {
        return text;
    }

    public ClipVisionModel vision() {
        return vision;
    }

    /** exp(logit_scale): CLIP's logits are {@code logitScale * cos(image, text)}. */
    public float logitScale() {
        return logitScale;
    }

    /** Projected, unnormalised text embeddings: (B, T) ids -> (B, P). */
    public NDArray textEmbeds(NDArray ids) {
        return Ops.linear(text.forward(ids, false).pooled(), textProjection);
    }

    /** Projected, unnormalised image embeddings: (B, C, S, S) -> (B, P). */
    public NDArray imageEmbeds(NDArray pixels) {
        return Ops.linear(vision.forward(pixels, false).pooled(), visualProjection);
    }

    /** Unit-norm text embeddings of token rows, copied out to Java (arrays are freed before returning). */
    public float[][] embedTokens(long[][] ids) {
        // the scope frees every intermediate, including results of ops on weights that DJL attaches to the
        // weights' manager, so repeated calls stay flat in memory
        try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
            return rows(ClipOps.l2Normalize(textEmbeds(Tensors.ids(m, ids))));
        }
    }

    /** Unit-norm embeddings of texts, tokenized with {@code tokenizer}. */
    public float[][] embedTexts(ClipTokenizer tokenizer, List<String> texts) {
        return embedTokens(tokenizer.encodeBatch(texts));
    }

    /** Unit-norm embeddings of pre-processed images, each (C, S, S) row-major as {@link ClipImageProcessor} gives. */
    public float[][] embedImages(List<float[]> pixels) {
        int c = config.vision().numChannels();
        int s = config.vision().imageSize();
        float[] flat = new float[pixels.size() * c * s * s];
        for (int i = 0; i < pixels.size(); i++) {
            if (pixels.get(i).length != c * s * s) {
                throw new IllegalArgumentException("image " + i + " has " + pixels.get(i).length + " values, expected"
                        + " " + c + "x" + s + "x" + s);
            }
            System.arraycopy(pixels.get(i), 0, flat, i * c * s * s, c * s * s);
        }
        try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
            NDArray x = Tensors.create(m, flat, pixels.size(), c, s, s);
            return rows(ClipOps.l2Normalize(imageEmbeds(x)));
        }
    }

    private static float[][] rows(NDArray x) {
        int b = (int) x.getShape().get(0);
        int d = (int) x.getShape().get(1);
        float[] flat = Tensors.toFloats(x);
        List<float[]> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            float[] r = new float[d];
            System.arraycopy(flat, i * d, r, 0, d);
            out.add(r);
        }
        return out.toArray(new float[0][]);
    }

    @Override
    public void close() {
        manager.close();
    }
}
