package org.lorapipeline.core.train;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The order in which examples are seen: each epoch is a permutation drawn from {@code seed} and the epoch number
 * alone, so a run resumed at (epoch, batch index) continues with exactly the batches it would have seen. Batches
 * take consecutive examples of the permutation (the last one may be smaller, as a DataLoader without drop_last)
 * and are right-padded to their longest row with the pad id, labels {@link CausalLmLoss#IGNORE_INDEX} on padding.
 * Right padding needs no attention mask in a causal model: real tokens never attend to later positions.
 */
public final class BatchPlan {
    private final List<TextDataset.Example> examples;
    private final int batchSize;
    private final long seed;
    private final long padId;
    private final boolean shuffle;

    public BatchPlan(List<TextDataset.Example> examples, int batchSize, long seed, long padId, boolean shuffle) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to batch");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be > 0, got " + batchSize);
        }
        this.examples = List.copyOf(examples);
        this.batchSize = batchSize;
        this.seed = seed;
        this.padId = padId;
        this.shuffle = shuffle;
    }

    public int batchesPerEpoch() {
        return (examples.size() + batchSize - 1) / batchSize;
    }

    public int exampleCount() {
        return examples.size();
    }

    /** Example indices of {@code epoch} (0-based) in training order. */
    public int[] order(int epoch) {
        int[] idx = new int[examples.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        if (shuffle) {
            // java.util.Random's sequence is specified by its Javadoc, so the order is the same on every JVM
            Random rng = new Random(seed * 1_000_003L + epoch);
            for (int i = idx.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    /** Batch {@code index} of {@code epoch}. */
    public Batch batch(int epoch, int index) {
        return batch(order(epoch), index);
    }

    /** Batch {@code index} of an epoch whose {@link #order} the caller already holds. */
    public Batch batch(int[] order, int index) {
        if (index < 0 || index >= batchesPerEpoch()) {
            throw new IllegalArgumentException("batch index " + index + " outside 0.." + (batchesPerEpoch() - 1));
        }
        int from = index * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int len = 0;
        for (int i = from; i < to; i++) {
            len = Math.max(len, examples.get(order[i]).ids().length);
        }
        long[][] ids = new long[to - from][len];
        long[][] labels = new long[to - from][len];
        for (int i = from; i < to; i++) {
            TextDataset.Example e = examples.get(order[i]);
            long[] row = ids[i - from];
            long[] lab = labels[i - from];
            Arrays.fill(row, padId);
            Arrays.fill(lab, CausalLmLoss.IGNORE_INDEX);
            System.arraycopy(e.ids(), 0, row, 0, e.ids().length);
            System.arraycopy(e.labels(), 0, lab, 0, e.labels().length);
        }
        return new Batch(ids, labels);
    }
}
