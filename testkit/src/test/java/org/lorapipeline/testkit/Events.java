package org.lorapipeline.testkit;

import java.time.Instant;
import java.util.List;
import org.lorapipeline.events.DatasetKind;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.ObjectRef;

/** Small valid events for the kit's own tests. */
final class Events {
    private Events() {}

    static DatasetRegistered registered(String runId) {
        return DatasetRegistered.newBuilder()
                .setEventId("e-" + runId).setRunId(runId).setDatasetId("ds-" + runId)
                .setOccurredAt(Instant.parse("2026-11-23T10:15:30.123Z"))
                .setDatasetKind(DatasetKind.IMAGE).setLayout("metadata_csv")
                .setManifest(ref("datasets/ds-" + runId + "/manifest.json"))
                .setConfig(ref("datasets/ds-" + runId + "/config.yaml"))
                .setItemCount(3).setUncaptionedCount(0).setLabelingRequested(false)
                .setWarnings(List.of())
                .build();
    }

    static ObjectRef ref(String key) {
        return ObjectRef.newBuilder().setBucket("lora").setKey(key).setSha256("cd".repeat(32)).setSizeBytes(10).build();
    }
}
