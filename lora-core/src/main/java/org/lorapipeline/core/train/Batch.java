package org.lorapipeline.core.train;

/**
 * One micro-batch of equal-length rows.
 *
 * @param ids    (B, T) token ids
 * @param labels (B, T) labels, {@link CausalLmLoss#IGNORE_INDEX} where the loss must not count (prompt, padding)
 */
public record Batch(long[][] ids, long[][] labels) {
    public Batch {
        if (ids == null || ids.length == 0 || ids[0].length < 2) {
            throw new IllegalArgumentException("batch needs at least one row of at least 2 tokens");
        }
        if (labels == null || labels.length != ids.length) {
            throw new IllegalArgumentException("labels must have one row per ids row");
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length != ids[0].length || labels[i].length != ids[0].length) {
                throw new IllegalArgumentException("row " + i + ": all ids/labels rows must have length "
                        + ids[0].length + " (pad them)");
            }
        }
    }

    /** Plain language modelling: every token is its own label. */
    public static Batch languageModelling(long[][] ids) {
        long[][] labels = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            labels[i] = ids[i].clone();
        }
        return new Batch(ids, labels);
    }
}
