package org.lorapipeline.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * CLIP's image pre-processing as transformers' {@code CLIPImageProcessor} does it: convert to RGB (alpha dropped,
 * grey replicated), resize the shortest side to {@code shortestEdge} with Pillow's antialiased bicubic
 * ({@link PilBicubic}, long side {@code int(short * long / short_side)}), center crop ({@code (h - crop) // 2}),
 * scale by 1/255, normalise per channel. EXIF orientation is ignored, as there.
 *
 * @param shortestEdge {@code size.shortest_edge} (224)
 * @param cropSize     {@code crop_size} (224); must equal the vision tower's {@code image_size}
 * @param mean         {@code image_mean} per channel
 * @param std          {@code image_std} per channel
 */
public record ClipImageProcessor(int shortestEdge, int cropSize, float[] mean, float[] std) {
    public static final float[] OPENAI_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] OPENAI_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    public ClipImageProcessor {
        ConfigJson.positive("shortest_edge", shortestEdge);
        ConfigJson.positive("crop_size", cropSize);
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("image_mean and image_std need 3 values each");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("image_std values must be > 0, got " + s);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** OpenAI CLIP's settings at a given resolution (224 for every released OpenAI model but the 336 one). */
    public static ClipImageProcessor openai(int size) {
        return new ClipImageProcessor(size, size, OPENAI_MEAN, OPENAI_STD);
    }

    /**
     * The model folder's {@code preprocessor_config.json} when present (only resize/crop/mean/std are read), else
     * OpenAI's settings at the vision tower's image size.
     */
    public static ClipImageProcessor forModel(Path dir, ClipVisionConfig vision) throws IOException {
        Path file = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(file)) {
            return openai(vision.imageSize());
        }
        JsonNode c = new ObjectMapper().readTree(Files.readString(file));
        try {
            int edge = size(c.get("size"), "shortest_edge", vision.imageSize());
            int crop = size(c.get("crop_size"), "height", vision.imageSize());
            ClipImageProcessor p = new ClipImageProcessor(edge, crop, floats(c.get("image_mean"), OPENAI_MEAN),
                    floats(c.get("image_std"), OPENAI_STD));
            if (crop != vision.imageSize()) {
                throw new IllegalArgumentException("crop_size " + crop + " differs from the model's image_size "
                        + vision.imageSize());
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static int size(JsonNode n, String key, int dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        return n.isInt() ? n.asInt() : n.path(key).asInt(dflt);
    }

    private static float[] floats(JsonNode n, float[] dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    /** Loads and pre-processes an image file; an unreadable file fails naming it. */
    public float[] preprocess(Path image) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(image.toFile());
        } catch (IOException e) {
            throw new IOException(image + ": cannot decode image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(image + ": not an image format this build can read (png, jpeg, bmp, gif, webp)");
        }
        return preprocess(img);
    }

    /** (3, crop, crop) normalised pixels, channel-major, as the vision tower takes them. */
    public float[] preprocess(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] resized = resizeShortestEdge(rgb(image), w, h);
        int[] size = outputSize(w, h);
        return cropAndNormalize(resized, size[0], size[1]);
    }

    /** The resized size (width, height) for an input, transformers' get_resize_output_image_size. */
    int[] outputSize(int w, int h) {
        int shortSide = Math.min(w, h);
        int longSide = Math.max(w, h);
        int newLong = (int) ((long) shortestEdge * longSide / shortSide);
        return w <= h ? new int[] {shortestEdge, newLong} : new int[] {newLong, shortestEdge};
    }

    /** Interleaved RGB resized so the shortest side is {@code shortestEdge}. */
    int[] resizeShortestEdge(int[] rgb, int w, int h) {
        int[] size = outputSize(w, h);
        return PilBicubic.resize(rgb, w, h, size[0], size[1]);
    }

    /** Center crop of interleaved RGB (zero outside the image) to (3, crop, crop) normalised floats. */
    float[] cropAndNormalize(int[] rgb, int w, int h) {
        int top = Math.floorDiv(h - cropSize, 2);
        int left = Math.floorDiv(w - cropSize, 2);
        int plane = cropSize * cropSize;
        float[] out = new float[3 * plane];
        for (int y = 0; y < cropSize; y++) {
            for (int x = 0; x < cropSize; x++) {
                int sy = top + y;
                int sx = left + x;
                boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                for (int c = 0; c < 3; c++) {
                    int v = inside ? rgb[(sy * w + sx) * 3 + c] : 0;
                    float scaled = (float) (v * (1.0 / 255.0)); // rescale in float64 then float32, as transformers
                    out[c * plane + y * cropSize + x] = (scaled - mean[c]) / std[c];
                }
            }
        }
        return out;
    }

    /** Interleaved 8-bit RGB of any decoded image: grey replicated, alpha dropped (PIL's convert("RGB")). */
    static int[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h * 3];
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        boolean grey = image.getColorModel().getColorSpace().getNumComponents() == 1 && bands <= 2;
        if (grey) {
            // getRGB would apply Java's linear-grey colour conversion and brighten the image; PIL copies the value
            int bits = image.getColorModel().getComponentSize(0);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = raster.getSample(x, y, 0);
                    if (bits > 8) {
                        v >>= bits - 8;
                    }
                    int i = (y * w + x) * 3;
                    out[i] = v;
                    out[i + 1] = v;
                    out[i + 2] = v;
                }
            }
            return out;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int p = 0; p < argb.length; p++) {
            out[p * 3] = (argb[p] >> 16) & 0xff;
            out[p * 3 + 1] = (argb[p] >> 8) & 0xff;
            out[p * 3 + 2] = argb[p] & 0xff;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClipImageProcessor p && p.shortestEdge == shortestEdge && p.cropSize == cropSize
                && java.util.Arrays.equals(p.mean, mean) && java.util.Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * shortestEdge + cropSize) + java.util.Arrays.hashCode(mean) * 7 + java.util.Arrays.hashCode(std);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return "ClipImageProcessor[shortestEdge=" + shortestEdge + ", cropSize=" + cropSize + ", mean="
                + java.util.Arrays.toString(mean) + ", std=" + java.util.Arrays.toString(std) + "]";
    }
}
