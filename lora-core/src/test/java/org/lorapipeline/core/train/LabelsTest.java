package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelsTest {
    private static final long I = CausalLmLoss.IGNORE_INDEX;

    @Test
    void onlyTheResponseAfterTheMarkerCounts() {
        long[] ids = {1, 10, 11, 7, 8, 9, 20, 21, 2, 0, 0};
        long[] marker = {7, 8, 9}; // "### Response:" tokens
        assertThat(Labels.responseOnly(ids, marker, 9)).containsExactly(I, I, I, I, I, I, 20, 21, 2, I, I);
        assertThat(Labels.responseOnly(ids, new long[] {5}, 9)).containsOnly(I);
        assertThat(Labels.all(ids, 0, 9)).containsExactly(1, 10, 11, 7, 8, 9, 20, 21, 2, I, I);
        assertThat(CausalLmLoss.countedTokens(new long[][] {{5, I, 3}, {I, 4, 4}})).isEqualTo(3);
    }
}
