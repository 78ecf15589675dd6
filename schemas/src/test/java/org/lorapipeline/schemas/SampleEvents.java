package org.lorapipeline.schemas;

import java.time.Instant;
import java.util.List;
import org.lorapipeline.events.DatasetKind;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.Problem;
import org.lorapipeline.events.Severity;

final class SampleEvents {
    private SampleEvents() {}

    static ObjectRef ref(String key) {
        return ObjectRef.newBuilder().setBucket("lora").setKey(key).setSha256("ab".repeat(32)).setSizeBytes(123).build();
    }

    static DatasetRegistered registered() {
        return DatasetRegistered.newBuilder()
                .setEventId("e-1").setRunId("run-1").setDatasetId("ds-1")
                .setOccurredAt(Instant.parse("2026-11-23T10:15:30.123Z"))
                .setDatasetKind(DatasetKind.IMAGE).setLayout("seed_metadata_csv")
                .setManifest(ref("datasets/ds-1/manifest.json")).setConfig(ref("datasets/ds-1/config.yaml"))
                .setItemCount(42).setUncaptionedCount(3).setLabelingRequested(true)
                .setWarnings(List.of(Problem.newBuilder().setSeverity(Severity.WARNING).setCode("image.near_duplicate")
                        .setFile("img02.png").setLine(null).setMessage("looks like img01.png").build()))
                .build();
    }
}
