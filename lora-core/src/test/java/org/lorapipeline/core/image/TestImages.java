package org.lorapipeline.core.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;

/** Images drawn in the test, so no binary fixture is needed. */
public final class TestImages {
    private TestImages() {
    }

    /** A gradient with a few seeded shapes; different seeds give visibly different pictures. */
    public static BufferedImage scene(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)),
                width, height, new Color(random.nextInt(0xffffff))));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 6; i++) {
            g.setColor(new Color(random.nextInt(0xffffff)));
            int x = random.nextInt(width);
            int y = random.nextInt(height);
            int s = width / 6 + random.nextInt(width / 3);
            if (random.nextBoolean()) {
                g.fillOval(x - s / 2, y - s / 2, s, s);
            } else {
                g.fillRect(x - s / 2, y - s / 3, s, s * 2 / 3);
            }
        }
        g.setStroke(new BasicStroke(width / 40f));
        g.setColor(Color.WHITE);
        g.drawLine(random.nextInt(width), 0, random.nextInt(width), height);
        g.dispose();
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] png(int width, int height, long seed) {
        return encode(scene(width, height, seed), "png");
    }

    /** A bilinear resize to {@code width}x{@code height}, {@code brighten} levels lighter: a near duplicate. */
    public static BufferedImage nearCopy(BufferedImage src, int width, int height, int brighten) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, width, height, null);
        g.dispose();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = out.getRGB(x, y);
                int r = Math.min(255, ((p >> 16) & 0xff) + brighten);
                int gr = Math.min(255, ((p >> 8) & 0xff) + brighten);
                int b = Math.min(255, (p & 0xff) + brighten);
                out.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return out;
    }

    public static byte[] cut(byte[] bytes, int keep) {
        return Arrays.copyOf(bytes, keep);
    }
}
