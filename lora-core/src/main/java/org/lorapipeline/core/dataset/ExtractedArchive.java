package org.lorapipeline.core.dataset;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link SafeArchive#extract} wrote.
 *
 * @param files regular files written, relative to {@code root} with {@code /} separators, in archive order
 * @param bytes uncompressed bytes written
 */
public record ExtractedArchive(Path root, List<String> files, long bytes) {
    public ExtractedArchive {
        files = List.copyOf(files);
    }
}
