package org.lorapipeline.core.sd.sample;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.lorapipeline.core.tensor.AtomicFiles;
import org.lorapipeline.core.tensorboard.EventFileWriter;

/**
 * Saves preview images as kohya names them ({@code <output_name>_<step %06d>_<index %02d>_<yyyyMMddHHmmss>_<seed>.png}
 * in {@code samples/}; kohya's folder is {@code sample/}, the caller picks) and logs each as a TensorBoard image
 * summary {@code samples/<index>} at the step.
 */
public final class SampleImages {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private SampleImages() {}

    /** File names with the output name {@code sample}; see {@link #write(Path, String, long, List, List, EventFileWriter, Clock)}. */
    public static List<Path> write(Path samplesDir, long step, List<SamplePrompt> prompts, List<BufferedImage> images,
                                   EventFileWriter events) {
        return write(samplesDir, "sample", step, prompts, images, events, Clock.systemDefaultZone());
    }

    /**
     * @param outputName the run's {@code output_name}, the file name prefix
     * @param events     nullable: no TensorBoard summaries
     * @param clock      the timestamp in the names (local time, as kohya)
     * @return the PNG files, in prompt order
     */
    public static List<Path> write(Path samplesDir, String outputName, long step, List<SamplePrompt> prompts,
                                   List<BufferedImage> images, EventFileWriter events, Clock clock) {
        if (prompts.size() != images.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + images.size() + " images");
        }
        String stamp = LocalDateTime.now(clock).format(STAMP);
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(samplesDir);
            for (int i = 0; i < images.size(); i++) {
                String name = String.format("%s_%06d_%02d_%s_%d.png", outputName, step, i, stamp,
                        prompts.get(i).seed());
                Path file = samplesDir.resolve(name);
                BufferedImage img = images.get(i);
                AtomicFiles.write(file, o -> {
                    if (!ImageIO.write(img, "png", o)) {
                        throw new IOException("no PNG encoder for image type " + img.getType());
                    }
                });
                out.add(file);
                if (events != null) {
                    events.addImage("samples/" + i, img, step);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sample images to " + samplesDir, e);
        }
        return out;
    }
}
