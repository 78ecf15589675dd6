package org.lorapipeline.core.train;

import java.util.Arrays;

/** Builds label rows from token ids, optionally counting only the response of an instruction prompt. */
public final class Labels {
    private Labels() {}

    /** Every token counts (plain language modelling); padding positions ({@code pad}) are ignored. */
    public static long[] all(long[] ids, long pad, int length) {
        long[] labels = Arrays.copyOf(ids, ids.length);
        for (int i = length; i < labels.length; i++) {
            labels[i] = CausalLmLoss.IGNORE_INDEX;
        }
        return labels;
    }

    /**
     * Only tokens after the first occurrence of {@code marker} (the token ids of {@code ### Response:}) count, so the
     * model is not trained to reproduce the prompt. When the marker is absent nothing counts, since training on a
     * prompt-only row would teach the prompt; the caller should report such rows.
     *
     * @param ids    the row's token ids
     * @param marker token ids of the response marker
     * @param length number of real tokens (the rest is padding)
     */
    public static long[] responseOnly(long[] ids, long[] marker, int length) {
        if (marker.length == 0) {
            throw new IllegalArgumentException("response marker must not be empty");
        }
        long[] labels = new long[ids.length];
        Arrays.fill(labels, CausalLmLoss.IGNORE_INDEX);
        int start = indexOf(ids, marker, length);
        if (start < 0) {
            return labels;
        }
        for (int i = start + marker.length; i < length; i++) {
            labels[i] = ids[i];
        }
        return labels;
    }

    static int indexOf(long[] ids, long[] marker, int length) {
        outer:
        for (int i = 0; i + marker.length <= length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (ids[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
