package org.lorapipeline.core.image;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A fully decoded image.
 *
 * @param warnings non-fatal decoder remarks (for example a PNG without its IEND trailer), empty when clean
 */
public record DecodedImage(ImageHeader header, BufferedImage image, List<String> warnings) {
    public DecodedImage {
        if (header == null || image == null) {
            throw new IllegalArgumentException("header and image must not be null");
        }
        warnings = List.copyOf(warnings);
    }
}
