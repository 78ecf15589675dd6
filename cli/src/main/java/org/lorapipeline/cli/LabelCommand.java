package org.lorapipeline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lorapipeline.core.caption.CaptionFile;
import org.lorapipeline.core.clip.ClipImageProcessor;
import org.lorapipeline.core.clip.ClipModel;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.clip.ClipTokenizerLocator;
import org.lorapipeline.core.dataset.DatasetFiles;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.label.ImageLabel;
import org.lorapipeline.core.label.LabelledMetadata;
import org.lorapipeline.core.label.Labeler;
import org.lorapipeline.core.label.TagVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lora label DIR --model CLIP_DIR}: captions every image with CLIP zero-shot tags into metadata.csv.
 * Rows a person wrote or edited are kept (see {@link LabelledMetadata}) unless {@code --overwrite}.
 */
@Command(name = "label", description = "Caption every image in a folder with a CLIP model into metadata.csv;"
        + " hand-edited rows are kept.")
public final class LabelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Folder of images (searched recursively).")
    Path dir;

    @Option(names = "--model", required = true, paramLabel = "CLIP_DIR",
            description = "Hugging Face CLIPModel folder (config.json, model.safetensors, tokenizer files).")
    Path model;

    @Option(names = "--overwrite", description = "Also relabel rows a person wrote or edited.")
    boolean overwrite;

    @Option(names = "--threshold", paramLabel = "SCORE",
            description = "Replace every tag category's score threshold (cosine; default: the vocabulary's own).")
    Float threshold;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--batch-size", defaultValue = "16", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(dir)) {
            throw new UserException(dir + " is not a folder of images");
        }
        LabelledMetadata metadata;
        try {
            metadata = LabelledMetadata.load(dir);
        } catch (IOException e) {
            throw new UserException(e.getMessage(), e);
        }
        List<String> todo = new ArrayList<>();
        for (String f : DatasetFiles.files(dir, dir, true)) {
            if (!DatasetFiles.isImage(f)) {
                continue;
            }
            if (metadata.editedByHand(f) && !overwrite) {
                out.println(f + ": kept (edited by hand; --overwrite relabels it)");
            } else {
                todo.add(f);
            }
        }
        if (todo.isEmpty()) {
            out.println("nothing to label");
            return 0;
        }
        ClipTokenizer tokenizer;
        try {
            tokenizer = new ClipTokenizerLocator().load(null, model);
        } catch (IllegalArgumentException e) {
            throw new UserException("--model " + model + ": " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new UserException("--model " + model + " has no config.json; pass a Hugging Face CLIPModel folder"
                    + " (e.g. openai/clip-vit-large-patch14)");
        }
        int failed = 0;
        try (ClipModel clip = ClipModel.load(model, TorchRuntime.open(device).newManager())) {
            ClipImageProcessor processor = ClipImageProcessor.forModel(model, clip.config().vision());
            Labeler labeler = Labeler.forClip(clip, tokenizer, processor, vocabulary(),
                    new Labeler.Options(batchSize, Labeler.Options.defaults().maxPixels()));
            List<Path> paths = todo.stream().map(dir::resolve).toList();
            List<ImageLabel> labels = labeler.label(paths, (done, total, l) -> out.printf("[%d/%d] %s: %s%n",
                    done, total, dir.relativize(l.image()), l.ok() ? l.caption().render() : "FAILED " + l.error()));
            for (int i = 0; i < labels.size(); i++) {
                ImageLabel l = labels.get(i);
                String name = todo.get(i);
                if (!l.ok()) {
                    failed++;
                    out.println(name + ": not labelled (" + l.error() + ")"
                            + (metadata.caption(name).isPresent() ? "; its existing row is kept" : ""));
                } else if (l.caption().isEmpty()) {
                    out.println(name + ": no tag scored above its threshold; row left as it was");
                } else {
                    metadata.putGenerated(name, l.caption().render());
                    if (l.exceedsContext()) {
                        out.println(name + ": caption has " + l.tokens() + " CLIP tokens, more than 75");
                    }
                }
            }
        }
        metadata.save();
        out.printf("wrote %s: %d labelled, %d failed%n", dir.resolve(CaptionFile.FILE), todo.size() - failed, failed);
        return failed > 0 ? 1 : 0;
    }

    private TagVocabulary vocabulary() {
        TagVocabulary builtIn = TagVocabulary.builtIn();
        return threshold == null ? builtIn : builtIn.withThreshold(threshold);
    }
}
