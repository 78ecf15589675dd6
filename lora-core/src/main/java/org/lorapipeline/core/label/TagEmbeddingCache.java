package org.lorapipeline.core.label;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsException;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.safetensors.TensorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps tag embeddings on disk between runs as a safetensors file (one (tags, dim) tensor per category), valid
 * only for the same model fingerprint and the same prompts: the metadata holds both, and any difference (a user
 * added a tag, a template changed, another model) recomputes and rewrites the file.
 */
public final class TagEmbeddingCache {
    private static final Logger log = LoggerFactory.getLogger(TagEmbeddingCache.class);
    static final String MODEL_KEY = "lora_pipeline.clip_model";
    static final String PROMPTS_KEY = "lora_pipeline.prompts_sha256";

    private TagEmbeddingCache() {}

    /**
     * @param model a string that changes when the model's weights change (e.g. its folder name plus the
     *              safetensors SHA-256 or size and modification time)
     */
    public static TagEmbeddings loadOrCompute(Path file, TagVocabulary vocabulary, String model, TextEmbedder embedder,
                                              int batchSize) {
        String prompts = promptsDigest(vocabulary);
        if (Files.isRegularFile(file)) {
            try (TensorSource src = TensorSource.open(file)) {
                Map<String, String> meta = src.metadata();
                if (model.equals(meta.get(MODEL_KEY)) && prompts.equals(meta.get(PROMPTS_KEY))) {
                    Map<String, float[][]> rows = new LinkedHashMap<>();
                    for (TagCategory c : vocabulary.categories()) {
                        long[] shape = src.info(c.name()).shape();
                        float[] flat = src.floats(c.name());
                        float[][] r = new float[(int) shape[0]][(int) shape[1]];
                        for (int i = 0; i < r.length; i++) {
                            System.arraycopy(flat, i * r[i].length, r[i], 0, r[i].length);
                        }
                        rows.put(c.name(), r);
                    }
                    log.debug("tag embeddings from cache {}", file);
                    return TagEmbeddings.of(vocabulary, rows);
                }
                log.info("tag embedding cache {} is for another model or tag list; recomputing", file);
            } catch (SafetensorsException | IllegalArgumentException e) {
                log.warn("tag embedding cache {} unreadable ({}); recomputing", file, e.getMessage());
            }
        }
        TagEmbeddings fresh = TagEmbeddings.compute(vocabulary, embedder, batchSize);
        SafetensorsWriter w = new SafetensorsWriter().metadata(MODEL_KEY, model).metadata(PROMPTS_KEY, prompts);
        for (TagCategory c : vocabulary.categories()) {
            float[][] rows = fresh.vectors(c.name());
            float[] flat = new float[rows.length * fresh.dim()];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * fresh.dim(), fresh.dim());
            }
            w.add(c.name(), new long[] {rows.length, fresh.dim()}, flat, DType.F32);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            w.write(file);
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("could not write tag embedding cache {} ({}); continuing without it", file, e.getMessage());
        }
        return fresh;
    }

    /** SHA-256 over every category's settings that affect embeddings, its tags and their prompts, in order. */
    static String promptsDigest(TagVocabulary vocabulary) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (TagCategory c : vocabulary.categories()) {
                md.update(("\u0000category\u0000" + c.name()).getBytes(StandardCharsets.UTF_8));
                for (String tag : c.tagList()) {
                    md.update(("\u0000tag\u0000" + tag).getBytes(StandardCharsets.UTF_8));
                    for (String p : c.prompts(tag)) {
                        md.update(("\u0000prompt\u0000" + p).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
