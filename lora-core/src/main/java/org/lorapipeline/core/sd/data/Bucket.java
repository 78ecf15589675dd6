package org.lorapipeline.core.sd.data;

/**
 * A training resolution: every image of a batch is resized and cropped to one bucket. Both sides are multiples of
 * 8 so the VAE's latents ({@code (4, height/8, width/8)}) have whole sizes; {@link BucketPlanner} makes them
 * multiples of {@code bucket_reso_steps}.
 */
public record Bucket(int width, int height) {
    public Bucket {
        if (width < 8 || height < 8 || width % 8 != 0 || height % 8 != 0) {
            throw new IllegalArgumentException("bucket sides must be positive multiples of 8, got "
                    + width + "x" + height);
        }
    }

    public double aspectRatio() {
        return (double) width / height;
    }

    /** {@code 512x768}: kohya's way of printing a bucket, also used in cache file names. */
    @Override
    public String toString() {
        return width + "x" + height;
    }
}
