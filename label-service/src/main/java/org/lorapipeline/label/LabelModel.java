package org.lorapipeline.label;

import java.io.IOException;
import java.nio.file.Path;
import org.lorapipeline.core.clip.ClipImageProcessor;
import org.lorapipeline.core.clip.ClipModel;
import org.lorapipeline.core.clip.ClipTokenizerLocator;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.label.Labeler;
import org.lorapipeline.core.label.TagVocabulary;

/**
 * The CLIP labeler, loaded once per process on first use (a service whose datasets all carry captions never loads
 * it). Configured by {@code LORA_LABEL_MODEL} (a Hugging Face CLIPModel folder) and, for models whose similarity
 * scores sit elsewhere, {@code LORA_LABEL_THRESHOLD}.
 */
final class LabelModel implements AutoCloseable {
    static final String ENV_MODEL = "LORA_LABEL_MODEL";
    static final String ENV_THRESHOLD = "LORA_LABEL_THRESHOLD";

    private final Path dir;
    private final Float threshold;
    private ClipModel clip;
    private Labeler labeler;

    LabelModel(Path dir, Float threshold) {
        this.dir = dir;
        this.threshold = threshold;
    }

    static LabelModel fromEnvironment(java.util.Map<String, String> env) {
        String model = env.get(ENV_MODEL);
        String t = env.get(ENV_THRESHOLD);
        return new LabelModel(model == null || model.isBlank() ? null : Path.of(model), t == null || t.isBlank() ? null : Float.valueOf(t));
    }

    boolean configured() {
        return dir != null;
    }

    String describe() {
        return dir == null ? "no labeling model (set " + ENV_MODEL + " to a CLIP model folder)" : dir.toString();
    }

    synchronized Labeler labeler() throws IOException {
        if (labeler == null) {
            if (dir == null) {
                throw new IllegalStateException(describe());
            }
            clip = ClipModel.load(dir, TorchRuntime.open("auto").newManager());
            TagVocabulary vocabulary = threshold == null ? TagVocabulary.builtIn() : TagVocabulary.builtIn().withThreshold(threshold);
            labeler = Labeler.forClip(clip, new ClipTokenizerLocator().load(null, dir),
                    ClipImageProcessor.forModel(dir, clip.config().vision()), vocabulary, Labeler.Options.defaults());
        }
        return labeler;
    }

    @Override
    public synchronized void close() {
        if (clip != null) {
            clip.close();
        }
    }
}
