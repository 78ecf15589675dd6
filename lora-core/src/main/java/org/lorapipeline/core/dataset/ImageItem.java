package org.lorapipeline.core.dataset;

import org.lorapipeline.core.caption.StructuredCaption;

/**
 * One decodable training image.
 *
 * @param path          relative to the dataset root, {@code /} separators
 * @param format        png, jpeg, webp or bmp
 * @param phash         64-bit DCT perceptual hash
 * @param caption       the caption as written (class token for kohya fallbacks), null when there is none
 * @param structured    parsed caption; for broken markup the lenient reading (all tags plain), empty when none
 * @param captionSource where the caption came from
 * @param repeats       kohya repeats from the folder name, 1 for other layouts
 */
public record ImageItem(String path, String format, int width, int height, String sha256, long phash,
                        String caption, StructuredCaption structured, CaptionSource captionSource, int repeats) {
    public ImageItem {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path must not be blank");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height must be >= 1 for " + path);
        }
        if (sha256 == null || sha256.length() != 64) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits for " + path);
        }
        if (structured == null || captionSource == null) {
            throw new IllegalArgumentException("structured and captionSource must not be null for " + path);
        }
        if (repeats < 0) {
            throw new IllegalArgumentException("repeats must be >= 0 for " + path + ", got " + repeats);
        }
    }

    /** The prompt the trainer tokenizes: the caption without markup ("" when there is none). */
    public String trainingText() {
        return structured.plainText();
    }
}
