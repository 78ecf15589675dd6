package org.lorapipeline.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.lorapipeline.core.clip.ClipImageProcessor;
import org.lorapipeline.core.clip.ClipModel;
import org.lorapipeline.core.clip.ClipTokenizerLocator;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.label.Labeler;
import org.lorapipeline.core.label.TagVocabulary;

/**
 * {@code lora bench label}: images per second through CLIP labeling (decode, Pillow-exact resize and crop, vision
 * tower, ranking against every tag prompt) with a given CLIP folder, or the generated tiny CLIP.
 */
final class LabelBenchmark {
    private LabelBenchmark() {}

    static void run(Path workDir, Path model, int images, int batchSize, String device, PrintStream out)
            throws IOException {
        Path data = workDir.resolve("bench-label");
        Path dir = data.resolve("images");
        SampleDatasets.writeImageDataset(dir, images, 512, 3);
        Path clipDir = model;
        if (clipDir == null) {
            clipDir = data.resolve("tiny-clip");
            TinyClip.write(clipDir, 20240601L);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        TorchRuntime rt = TorchRuntime.open(device);
        try (ClipModel clip = ClipModel.load(clipDir, rt.newManager())) {
            long t0 = System.nanoTime();
            Labeler labeler = Labeler.forClip(clip, new ClipTokenizerLocator().load(null, clipDir),
                    ClipImageProcessor.forModel(clipDir, clip.config().vision()), TagVocabulary.builtIn().withThreshold(-1f),
                    new Labeler.Options(batchSize, Labeler.Options.defaults().maxPixels()));
            double setup = (System.nanoTime() - t0) / 1e9;
            labeler.label(files.subList(0, Math.min(batchSize, files.size())), (d, t, l) -> { }); // warm-up
            long t1 = System.nanoTime();
            long ok = labeler.label(files, (d, t, l) -> { }).stream().filter(l -> l.ok()).count();
            double seconds = (System.nanoTime() - t1) / 1e9;
            out.println("| model | device | images | batch | tag prompts embedded | labeling | images/s |");
            out.println("|---|---|---|---|---|---|---|");
            out.printf("| %s | %s | %d (%d ok), 512 px PNG | %d | %.2f s | %.2f s | %.1f |%n",
                    model == null ? "tiny CLIP (generated)" : clipDir.getFileName(), rt.device(), files.size(), ok,
                    batchSize, setup, seconds, files.size() / seconds);
        }
    }
}
