package org.lorapipeline.core.train;

import ai.djl.ndarray.NDArray;
import org.lorapipeline.core.engine.Ops;

/**
 * Causal language-model loss as transformers computes it: the logits at position t predict the label at t+1,
 * labels equal to {@link #IGNORE_INDEX} do not count, and the loss is the mean over the counted tokens.
 */
public final class CausalLmLoss {
    /** PyTorch's and transformers' ignore label. */
    public static final long IGNORE_INDEX = -100;

    private CausalLmLoss() {}

    /**
     * @param logits (B, T, V)
     * @param labels B rows of T labels (token ids, or {@link #IGNORE_INDEX})
     * @return scalar mean cross entropy over counted next-token predictions
     */
    public static NDArray loss(NDArray logits, long[][] labels) {
        long b = logits.getShape().get(0);
        long t = logits.getShape().get(1);
        long v = logits.getShape().get(2);
        if (labels.length != b) {
            throw new IllegalArgumentException("labels has " + labels.length + " rows for batch " + b);
        }
        long[] shifted = new long[(int) (b * (t - 1))];
        for (int i = 0; i < b; i++) {
            if (labels[i].length != t) {
                throw new IllegalArgumentException("labels row " + i + " has " + labels[i].length + " entries, "
                        + "sequence length is " + t);
            }
            System.arraycopy(labels[i], 1, shifted, (int) (i * (t - 1)), (int) (t - 1));
        }
        NDArray predicting = logits.get(":, :" + (t - 1) + ", :").reshape(b * (t - 1), v); // (B*(T-1), V)
        return Ops.crossEntropy(predicting, shifted, IGNORE_INDEX);
    }

    /** Number of labels that count after the shift (a weight for averaging across micro-batches). */
    public static long countedTokens(long[][] labels) {
        long n = 0;
        for (long[] row : labels) {
            for (int j = 1; j < row.length; j++) {
                n += row[j] == IGNORE_INDEX ? 0 : 1;
            }
        }
        return n;
    }
}
