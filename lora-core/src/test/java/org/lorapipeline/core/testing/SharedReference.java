package org.lorapipeline.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the golden files made by the reference tools. They live in {@code shared/reference/} beside the
 * checkout (never inside it), so we walk up from the working directory; {@code -Dlora.shared.dir} overrides.
 */
public final class SharedReference {
    private SharedReference() {}

    /** Returns {@code shared/reference/<relative>}, failing with a clear message when it cannot be found. */
    public static Path path(String relative) {
        Path root = referenceRoot();
        Path p = root.resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("reference file missing: " + p);
        }
        return p;
    }

    private static Path referenceRoot() {
        String configured = System.getProperty("lora.shared.dir");
        if (configured != null) {
            return Path.of(configured).resolve("reference");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("reference");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            if (Files.isDirectory(dir.resolve("shared").resolve("reference"))) {
                return dir.resolve("shared").resolve("reference");
            }
        }
        throw new IllegalStateException("shared/reference/ not found beside the checkout; set -Dlora.shared.dir");
    }
}
