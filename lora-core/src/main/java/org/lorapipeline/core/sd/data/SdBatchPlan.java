package org.lorapipeline.core.sd.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The batches of every epoch, as kohya's {@code BucketManager} forms them: each image is added to its bucket once
 * per repeat; each epoch every bucket is shuffled and cut into batches of {@code batchSize} (the last, smaller batch
 * of a bucket is kept), and the list of all batches is shuffled across buckets. Everything follows from
 * {@code (seed, epoch)}, so a run resumed at step {@code epoch * batchesPerEpoch() + index} sees the same batches.
 */
public final class SdBatchPlan {
    private final Map<Bucket, List<SdImage>> examples;
    private final int batchSize;
    private final long seed;
    private final int batchesPerEpoch;
    private final int exampleCount;
    private int cachedEpoch = -1;
    private List<SdBatch> cached;

    public SdBatchPlan(List<SdImage> images, BucketPlanner planner, int batchSize, long seed) {
        if (images == null || planner == null) {
            throw new IllegalArgumentException("images and planner must not be null");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        }
        // Sorted by bucket so the plan does not depend on hash order.
        Map<Bucket, List<SdImage>> byBucket = new TreeMap<>((a, b) -> a.width() != b.width()
                ? Integer.compare(a.width(), b.width()) : Integer.compare(a.height(), b.height()));
        int count = 0;
        for (SdImage img : images) {
            Bucket bucket = planner.bucketFor(img.width(), img.height());
            for (int r = 0; r < img.repeats(); r++) {
                byBucket.computeIfAbsent(bucket, k -> new ArrayList<>()).add(img);
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no training examples: the dataset has " + images.size()
                    + " images and all have 0 repeats; give the <repeats>_<name> folders at least 1 repeat");
        }
        int batches = 0;
        for (List<SdImage> list : byBucket.values()) {
            batches += (list.size() + batchSize - 1) / batchSize;
        }
        this.examples = new LinkedHashMap<>(byBucket);
        this.batchSize = batchSize;
        this.seed = seed;
        this.batchesPerEpoch = batches;
        this.exampleCount = count;
    }

    /** Steps per epoch at this batch size (kohya: sum over buckets of ceil(examples / batch size)). */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** Images times repeats: kohya's "num train images * repeats". */
    public int exampleCount() {
        return exampleCount;
    }

    /** Examples per bucket (with repeats), in bucket order: kohya's bucket table at start-up. */
    public Map<Bucket, Integer> bucketCounts() {
        Map<Bucket, Integer> out = new LinkedHashMap<>();
        examples.forEach((b, list) -> out.put(b, list.size()));
        return out;
    }

    /** Batch {@code index} (0-based, below {@link #batchesPerEpoch()}) of {@code epoch} (0-based). */
    public synchronized SdBatch batch(int epoch, int index) {
        if (index < 0 || index >= batchesPerEpoch) {
            throw new IndexOutOfBoundsException("batch index " + index + " outside 0.." + (batchesPerEpoch - 1));
        }
        return epoch(epoch).get(index);
    }

    /** All batches of {@code epoch} in training order. */
    public synchronized List<SdBatch> epoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (epoch != cachedEpoch) {
            cached = build(epoch);
            cachedEpoch = epoch;
        }
        return cached;
    }

    private List<SdBatch> build(int epoch) {
        SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L)));
        List<SdBatch> batches = new ArrayList<>(batchesPerEpoch);
        for (Map.Entry<Bucket, List<SdImage>> e : examples.entrySet()) {
            List<SdImage> list = new ArrayList<>(e.getValue());
            Shuffle.inPlace(list, rng);
            for (int i = 0; i < list.size(); i += batchSize) {
                batches.add(new SdBatch(e.getKey(), list.subList(i, Math.min(list.size(), i + batchSize))));
            }
        }
        Shuffle.inPlace(batches, rng);
        return List.copyOf(batches);
    }
}
