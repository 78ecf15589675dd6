package org.lorapipeline.core.sd.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.lorapipeline.core.config.ImageSection;

/**
 * Aspect-ratio buckets as kohya-ss sd-scripts makes them ({@code make_bucket_resolutions} and
 * {@code BucketManager.select_bucket} with upscaling allowed, kohya's default).
 *
 * <p>With {@code enable_bucket}: the square {@code floor(resolution/step)*step}, plus for every width {@code w}
 * from {@code min_bucket_reso} to {@code max_bucket_reso} in steps of {@code bucket_reso_steps} the tallest height
 * {@code h = min(max_bucket_reso, floor(resolution²/w/step)*step)} that keeps {@code w*h <= resolution²}, if
 * {@code h >= min_bucket_reso}, and its transpose. That is kohya's list (17 buckets for 512, 256..1024, step 64),
 * not every (w, h) under the area cap: smaller buckets of the same aspect ratio would only waste pixels. An image
 * goes to the bucket of its exact size when there is one, else to the bucket whose aspect ratio is nearest (ties:
 * the first in (width, height) order, as numpy's argmin picks).
 *
 * <p>Without bucketing there is one bucket, {@code resolution x resolution}: images are resized so the short side
 * fits and the rest is cropped.
 */
public final class BucketPlanner {
    private final List<Bucket> buckets;
    private final Set<Bucket> exact;

    private BucketPlanner(List<Bucket> buckets) {
        this.buckets = List.copyOf(buckets);
        this.exact = new HashSet<>(buckets);
    }

    /** The planner a run's {@code image:} section asks for. */
    public static BucketPlanner of(ImageSection s) {
        if (!s.enableBucket()) {
            return square(s.resolution());
        }
        return kohya(s.resolution(), s.minBucketReso(), s.maxBucketReso(), s.bucketResoSteps());
    }

    /** The single bucket {@code resolution x resolution}. */
    public static BucketPlanner square(int resolution) {
        return new BucketPlanner(List.of(new Bucket(resolution, resolution)));
    }

    /** kohya's bucket list for a maximum area of {@code resolution²}. */
    public static BucketPlanner kohya(int resolution, int minReso, int maxReso, int step) {
        if (step < 8 || step % 8 != 0) {
            throw new IllegalArgumentException("bucket_reso_steps must be a positive multiple of 8, got " + step);
        }
        if (minReso > maxReso || minReso % step != 0 || maxReso % step != 0) {
            throw new IllegalArgumentException("min_bucket_reso (" + minReso + ") and max_bucket_reso (" + maxReso
                    + ") must be multiples of bucket_reso_steps (" + step + ") with min <= max");
        }
        long area = (long) resolution * resolution;
        Comparator<Bucket> order = Comparator.comparingInt(Bucket::width).thenComparingInt(Bucket::height);
        Set<Bucket> set = new TreeSet<>(order);
        int square = (int) (Math.floor(Math.sqrt((double) area) / step) * step);
        if (square < step) {
            throw new IllegalArgumentException("resolution " + resolution + " is smaller than bucket_reso_steps "
                    + step + "; raise resolution or lower bucket_reso_steps");
        }
        set.add(new Bucket(square, square));
        for (int w = minReso; w <= maxReso; w += step) {
            int h = (int) Math.min(maxReso, area / w / step * step);
            if (h >= minReso) {
                set.add(new Bucket(w, h));
                set.add(new Bucket(h, w));
            }
        }
        return new BucketPlanner(new ArrayList<>(set));
    }

    /** All buckets in (width, height) order. */
    public List<Bucket> buckets() {
        return buckets;
    }

    /** The bucket an image of this stored size is trained at. */
    public Bucket bucketFor(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (width % 8 == 0 && height % 8 == 0 && exact.contains(new Bucket(width, height))) {
            return new Bucket(width, height);
        }
        double ratio = (double) width / height;
        Bucket best = buckets.get(0);
        double bestError = Double.MAX_VALUE;
        for (Bucket b : buckets) {
            double error = Math.abs(b.aspectRatio() - ratio);
            if (error < bestError) {
                best = b;
                bestError = error;
            }
        }
        return best;
    }
}
