package org.lorapipeline.core.sd.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.SplittableRandom;
import org.lorapipeline.core.image.DecodedImage;
import org.lorapipeline.core.image.ImageDecodeException;
import org.lorapipeline.core.image.ImageDecoder;
import org.lorapipeline.core.image.ImageRules;

/**
 * Turns an image file into the VAE's input for its bucket, as kohya-ss does: decode to RGB, resize with the aspect
 * kept so the image covers the bucket ({@link CropPlan}; area averaging when shrinking, cubic when enlarging, see
 * {@link Resampler}), round to 8-bit like kohya's uint8 pipeline, crop (centre, or random with
 * {@code random_crop}), mirror with probability 0.5 when {@code flip_aug}, and scale to [-1, 1] as
 * {@code x/127.5 - 1} ({@code ToTensor} + {@code Normalize(0.5, 0.5)}).
 *
 * <p>Alpha is dropped, not composited: kohya opens images with PIL and {@code convert("RGB")}, which keeps the
 * stored colour of transparent pixels; doing the same keeps a dataset training to the same result in both tools.
 * EXIF orientation is not applied for the same reason (kohya does not call {@code exif_transpose}), so the
 * stored width and height are what bucketing sees.
 */
public final class ImageTransforms {
    private ImageTransforms() {
    }

    /**
     * Loads {@code img} for bucket {@code b}; random draws (crop position, then flip) come from {@code rng} in that
     * order, so a seeded generator gives the same pixels again.
     */
    public static SdPixels load(SdImage img, Bucket b, boolean randomCrop, boolean flip, SplittableRandom rng)
            throws IOException {
        CropPlan plan = randomCrop ? CropPlan.random(img.width(), img.height(), b, rng)
                : CropPlan.center(img.width(), img.height(), b);
        boolean flipped = flip && rng.nextBoolean();
        return load(img, plan, flipped);
    }

    /** The centre crop, mirrored or not: the deterministic variants a latent cache holds. */
    public static SdPixels loadCentered(SdImage img, Bucket b, boolean flipped) throws IOException {
        return load(img, CropPlan.center(img.width(), img.height(), b), flipped);
    }

    /** Loads {@code img} placed by {@code plan}. */
    public static SdPixels load(SdImage img, CropPlan plan, boolean flipped) throws IOException {
        BufferedImage image = decode(img);
        int w = image.getWidth();
        int h = image.getHeight();
        float[] rgb = planes(image);
        Bucket b = plan.bucket();
        float[] out = Resampler.resize(rgb, 3, w, h, plan.resizedWidth(), plan.resizedHeight(), plan.cropLeft(),
                plan.cropTop(), b.width(), b.height());
        int plane = b.width() * b.height();
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < b.height(); y++) {
                int row = c * plane + y * b.width();
                for (int x = 0; x < b.width(); x++) {
                    // 8-bit rounding as kohya's resized uint8 image; this also clamps cubic overshoot.
                    float v = Math.max(0, Math.min(255, Math.round(out[row + (flipped ? b.width() - 1 - x : x)])));
                    chw[row + x] = v / 127.5f - 1f;
                }
            }
        }
        return new SdPixels(chw, b.width(), b.height(), plan.cropTop(), plan.cropLeft(), flipped);
    }

    private static BufferedImage decode(SdImage img) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(img.file());
        } catch (IOException e) {
            throw new IOException(img.key() + ": cannot read the image (" + e.getMessage()
                    + "); restore the file or remove it from the dataset", e);
        }
        DecodedImage decoded;
        try {
            decoded = ImageDecoder.decode(bytes, ImageRules.defaults().maxPixels());
        } catch (ImageDecodeException e) {
            throw new IOException(img.key() + ": " + e.getMessage(), e);
        }
        BufferedImage image = decoded.image();
        if (image.getWidth() != img.width() || image.getHeight() != img.height()) {
            throw new IOException(img.key() + ": is " + image.getWidth() + "x" + image.getHeight()
                    + " but the dataset listed it as " + img.width() + "x" + img.height()
                    + "; the file changed after the dataset was read, load the dataset again");
        }
        return image;
    }

    /** RGB planes in 0..255; {@code getRGB} converts grey, palette and 16-bit images to 8-bit sRGB. */
    private static float[] planes(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[3 * w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int i = y * w + x;
                out[i] = (p >> 16) & 0xff;
                out[w * h + i] = (p >> 8) & 0xff;
                out[2 * w * h + i] = p & 0xff;
            }
        }
        return out;
    }
}
