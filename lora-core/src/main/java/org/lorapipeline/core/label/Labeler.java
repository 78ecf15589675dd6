package org.lorapipeline.core.label;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.clip.ClipImageProcessor;
import org.lorapipeline.core.clip.ClipModel;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.image.ImageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Auto-labels images with tags and a structured caption: decode, embed in batches, rank tags per category,
 * compose the caption. One bad image (unreadable, too large, or failing in the model) is reported in its own
 * {@link ImageLabel} and never stops the batch; when a whole batch fails in the model, its images are retried one
 * by one so only the culprit fails.
 */
public final class Labeler {
    private static final Logger log = LoggerFactory.getLogger(Labeler.class);

    private final TagRanker ranker;
    private final CaptionComposer composer;
    private final ImageEmbedder images;
    private final ClipTokenizer tokenizer;
    private final Options options;

    /**
     * @param batchSize images per forward pass
     * @param maxPixels images with more pixels are refused before decoding (decompression bombs)
     */
    public record Options(int batchSize, long maxPixels) {
        public Options {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
            }
            if (maxPixels <= 0) {
                throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
            }
        }

        public static Options defaults() {
            return new Options(16, 64L * 1024 * 1024);
        }
    }

    /** Called after each image, in input order. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total, ImageLabel latest);

        Progress NONE = (done, total, latest) -> { };
    }

    /**
     * @param tags      tag embeddings from the same model as {@code images}
     * @param tokenizer counts caption tokens; null to skip counting
     */
    public Labeler(TagEmbeddings tags, ImageEmbedder images, ClipTokenizer tokenizer, Options options) {
        this.ranker = new TagRanker(tags);
        this.composer = new CaptionComposer(tags.vocabulary());
        this.images = images;
        this.tokenizer = tokenizer;
        this.options = options;
    }

    /** A labeler on a CLIP model: tag prompts are embedded once here (a few seconds for ViT-L on a CPU). */
    public static Labeler forClip(ClipModel model, ClipTokenizer tokenizer, ClipImageProcessor processor,
                                  TagVocabulary vocabulary, Options options) {
        TagEmbeddings tags = TagEmbeddings.compute(vocabulary, texts -> model.embedTexts(tokenizer, texts), 64);
        ImageEmbedder embedder = batch -> {
            List<float[]> pixels = new ArrayList<>(batch.size());
            batch.forEach(img -> pixels.add(processor.preprocess(img)));
            return model.embedImages(pixels);
        };
        return new Labeler(tags, embedder, tokenizer, options);
    }

    public TagRanker ranker() {
        return ranker;
    }

    /** Labels every image; the result list has one entry per input, in input order. */
    public List<ImageLabel> label(List<Path> paths, Progress progress) {
        List<ImageLabel> out = new ArrayList<>(paths.size());
        for (int start = 0; start < paths.size(); start += options.batchSize()) {
            List<Path> chunk = paths.subList(start, Math.min(paths.size(), start + options.batchSize()));
            for (ImageLabel l : labelChunk(chunk)) {
                out.add(l);
                if (!l.ok()) {
                    log.warn("{}: not labelled: {}", l.image(), l.error());
                }
                progress.update(out.size(), paths.size(), l);
            }
        }
        return out;
    }

    private List<ImageLabel> labelChunk(List<Path> chunk) {
        ImageLabel[] results = new ImageLabel[chunk.size()];
        List<Integer> decodedAt = new ArrayList<>();
        List<BufferedImage> decoded = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            try {
                decoded.add(ImageDecoder.decode(Files.readAllBytes(chunk.get(i)), options.maxPixels()).image());
                decodedAt.add(i);
            } catch (IOException | RuntimeException e) {
                results[i] = ImageLabel.failed(chunk.get(i), message(e));
            }
        }
        if (!decoded.isEmpty()) {
            float[][] embeddings = null;
            try {
                embeddings = embed(decoded);
            } catch (RuntimeException e) {
                log.warn("a batch of {} images failed in the model ({}); retrying one by one", decoded.size(),
                        message(e));
            }
            for (int k = 0; k < decodedAt.size(); k++) {
                int i = decodedAt.get(k);
                try {
                    float[] e = embeddings != null ? embeddings[k] : embed(List.of(decoded.get(k)))[0];
                    results[i] = describe(chunk.get(i), e);
                } catch (RuntimeException e) {
                    results[i] = ImageLabel.failed(chunk.get(i), message(e));
                }
            }
        }
        return List.of(results);
    }

    private float[][] embed(List<BufferedImage> batch) {
        float[][] e = images.embed(batch);
        if (e.length != batch.size()) {
            throw new IllegalStateException("image embedder returned " + e.length + " rows for " + batch.size());
        }
        return e;
    }

    /** Tags and caption for one image embedding. */
    public ImageLabel describe(Path image, float[] embedding) {
        List<ScoredTag> tags = ranker.rank(embedding);
        StructuredCaption caption = composer.compose(tags);
        int tokens = tokenizer == null ? -1 : tokenizer.countTokens(caption.plainText());
        return new ImageLabel(image, tags, caption, tokens, null);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
