package org.lorapipeline.label;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lorapipeline.core.caption.CaptionLinter;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.dataset.CaptionSource;
import org.lorapipeline.core.dataset.Manifest;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.events.CaptionsReady;
import org.lorapipeline.events.DatasetSource;
import org.lorapipeline.events.DatasetSubmitted;
import org.lorapipeline.events.SourceKind;
import org.lorapipeline.ingest.IngestService;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.testkit.EventProbe;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/** ingest-service and label-service on the real stack, with a tiny CLIP the project generates. */
@RealStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabelServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String SD_CONFIG = """
            train_data_dir: "./data/style_train"
            base_model: "./models/v1-5-pruned.safetensors"
            lora_rank: 8
            output_dir: "./output/label_it"
            """;

    private final TestStack stack;
    private Service ingest;
    private Service label;
    private ObjectStore store;
    private EventProbe<CaptionsReady> ready;

    private Path tmp;

    LabelServiceIT(TestStack stack) {
        this.stack = stack;
    }

    private Map<String, String> env(String worker) {
        Map<String, String> env = new HashMap<>(stack.environment());
        env.put("LORA_WORKER_ID", worker);
        env.put("LORA_HTTP_PORT", "0");
        env.put("LORA_MAX_ATTEMPTS", "2");
        env.put("LORA_BACKOFF_INITIAL_MS", "50");
        env.put("LORA_DATA_DIR", Path.of("target", "no-dev-stack-here").toString());
        return env;
    }

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "label-it");
        Path clip = tmp.resolve("tiny-clip");
        TinyClip.write(clip, 20240601L);
        ingest = Service.start(ServiceConfigLoader.load(IngestService.NAME, new String[0], env("ingest-it")), IngestService::wire);
        // the random tiny CLIP scores below the built-in thresholds; -1 keeps every category's top-k
        LabelModel model = new LabelModel(clip, -1f);
        label = Service.start(ServiceConfigLoader.load(LabelService.NAME, new String[0], env("label-it")),
                s -> LabelService.wire(s, model));
        store = ingest.store();
        ready = stack.probe(Topics.CAPTIONS_READY);
    }

    @AfterAll
    void stop() {
        ready.close();
        label.close();
        ingest.close();
    }

    private DatasetSubmitted submit(Path dir) throws Exception {
        String runId = stack.uniqueId("run");
        String datasetId = stack.uniqueId("ds");
        String prefix = "uploads/" + datasetId + "/files/";
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                store.putFile(prefix + dir.relativize(f).toString().replace('\\', '/'), f);
            }
        }
        var config = store.putBytes("submissions/" + runId + "/config.yaml", SD_CONFIG.getBytes(StandardCharsets.UTF_8));
        DatasetSubmitted event = DatasetSubmitted.newBuilder().setEventId(stack.uniqueId("evt")).setRunId(runId)
                .setOccurredAt(Instant.now()).setDatasetId(datasetId)
                .setSource(DatasetSource.newBuilder().setKind(SourceKind.S3_PREFIX).setBucket(store.bucket()).setPrefix(prefix).build())
                .setConfig(config).build();
        stack.producer().send(Topics.DATASET_SUBMITTED, runId, event);
        return event;
    }

    @Test
    void uncaptionedImagesGetWellFormedStructuredCaptionsAndHandWrittenOnesAreKept() throws Exception {
        Path dir = tmp.resolve("style_train");
        Map<String, String> captions = SampleDatasets.writeImageDataset(dir, 4, 512, 5);
        // keep one hand-written caption, drop the others
        String keptFile = captions.keySet().stream().sorted().findFirst().orElseThrow();
        StringBuilder csv = new StringBuilder("filename,prompt\n");
        captions.keySet().stream().sorted().forEach(f -> csv.append(f).append(',')
                .append(f.equals(keptFile) ? "**hand written**, red coat, *calm*" : "").append('\n'));
        Files.writeString(dir.resolve("metadata.csv"), csv);

        DatasetSubmitted sub = submit(dir);
        CaptionsReady event = ready.awaitKey(sub.getRunId(), WAIT);
        assertThat(event.getGenerated()).isEqualTo(3);
        assertThat(event.getKept()).isEqualTo(1);
        assertThat(event.getFailed()).isZero();
        try (var requested = stack.probe(Topics.CAPTIONS_REQUESTED)) {
            assertThat(requested.awaitKey(sub.getRunId(), WAIT).getDatasetId()).isEqualTo(sub.getDatasetId());
        }

        Manifest manifest = Manifest.fromJson(store.getBytes(event.getManifest()));
        for (Manifest.Image image : manifest.images()) {
            if (image.path().equals(keptFile)) {
                assertThat(image.caption()).isEqualTo("**hand written**, red coat, *calm*");
            } else {
                assertThat(image.captionSource()).isEqualTo(CaptionSource.AUTO_LABEL);
                StructuredCaption parsed = StructuredCaption.parse(image.caption());
                assertThat(parsed.core()).isNotEmpty();
            }
        }
        // the written metadata.csv passes the caption linter next to the images
        Path check = tmp.resolve("check");
        Files.createDirectories(check);
        Files.write(check.resolve("metadata.csv"), store.getBytes(event.getCaptions()));
        for (String f : captions.keySet()) {
            Files.copy(dir.resolve(f), check.resolve(f));
        }
        assertThat(new CaptionLinter(null).lint(check)).noneMatch(finding -> finding.isError());
    }

    @Test
    void fullyCaptionedDatasetsPassStraightThrough() throws Exception {
        Path dir = tmp.resolve("captioned");
        SampleDatasets.writeImageDataset(dir, 2, 512, 9);
        DatasetSubmitted sub = submit(dir);
        CaptionsReady event = ready.awaitKey(sub.getRunId(), WAIT);
        assertThat(event.getGenerated()).isZero();
        assertThat(event.getKept()).isEqualTo(2);
        assertThat(new String(store.getBytes(event.getCaptions()), StandardCharsets.UTF_8)).startsWith("filename,prompt\n");
    }
}
