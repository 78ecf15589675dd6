package org.lorapipeline.core.dataset;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
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

    /** A bilinear 80% copy, 10 levels brighter: the same picture to a person, different bytes. */
    static BufferedImage nearCopy(BufferedImage src) {
        int w = src.getWidth() * 4 / 5;
        int h = src.getHeight() * 4 / 5;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = out.getRGB(x, y);
                int r = Math.min(255, ((p >> 16) & 0xff) + 10);
                int gr = Math.min(255, ((p >> 8) & 0xff) + 10);
                int b = Math.min(255, (p & 0xff) + 10);
                out.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return out;
    }
}
