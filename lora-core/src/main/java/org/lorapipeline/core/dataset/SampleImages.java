package org.lorapipeline.core.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;

/** Procedural pictures for sample datasets: a two-colour gradient, a few filled shapes and strokes. */
final class SampleImages {
    private SampleImages() {
    }

    static BufferedImage draw(int size, Random random) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            boolean vertical = random.nextBoolean();
            g.setPaint(new GradientPaint(0, 0, color(random), vertical ? 0 : size, size, color(random)));
            g.fillRect(0, 0, size, size);
            int shapes = 3 + random.nextInt(5);
            for (int i = 0; i < shapes; i++) {
                g.setColor(color(random));
                int x = random.nextInt(size);
                int y = random.nextInt(size);
                int s = size / 8 + random.nextInt(size / 3);
                switch (random.nextInt(3)) {
                    case 0 -> g.fillOval(x - s / 2, y - s / 2, s, s * (2 + random.nextInt(3)) / 3);
                    case 1 -> g.fillRect(x - s / 2, y - s / 2, s, s / 2 + random.nextInt(s));
                    default -> g.fillPolygon(new Polygon(new int[] {x, x + s, x - s / 2},
                            new int[] {y - s, y + s / 2, y + s / 2}, 3));
                }
            }
            g.setStroke(new BasicStroke(Math.max(1, size / 64f)));
            for (int i = 0; i < 2; i++) {
                g.setColor(color(random));
                g.drawLine(random.nextInt(size), random.nextInt(size), random.nextInt(size), random.nextInt(size));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static Color color(Random random) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }
}
