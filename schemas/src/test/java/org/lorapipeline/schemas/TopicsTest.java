package org.lorapipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.DatasetSubmitted;

class TopicsTest {
    @Test
    void namesAreUniqueVersionedAndEachHasADeadLetterTwin() {
        var names = new HashSet<String>();
        for (TopicSpec<?> t : Topics.ALL) {
            assertThat(names.add(t.name())).as(t.name()).isTrue();
            assertThat(t.name()).matches("[a-z-]+\\.[a-z-]+\\.v\\d+");
            assertThat(t.dlq()).isEqualTo(t.name() + ".dlq");
        }
        assertThat(Topics.allNames()).hasSize(2 * Topics.ALL.size()).contains("dataset.submitted.v1.dlq");
    }

    @Test
    void everyEventTypeHasExactlyOneTopicExceptTheTwoJobQueues() {
        var types = new HashSet<Class<?>>();
        Topics.ALL.stream().filter(t -> t != Topics.GPU_TRAINING_REQUESTED)
                .forEach(t -> assertThat(types.add(t.valueType())).as(t.name()).isTrue());
        assertThat(types).hasSize(13);
        // the GPU queue carries the same jobs as the CPU queue; the router picks one of the two per run
        assertThat(Topics.GPU_TRAINING_REQUESTED.valueType()).isEqualTo(Topics.TRAINING_REQUESTED.valueType());
    }

    @Test
    void lookupFindsTopicsAndTheirDeadLetterTwins() {
        assertThat(Topics.byName("model.exported.v1")).contains(Topics.MODEL_EXPORTED);
        assertThat(Topics.byName("model.exported.v1.dlq")).contains(Topics.MODEL_EXPORTED);
        assertThat(Topics.byName("nope.v1")).isEmpty();
    }

    @Test
    void badNamesAreRefused() {
        assertThatThrownBy(() -> new TopicSpec<>("DatasetSubmitted", DatasetSubmitted.class, 1, Duration.ofDays(1), false, ""))
                .hasMessageContaining("<noun>.<past-verb>.v<N>");
    }

    @Test
    void creationConfigCarriesRetentionAndCleanupPolicy() {
        var nt = Topics.TRAINING_PROGRESSED.newTopic((short) 1);
        assertThat(nt.numPartitions()).isEqualTo(6);
        assertThat(nt.configs()).containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()))
                .containsEntry("cleanup.policy", "delete");
        assertThat(Topics.TRAINING_PROGRESSED.newDlqTopic((short) 1).name()).isEqualTo("training.progressed.v1.dlq");
    }
}
