package org.lorapipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.dataset.Manifest;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.events.DatasetKind;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.DatasetSubmitted;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.status.RunPhase;
import org.lorapipeline.status.RunStatus;
import org.lorapipeline.status.RunStatusSerde;
import org.lorapipeline.status.RunStatusView;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/** The ingest-service on a real broker and S3 server: every dataset layout, redelivery, poison events, status. */
@RealStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestServiceIT {
    private final TestStack stack;
    private IngestFixture ingest;

    @TempDir
    Path tmp;

    IngestServiceIT(TestStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    void start() throws Exception {
        ingest = new IngestFixture(stack);
    }

    @AfterAll
    void stop() {
        ingest.close();
    }

    private Manifest manifestOf(DatasetRegistered reg) throws Exception {
        return Manifest.fromJson(ingest.store.getBytes(reg.getManifest()));
    }

    @Test
    void seedMetadataCsvIsRegisteredWithAManifestAndAnImmutableCopy() throws Exception {
        Path dir = tmp.resolve("csv");
        Map<String, String> captions = SampleDatasets.writeImageDataset(dir, 4, 512, 7);
        DatasetSubmitted sub = ingest.submitFolder(dir, IngestFixture.SD_CONFIG);

        DatasetRegistered reg = ingest.registered(sub.getRunId());
        assertThat(reg.getDatasetKind()).isEqualTo(DatasetKind.IMAGE);
        assertThat(reg.getLayout()).isEqualTo("seed_metadata_csv");
        assertThat(reg.getItemCount()).isEqualTo(4);
        assertThat(reg.getManifest().getKey()).isEqualTo("datasets/" + sub.getDatasetId() + "/manifest.json");
        assertThat(reg.getLabelingRequested()).isFalse();

        Manifest manifest = manifestOf(reg);
        assertThat(manifest.images()).hasSize(4);
        for (Manifest.Image image : manifest.images()) {
            assertThat(image.width()).isEqualTo(512);
            assertThat(captions).containsKey(image.path());
            assertThat(ingest.store.stat("datasets/" + sub.getDatasetId() + "/files/" + image.path()))
                    .hasValueSatisfying(ref -> assertThat(ref.getSha256()).isEqualTo(image.sha256()));
        }
        assertThat(new String(ingest.store.getBytes(reg.getConfig()), StandardCharsets.UTF_8)).contains("lora_rank: 8");
    }

    @Test
    void kohyaFoldersAreRegisteredWithRepeats() throws Exception {
        Path dir = tmp.resolve("kohya");
        Path sub = dir.resolve("10_mychar");
        SampleDatasets.writeImageDataset(sub, 3, 512, 11);
        Files.delete(sub.resolve("metadata.csv"));
        try (var files = Files.list(sub)) {
            for (Path png : files.filter(p -> p.toString().endsWith(".png")).toList()) {
                Files.writeString(sub.resolve(png.getFileName().toString().replace(".png", ".caption")),
                        "**mychar**, red coat, *calm*");
            }
        }
        DatasetSubmitted submitted = ingest.submitFolder(dir, IngestFixture.SD_CONFIG);
        DatasetRegistered reg = ingest.registered(submitted.getRunId());
        assertThat(reg.getLayout()).isEqualTo("kohya_folders");
        Manifest manifest = manifestOf(reg);
        assertThat(manifest.images()).hasSize(3).allSatisfy(i -> {
            assertThat(i.repeats()).isEqualTo(10);
            assertThat(i.coreTags()).containsExactly("mychar");
            assertThat(i.moodTags()).containsExactly("calm");
        });
    }

    @Test
    void huggingFaceMetadataJsonlIsRegistered() throws Exception {
        Path dir = tmp.resolve("jsonl");
        Map<String, String> captions = SampleDatasets.writeImageDataset(dir, 3, 512, 13);
        Files.delete(dir.resolve("metadata.csv"));
        StringBuilder jsonl = new StringBuilder();
        captions.forEach((file, text) -> jsonl.append("{\"file_name\":\"").append(file).append("\",\"text\":\"")
                .append(text.replace("\"", "\\\"")).append("\"}\n"));
        Files.writeString(dir.resolve("metadata.jsonl"), jsonl);
        DatasetRegistered reg = ingest.registered(ingest.submitFolder(dir, IngestFixture.SD_CONFIG).getRunId());
        assertThat(reg.getLayout()).isEqualTo("hf_imagefolder");
        assertThat(reg.getItemCount()).isEqualTo(3);
    }

    @Test
    void seedTextJsonlAndAlpacaAreRegisteredAsText() throws Exception {
        Path text = tmp.resolve("text");
        Files.createDirectories(text);
        SampleDatasets.writeTextDataset(text.resolve("train.jsonl"), 20, 3);
        DatasetRegistered reg = ingest.registered(ingest.submitFolder(text, IngestFixture.LLM_CONFIG).getRunId());
        assertThat(reg.getDatasetKind()).isEqualTo(DatasetKind.TEXT);
        assertThat(reg.getItemCount()).isEqualTo(20);

        Path alpaca = tmp.resolve("alpaca");
        Files.createDirectories(alpaca);
        Files.writeString(alpaca.resolve("data.jsonl"), """
                {"instruction": "Greet the customer", "input": "", "output": "Hello! How can I help?"}
                {"instruction": "Refund policy?", "input": "order 42", "output": "Refunds take 5 days."}
                """);
        DatasetRegistered alp = ingest.registered(ingest.submitFolder(alpaca, IngestFixture.LLM_CONFIG).getRunId());
        assertThat(alp.getDatasetKind()).isEqualTo(DatasetKind.TEXT);
        assertThat(alp.getItemCount()).isEqualTo(2);
    }

    @Test
    void uploadedZipIsExtractedAndRegistered() throws Exception {
        Path dir = tmp.resolve("zipped/style_train");
        SampleDatasets.writeImageDataset(dir, 3, 512, 17);
        Path zip = tmp.resolve("dataset.zip");
        try (var out = new ZipOutputStream(Files.newOutputStream(zip)); var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                out.putNextEntry(new ZipEntry("style_train/" + f.getFileName()));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        DatasetRegistered reg = ingest.registered(ingest.submitZip(zip, IngestFixture.SD_CONFIG).getRunId());
        assertThat(reg.getItemCount()).isEqualTo(3);
        assertThat(manifestOf(reg).images()).extracting(Manifest.Image::path).allMatch(p -> !p.startsWith("style_train/"));
    }

    @Test
    void imagesWithoutCaptionsAskForLabeling() throws Exception {
        Path dir = tmp.resolve("uncaptioned");
        SampleDatasets.writeImageDataset(dir, 2, 512, 19);
        Files.delete(dir.resolve("metadata.csv"));
        DatasetRegistered reg = ingest.registered(ingest.submitFolder(dir, IngestFixture.SD_CONFIG).getRunId());
        assertThat(reg.getUncaptionedCount()).isEqualTo(2);
        assertThat(reg.getLabelingRequested()).isTrue();
    }

    @Test
    void theSameEventDeliveredTwiceRegistersOnce() throws Exception {
        Path dir = tmp.resolve("twice");
        SampleDatasets.writeImageDataset(dir, 2, 512, 23);
        DatasetSubmitted sub = ingest.submitFolder(dir, IngestFixture.SD_CONFIG);
        ingest.registered(sub.getRunId());
        ingest.send(sub); // redelivery of the very same event
        // a later event with the same key lands on the same partition, behind the duplicate: once it is answered,
        // the duplicate has been dealt with too
        DatasetSubmitted marker = ingest.submit(sub.getRunId(), stack.uniqueId("ds"), sub.getSource(), "lora_rnak: 8\n");
        ingest.rejected.awaitRecord(r -> sub.getRunId().equals(r.key()), IngestFixture.WAIT);

        long registrations = ingest.registered.readToEnd(Duration.ofSeconds(10)).stream()
                .filter(r -> sub.getRunId().equals(r.key())).count();
        assertThat(registrations).isEqualTo(1);
        assertThat(marker.getEventId()).isNotEqualTo(sub.getEventId());
    }

    @Test
    void garbageOnTheTopicGoesToTheDeadLetterTopicAndTheServiceGoesOn() throws Exception {
        try (var dlq = stack.dlqProbe(Topics.DATASET_SUBMITTED)) {
            String key = stack.uniqueId("poison");
            stack.producer().sendRaw(Topics.DATASET_SUBMITTED.name(), key, "not an avro event".getBytes(), Map.of());
            var dead = dlq.awaitRecord(r -> key.equals(r.key()), IngestFixture.WAIT);
            assertThat(new String(dead.value())).isEqualTo("not an avro event");
            assertThat(dead.headers().lastHeader("lora.error.message")).isNotNull();
        }
        Path dir = tmp.resolve("after-poison");
        SampleDatasets.writeImageDataset(dir, 2, 512, 31);
        assertThat(ingest.registered(ingest.submitFolder(dir, IngestFixture.SD_CONFIG).getRunId()).getItemCount()).isEqualTo(2);
    }

    @Test
    void theRunStatusViewShowsRegisteredRuns() throws Exception {
        Path dir = tmp.resolve("status");
        SampleDatasets.writeImageDataset(dir, 2, 512, 37);
        DatasetSubmitted sub = ingest.submitFolder(dir, IngestFixture.SD_CONFIG);
        ingest.registered(sub.getRunId());
        try (RunStatusView view = RunStatusView.start(stack.endpoints().bootstrapServers(), tmp.resolve("streams"), 0)) {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + IngestFixture.WAIT.toNanos();
            RunStatus status = null;
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(view.baseUrl() + "/runs/" + sub.getRunId())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    status = RunStatusSerde.fromJson(r.body().getBytes(StandardCharsets.UTF_8));
                    if (status.phase == RunPhase.REGISTERED) {
                        break;
                    }
                }
                Thread.sleep(200);
            }
            assertThat(status).isNotNull();
            assertThat(status.phase).isEqualTo(RunPhase.REGISTERED);
            assertThat(status.datasetId).isEqualTo(sub.getDatasetId());
            assertThat(status.itemCount).isEqualTo(2);
        }
    }
}
