package org.lorapipeline.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.lorapipeline.core.config.ConfigException;
import org.lorapipeline.core.config.ModelFamily;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.dataset.CaptionSource;
import org.lorapipeline.core.dataset.DatasetInspector;
import org.lorapipeline.core.dataset.DatasetKind;
import org.lorapipeline.core.dataset.DatasetReport;
import org.lorapipeline.core.dataset.InspectionRules;
import org.lorapipeline.core.dataset.Manifest;
import org.lorapipeline.core.dataset.ProblemCode;
import org.lorapipeline.core.dataset.Severity;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.DatasetRejected;
import org.lorapipeline.events.DatasetSubmitted;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.Problem;
import org.lorapipeline.runtime.ChecksumMismatchException;
import org.lorapipeline.runtime.EventContext;
import org.lorapipeline.runtime.EventHandler;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectStoreException;
import org.lorapipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dataset.submitted} → {@code dataset.registered} or {@code dataset.rejected}. Reads the run config, brings
 * the dataset onto local disk, inspects it, and on success stores an immutable copy under
 * {@code datasets/<datasetId>/files/} plus {@code manifest.json} and {@code config.yaml}.
 *
 * <p>Bad input is answered with a rejection event, never an exception, and nothing stored is deleted or replaced:
 * a dataset id that is already registered with other content is rejected instead of overwritten. Outputs have
 * deterministic keys, so a redelivered event writes the same objects and the same follow-up event ids.
 */
public final class IngestHandler implements EventHandler<DatasetSubmitted> {
    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
    static final String CONFIG_NAME = "config.yaml";

    private final ObjectStore store;
    private final DatasetMaterializer materializer;

    public IngestHandler(ObjectStore store, IngestLimits limits) {
        this.store = store;
        this.materializer = new DatasetMaterializer(store, limits);
    }

    @Override
    public void handle(DatasetSubmitted event, EventContext ctx) throws IOException {
        Path work = Files.createTempDirectory("lora-ingest-");
        try {
            ingest(event, ctx, work);
        } catch (RejectedInput rejected) {
            reject(event, ctx, rejected.reasons());
        } finally {
            deleteTree(work);
        }
    }

    private void ingest(DatasetSubmitted event, EventContext ctx, Path work) throws RejectedInput, IOException {
        String datasetId = event.getDatasetId();
        if (!datasetId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw RejectedInput.of("dataset.id", null, "dataset id '" + datasetId
                    + "' must be letters, digits, '.', '_' or '-' (it becomes part of object keys)");
        }
        byte[] yaml = readConfig(event.getConfig());
        RunConfig config = parseConfig(yaml);
        Path data = work.resolve("data");
        Files.createDirectories(data);
        materializer.materialize(event.getSource(), data, work);

        DatasetReport report = DatasetInspector.inspect(DatasetInspector.findRoot(data), rules(config));
        log.info("run {} dataset {}: {}", event.getRunId(), datasetId, report.summary());
        List<Problem> problems = new ArrayList<>(Problems.ofAll(report.problems()));
        checkKindMatchesConfig(report, config, problems);
        if (!report.accepted() || problems.stream().anyMatch(p -> p.getSeverity() == org.lorapipeline.events.Severity.ERROR)) {
            throw new RejectedInput(problems);
        }

        String base = "datasets/" + datasetId + "/";
        byte[] manifestJson = Manifest.of(report).toJson();
        var existing = store.stat(base + "manifest.json");
        if (existing.isPresent() && !existing.get().getSha256().equals(org.lorapipeline.core.image.Sha256.hex(manifestJson))) {
            throw RejectedInput.of("dataset.id_reused", null, "dataset " + datasetId
                    + " is already registered with different content; submit it under a new dataset id");
        }
        Path root = DatasetInspector.findRoot(data);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                store.putFile(base + "files/" + root.relativize(f).toString().replace('\\', '/'), f);
            }
        }
        ObjectRef configRef = store.putBytes(base + CONFIG_NAME, yaml, "application/yaml");
        ObjectRef manifestRef = store.putBytes(base + "manifest.json", manifestJson, "application/json");

        int uncaptioned = (int) report.images().stream()
                .filter(i -> i.captionSource() == CaptionSource.NONE || i.captionSource() == CaptionSource.CLASS_TOKEN)
                .count();
        boolean labeling = report.kind() == DatasetKind.IMAGE
                && ((config.image() != null && config.image().autoLabel()) || uncaptioned > 0);
        ctx.publish(Topics.DATASET_REGISTERED, DatasetRegistered.newBuilder()
                .setEventId(ctx.newEventId())
                .setRunId(event.getRunId())
                .setOccurredAt(java.time.Instant.now())
                .setDatasetId(datasetId)
                .setDatasetKind(org.lorapipeline.events.DatasetKind.valueOf(report.kind().name()))
                .setLayout(report.layout().name().toLowerCase(java.util.Locale.ROOT))
                .setManifest(manifestRef)
                .setConfig(configRef)
                .setItemCount((int) Math.min(Integer.MAX_VALUE, report.itemCount()))
                .setUncaptionedCount(uncaptioned)
                .setLabelingRequested(labeling)
                .setWarnings(problems)
                .build());
    }

    private byte[] readConfig(ObjectRef ref) throws RejectedInput {
        try {
            return store.getBytes(ref);
        } catch (ChecksumMismatchException e) {
            throw RejectedInput.of("config.checksum", ref.getKey(), e.getMessage() + "; upload the config again");
        } catch (ObjectStoreException e) {
            if (e.retryable()) {
                throw e;
            }
            throw RejectedInput.of("config.missing", ref.getKey(), e.getMessage());
        }
    }

    private static RunConfig parseConfig(byte[] yaml) throws RejectedInput {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(yaml)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw RejectedInput.of("config.encoding", CONFIG_NAME, "the run config is not UTF-8 text; save it as UTF-8");
        }
        try {
            return RunConfig.parse(text, CONFIG_NAME);
        } catch (ConfigException e) {
            throw new RejectedInput(Problems.ofConfig(CONFIG_NAME, e.problems()));
        }
    }

    /** The seed's rule (short side ≥ min_resolution) rejects at ingest; kohya would only warn at training time. */
    private static InspectionRules rules(RunConfig config) {
        return config.image() == null
                ? InspectionRules.defaults().withSeverity(ProblemCode.IMAGE_TOO_SMALL, Severity.ERROR)
                : InspectionRules.forTraining(config.image().minResolution());
    }

    private static void checkKindMatchesConfig(DatasetReport report, RunConfig config, List<Problem> problems) {
        boolean imageConfig = config.family() == ModelFamily.SD;
        boolean imageData = report.kind() == DatasetKind.IMAGE;
        if (imageConfig != imageData) {
            problems.add(0, Problems.error("dataset.kind_mismatch", null, null, "the run config trains "
                    + (imageConfig ? "a text-to-image model" : "a text-generation model") + " but the dataset is "
                    + (imageData ? "images" : "text") + "; submit matching data or fix model_type/task_type in " + CONFIG_NAME));
        }
    }

    private static void reject(DatasetSubmitted event, EventContext ctx, List<Problem> reasons) {
        log.info("run {} dataset {} rejected: {}", event.getRunId(), event.getDatasetId(),
                reasons.isEmpty() ? "" : reasons.get(0).getMessage());
        ctx.publish(Topics.DATASET_REJECTED, DatasetRejected.newBuilder()
                .setEventId(ctx.newEventId())
                .setRunId(event.getRunId())
                .setOccurredAt(java.time.Instant.now())
                .setDatasetId(event.getDatasetId())
                .setReasons(reasons)
                .build());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not clean up {}: {}", dir, e.toString());
        }
    }
}
