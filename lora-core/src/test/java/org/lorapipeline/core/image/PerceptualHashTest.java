package org.lorapipeline.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerceptualHashTest {
    private static final int THRESHOLD = 6;

    @Test
    void dctStepMatchesImagehashReference() throws IOException {
        // phash_reference.py (beside the expected file) ran imagehash's scipy DCT + median on the same matrices.
        for (Map.Entry<Integer, String> expected : reference().entrySet()) {
            double[][] grey = pattern(expected.getKey());
            assertThat(PerceptualHash.hex(PerceptualHash.ofGrey(grey)))
                    .as("pattern %d", expected.getKey())
                    .isEqualTo(expected.getValue());
        }
    }

    @Test
    void resizedAndBrightenedCopyIsANearDuplicate() {
        BufferedImage original = TestImages.scene(768, 768, 42);
        BufferedImage copy = TestImages.nearCopy(original, 512, 512, 12);

        int distance = PerceptualHash.distance(PerceptualHash.of(original), PerceptualHash.of(copy));

        assertThat(distance).isLessThanOrEqualTo(THRESHOLD);
    }

    @Test
    void differentImagesAreFarApart() {
        long a = PerceptualHash.of(TestImages.scene(512, 512, 42));
        for (long seed = 43; seed < 53; seed++) {
            long b = PerceptualHash.of(TestImages.scene(512, 512, seed));
            assertThat(PerceptualHash.distance(a, b)).as("seed %d", seed).isGreaterThan(THRESHOLD);
        }
    }

    @Test
    void distanceCountsDifferingBits() {
        assertThat(PerceptualHash.distance(0L, -1L)).isEqualTo(64);
        assertThat(PerceptualHash.distance(0b1011L, 0b0001L)).isEqualTo(2);
        assertThat(PerceptualHash.hex(0xabcL)).isEqualTo("0000000000000abc");
    }

    @Test
    void thumbnailAveragesAreasAndUsesRec601Luma() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, x < 32 ? 0xff0000 : 0x0000ff); // left red, right blue
            }
        }
        double[][] grey = PerceptualHash.greyThumbnail(image);
        assertThat(grey[5][0]).isCloseTo(0.299 * 255, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(grey[5][31]).isCloseTo(0.114 * 255, org.assertj.core.data.Offset.offset(1e-9));
    }

    private static double[][] pattern(int k) {
        double[][] g = new double[32][32];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                g[y][x] = (x * 37 * k + y * 73 + (x * y * k) % 91 + (x / 8) * 40 * k) % 256;
            }
        }
        return g;
    }

    private static Map<Integer, String> reference() throws IOException {
        Map<Integer, String> out = new LinkedHashMap<>();
        try (InputStream in = PerceptualHashTest.class.getResourceAsStream("phash_reference.txt")) {
            assertThat(in).as("phash_reference.txt on the test class path").isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    String[] parts = line.trim().split(" ");
                    out.put(Integer.parseInt(parts[0]), parts[1]);
                }
            }
        }
        assertThat(out).hasSize(5);
        return out;
    }
}
