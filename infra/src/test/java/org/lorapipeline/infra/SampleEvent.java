package org.lorapipeline.infra;

import java.time.Instant;
import java.util.List;
import org.lorapipeline.events.DatasetKind;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.ObjectRef;

final class SampleEvent {
    private SampleEvent() {}

    static DatasetRegistered registered(String runId) {
        return DatasetRegistered.newBuilder()
                .setEventId("e-" + runId).setRunId(runId).setDatasetId("ds-" + runId)
                .setOccurredAt(Instant.parse("2026-11-23T10:15:30.123Z"))
                .setDatasetKind(DatasetKind.IMAGE).setLayout("metadata_csv")
                .setManifest(ref("datasets/ds-" + runId + "/manifest.json"))
                .setConfig(ref("datasets/ds-" + runId + "/config.yaml"))
                .setItemCount(42).setUncaptionedCount(3).setLabelingRequested(true)
                .setWarnings(List.of())
                .build();
    }

    private static ObjectRef ref(String key) {
        return ObjectRef.newBuilder().setBucket("lora").setKey(key).setSha256("ab".repeat(32)).setSizeBytes(123).build();
    }
}
