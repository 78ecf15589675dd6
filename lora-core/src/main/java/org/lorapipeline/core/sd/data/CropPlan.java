package org.lorapipeline.core.sd.data;

import java.util.SplittableRandom;

/**
 * Where an image lands in its bucket: resized (aspect kept) to {@code resizedWidth x resizedHeight}, which covers
 * the bucket, then the bucket-sized window at ({@code cropLeft}, {@code cropTop}) is kept. The resized size is
 * kohya's: the side that limits is scaled to the bucket exactly, the other is {@code (int)(side*scale + 0.5)}.
 */
public record CropPlan(Bucket bucket, int resizedWidth, int resizedHeight, int cropLeft, int cropTop) {
    public CropPlan {
        if (bucket == null) {
            throw new IllegalArgumentException("bucket must not be null");
        }
        if (resizedWidth < bucket.width() || resizedHeight < bucket.height()) {
            throw new IllegalArgumentException("resized size " + resizedWidth + "x" + resizedHeight
                    + " does not cover bucket " + bucket);
        }
        if (cropLeft < 0 || cropTop < 0 || cropLeft + bucket.width() > resizedWidth
                || cropTop + bucket.height() > resizedHeight) {
            throw new IllegalArgumentException("crop (" + cropLeft + ", " + cropTop + ") of " + bucket
                    + " leaves the resized image " + resizedWidth + "x" + resizedHeight);
        }
    }

    /** The centre crop (kohya: {@code trim // 2}); the only crop a latent cache may hold. */
    public static CropPlan center(int width, int height, Bucket bucket) {
        int[] size = resized(width, height, bucket);
        return new CropPlan(bucket, size[0], size[1], (size[0] - bucket.width()) / 2,
                (size[1] - bucket.height()) / 2);
    }

    /** A uniformly random window (kohya's {@code random_crop}: {@code randint(0, trim)} on each cropped side). */
    public static CropPlan random(int width, int height, Bucket bucket, SplittableRandom rng) {
        int[] size = resized(width, height, bucket);
        int trimX = size[0] - bucket.width();
        int trimY = size[1] - bucket.height();
        int left = trimX > 0 ? rng.nextInt(trimX + 1) : 0;
        int top = trimY > 0 ? rng.nextInt(trimY + 1) : 0;
        return new CropPlan(bucket, size[0], size[1], left, top);
    }

    private static int[] resized(int width, int height, Bucket bucket) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        double ratio = (double) width / height;
        // Wider than the bucket: match heights and crop the width; otherwise match widths.
        double scale = ratio > bucket.aspectRatio() ? (double) bucket.height() / height
                : (double) bucket.width() / width;
        int w = (int) (width * scale + 0.5);
        int h = (int) (height * scale + 0.5);
        // Rounding can leave the matched side one pixel short of the bucket; never crop outside the image.
        return new int[] {Math.max(w, bucket.width()), Math.max(h, bucket.height())};
    }
}
