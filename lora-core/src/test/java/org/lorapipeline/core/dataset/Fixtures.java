package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipeline.core.image.TestImages;

/** Small helpers that write dataset files for the tests. */
final class Fixtures {
    /** Small images keep the tests fast; the rules lower the minimum to match. */
    static final int SIZE = 96;
    static final InspectionRules RULES = InspectionRules.defaults().withMinShortSide(SIZE);

    private Fixtures() {
    }

    static Path png(Path dir, String name, long seed) throws IOException {
        return write(dir.resolve(name), TestImages.png(SIZE, SIZE, seed));
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    static Path text(Path file, String text) throws IOException {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
