package org.lorapipeline.core.sd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SdBatchPlanTest {
    private static final BucketPlanner PLANNER = BucketPlanner.kohya(512, 256, 1024, 64);

    /** 5 square images x2 repeats (10 examples), 3 wide x1, 2 tall x3 (6 examples). */
    private static List<SdImage> images() {
        List<SdImage> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add(SdDataFixtures.virtual("sq" + i + ".png", 800, 800, 2));
        }
        for (int i = 0; i < 3; i++) {
            out.add(SdDataFixtures.virtual("wide" + i + ".png", 1920, 1080, 1));
        }
        for (int i = 0; i < 2; i++) {
            out.add(SdDataFixtures.virtual("tall" + i + ".png", 600, 800, 3));
        }
        return out;
    }

    @Test
    void countsFollowRepeatsAndKeepPartialBatches() {
        SdBatchPlan plan = new SdBatchPlan(images(), PLANNER, 4, 7);

        assertThat(plan.exampleCount()).isEqualTo(10 + 3 + 6);
        // ceil(10/4) + ceil(3/4) + ceil(6/4) = 3 + 1 + 2
        assertThat(plan.batchesPerEpoch()).isEqualTo(6);
        assertThat(plan.bucketCounts()).containsEntry(new Bucket(512, 512), 10)
                .containsEntry(new Bucket(640, 384), 3).containsEntry(new Bucket(448, 576), 6);
    }

    @Test
    void everyBatchHoldsOneBucketAndEachEpochSeesEachImageRepeatsTimes() {
        SdBatchPlan plan = new SdBatchPlan(images(), PLANNER, 4, 7);
        for (int epoch = 0; epoch < 3; epoch++) {
            Map<String, Integer> seen = new HashMap<>();
            List<Integer> sizes = new ArrayList<>();
            for (int i = 0; i < plan.batchesPerEpoch(); i++) {
                SdBatch batch = plan.batch(epoch, i);
                sizes.add(batch.images().size());
                for (SdImage img : batch.images()) {
                    assertThat(PLANNER.bucketFor(img.width(), img.height())).isEqualTo(batch.bucket());
                    seen.merge(img.key(), 1, Integer::sum);
                }
            }
            for (SdImage img : images()) {
                assertThat(seen.get(img.key())).as(img.key()).isEqualTo(img.repeats());
            }
            assertThat(sizes).containsExactlyInAnyOrder(4, 4, 2, 3, 4, 2);
        }
    }

    @Test
    void sameSeedAndEpochGiveTheSameBatchesInANewPlanSoResumesMatch() {
        SdBatchPlan first = new SdBatchPlan(images(), PLANNER, 2, 123);
        SdBatchPlan resumed = new SdBatchPlan(images(), PLANNER, 2, 123);

        for (int epoch = 0; epoch < 4; epoch++) {
            for (int i = 0; i < first.batchesPerEpoch(); i++) {
                assertThat(resumed.batch(epoch, i)).isEqualTo(first.batch(epoch, i));
            }
        }
        // out-of-order access (a resume in epoch 3) gives the same answer as sequential access
        assertThat(new SdBatchPlan(images(), PLANNER, 2, 123).batch(3, 5)).isEqualTo(first.batch(3, 5));
    }

    @Test
    void epochsAndSeedsShuffleDifferently() {
        SdBatchPlan plan = new SdBatchPlan(images(), PLANNER, 2, 123);
        Set<List<SdBatch>> orders = new HashSet<>();
        for (int epoch = 0; epoch < 5; epoch++) {
            orders.add(plan.epoch(epoch));
        }
        orders.add(new SdBatchPlan(images(), PLANNER, 2, 124).epoch(0));
        assertThat(orders).hasSize(6);
    }

    @Test
    void zeroRepeatsEverywhereIsRefused() {
        assertThatThrownBy(() -> new SdBatchPlan(List.of(SdDataFixtures.virtual("a.png", 512, 512, 0)), PLANNER, 1, 0))
                .hasMessageContaining("0 repeats");
        assertThatThrownBy(() -> new SdBatchPlan(images(), PLANNER, 0, 0)).hasMessageContaining("batch_size");
    }
}
