package org.lorapipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lorapipeline.infra.StackEndpoints;

/** Runs beside {@link SharedStackIT} (classes run concurrently) and must get the very same stack. */
@RealStack
class SharedStackSecondIT {
    @Test
    void getsTheSameStackAsEveryOtherSharedClass(StackEndpoints endpoints) {
        SharedStackIT.SEEN_BOOTSTRAPS.add(endpoints.bootstrapServers());
        assertThat(SharedStackIT.SEEN_BOOTSTRAPS).hasSize(1);
    }
}
