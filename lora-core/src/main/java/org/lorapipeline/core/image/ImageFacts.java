package org.lorapipeline.core.image;

import java.util.List;

/**
 * Everything the dataset checks need to know about one decodable image.
 *
 * @param sha256   lower-case hex SHA-256 of the file bytes (exact duplicates)
 * @param phash    64-bit DCT perceptual hash (near duplicates, {@link PerceptualHash#distance})
 * @param warnings non-fatal decoder remarks
 */
public record ImageFacts(String format, int width, int height, String sha256, long phash, List<String> warnings) {
    public ImageFacts {
        if (sha256 == null || sha256.length() != 64) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, got " + sha256);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height must be >= 1, got " + width + "x" + height);
        }
        warnings = List.copyOf(warnings);
    }

    public int shortSide() {
        return Math.min(width, height);
    }

    /** Decodes (after the header pixel-limit check) and hashes one image file's bytes. */
    public static ImageFacts of(byte[] bytes, ImageRules rules) throws ImageDecodeException {
        DecodedImage decoded = ImageDecoder.decode(bytes, rules.maxPixels());
        ImageHeader header = decoded.header();
        return new ImageFacts(header.format(), header.width(), header.height(), Sha256.hex(bytes),
                PerceptualHash.of(decoded.image()), decoded.warnings());
    }
}
