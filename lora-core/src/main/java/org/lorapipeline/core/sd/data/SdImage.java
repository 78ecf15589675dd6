package org.lorapipeline.core.sd.data;

import java.nio.file.Path;
import org.lorapipeline.core.caption.StructuredCaption;

/**
 * One training image of a Stable Diffusion dataset.
 *
 * @param key     path relative to the dataset root with {@code /} separators; names the image in logs and errors
 * @param file    the image file on disk
 * @param sha256  lower-case hex SHA-256 of the file (the latent cache key)
 * @param width   stored width in pixels (EXIF orientation is not applied, as kohya does not apply it)
 * @param height  stored height in pixels
 * @param caption parsed caption, {@link StructuredCaption#empty()} for an (allowed, warned) empty caption
 * @param repeats kohya repeats from a {@code <N>_<name>/} folder, 1 for other layouts; 0 trains on it never
 */
public record SdImage(String key, Path file, String sha256, int width, int height, StructuredCaption caption,
                      int repeats) {
    public SdImage {
        if (key == null || key.isBlank() || key.contains("\\")) {
            throw new IllegalArgumentException("key must be a non-blank '/'-separated relative path, got " + key);
        }
        if (file == null) {
            throw new IllegalArgumentException("file must not be null for " + key);
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 of " + key + " must be 64 lower-case hex digits");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height of " + key + " must be >= 1, got "
                    + width + "x" + height);
        }
        if (caption == null) {
            throw new IllegalArgumentException("caption of " + key + " must not be null (use StructuredCaption.empty())");
        }
        if (repeats < 0) {
            throw new IllegalArgumentException("repeats of " + key + " must be >= 0, got " + repeats);
        }
    }
}
