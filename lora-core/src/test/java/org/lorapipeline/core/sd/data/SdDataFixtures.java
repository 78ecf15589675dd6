package org.lorapipeline.core.sd.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.config.ImageSection;
import org.lorapipeline.core.image.Sha256;
import org.lorapipeline.core.image.TestImages;

/** Small helpers for the sd.data tests. */
final class SdDataFixtures {
    private SdDataFixtures() {
    }

    /** kohya-like defaults at {@code resolution}; the arguments are the keys the tests vary. */
    static ImageSection image(int resolution, boolean enableBucket, boolean randomCrop, boolean cacheLatents,
                              boolean shuffle, int keepTokens, double dropout) {
        return new ImageSection(resolution, 0, enableBucket, 256, 1024, 64, randomCrop, false, cacheLatents,
                shuffle, keepTokens, dropout, ".caption", false, null);
    }

    /** An image that exists only as metadata (for bucket and batch planning). */
    static SdImage virtual(String key, int width, int height, int repeats) {
        return new SdImage(key, Path.of(key), Sha256.hex(key.getBytes(StandardCharsets.UTF_8)), width, height,
                StructuredCaption.parse("**" + key + "**"), repeats);
    }

    /** A real PNG of the given size with a drawn scene. */
    static SdImage png(Path dir, String name, int width, int height, long seed) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.write(dir.resolve(name), TestImages.png(width, height, seed));
        return new SdImage(name, file, Sha256.hex(file), width, height, StructuredCaption.parse("**" + name + "**"),
                1);
    }

    static Path text(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
