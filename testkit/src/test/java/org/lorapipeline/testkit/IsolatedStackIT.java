package org.lorapipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.schemas.Topics;

@RealStack(isolated = true)
class IsolatedStackIT {
    @Test
    void hasItsOwnStackSoItCanPutGarbageIntoACatalogTopic(TestStack stack, StackEndpoints endpoints) {
        assertThat(SharedStackIT.SEEN_BOOTSTRAPS).doesNotContain(endpoints.bootstrapServers());
        String runId = stack.uniqueId("run");
        stack.producer().sendRaw(Topics.DATASET_REGISTERED.name(), runId, new byte[] {1, 2, 3}, java.util.Map.of());
        DatasetRegistered valid = Events.registered(runId);
        stack.producer().send(Topics.DATASET_REGISTERED, runId, valid);
        try (EventProbe<DatasetRegistered> probe = stack.probe(Topics.DATASET_REGISTERED)) {
            assertThat(probe.awaitKey(runId, Duration.ofSeconds(30))).isEqualTo(valid);
            assertThat(probe.undecodable()).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo(runId));
        }
    }
}
