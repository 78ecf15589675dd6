package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.lorapipeline.core.config.LrScheduler;

/** Values worked out by hand from transformers' published schedule formulas (base 1e-3, warmup 2, total 10). */
class LrScheduleTest {
    private static double[] run(LrScheduler k) {
        LrSchedule s = new LrSchedule(k, 1e-3, 2, 10);
        double[] out = new double[11];
        for (int i = 0; i <= 10; i++) {
            out[i] = s.lr(i);
        }
        return out;
    }

    @Test
    void constantIgnoresWarmup() {
        assertThat(run(LrScheduler.CONSTANT)).containsOnly(1e-3);
    }

    @Test
    void constantWithWarmupRampsThenHolds() {
        assertThat(run(LrScheduler.CONSTANT_WITH_WARMUP)).containsExactly(
                new double[] {0, 5e-4, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3}, within(1e-15));
    }

    @Test
    void linearDecaysToZeroAtTheEnd() {
        // after warmup: (10 - s) / 8
        assertThat(run(LrScheduler.LINEAR)).containsExactly(new double[] {0, 5e-4, 1e-3, 8.75e-4, 7.5e-4, 6.25e-4,
                5e-4, 3.75e-4, 2.5e-4, 1.25e-4, 0}, within(1e-15));
    }

    @Test
    void cosineFollowsHalfACosine() {
        // after warmup: (1 + cos(pi (s-2)/8)) / 2; cos(pi/8) = 0.9238795325, cos(pi/4) = 0.7071067812,
        // cos(3pi/8) = 0.3826834324
        assertThat(run(LrScheduler.COSINE)).containsExactly(new double[] {0, 5e-4, 1e-3, 9.619397662e-4,
                8.535533906e-4, 6.913417162e-4, 5e-4, 3.086582838e-4, 1.464466094e-4, 3.80602337e-5, 0},
                within(1e-12));
    }

    @Test
    void noWarmupStartsAtTheFullRate() {
        assertThat(new LrSchedule(LrScheduler.LINEAR, 2e-4, 0, 4).lr(0)).isEqualTo(2e-4);
        assertThat(new LrSchedule(LrScheduler.LINEAR, 2e-4, 0, 4).lr(3)).isCloseTo(5e-5, within(1e-18));
    }
}
