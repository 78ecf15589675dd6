package org.lorapipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.export.ExportLayout;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/**
 * {@code lora pull} and {@code lora models follow} against the real stack, with exports laid out in S3 and
 * model.exported events published as export-service does (the service itself is covered by ExportServiceIT).
 */
@RealStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PullAndFollowIT {
    private final TestStack stack;
    private Path tmp;
    private Path dataDir;
    private ObjectStore store;

    PullAndFollowIT(TestStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "pull-it");
        dataDir = tmp.resolve("data");
        StackEndpoints e = stack.endpoints();
        new StackEndpoints(e.bootstrapServers(), e.s3Endpoint(), e.accessKey(), e.secretKey(), e.bucket(), dataDir).write();
        var env = new java.util.HashMap<>(e.asEnvironment());
        env.put("LORA_HTTP_PORT", "0");
        store = ObjectStore.connect(ServiceConfigLoader.load("pull-it", new String[0], env));
    }

    @AfterAll
    void stop() {
        store.close();
    }

    /** Uploads an export folder of two files and returns its index. */
    private ObjectRef export(String runId, String format, String content) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(runId + "-" + format));
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 4, \"run\": \"" + runId + "\"}");
        Files.writeString(dir.resolve("adapter_model.safetensors"), content);
        return ObjectTree.upload(store, dir, ExportLayout.exportPrefix(runId, format));
    }

    private String[] args(String... a) {
        String[] out = new String[a.length + 2];
        System.arraycopy(a, 0, out, 0, a.length);
        out[a.length] = "--data-dir";
        out[a.length + 1] = dataDir.toString();
        return out;
    }

    @Test
    void pullListsFormatsDownloadsVerifiedAndRefusesTamperedFiles() throws Exception {
        String runId = stack.uniqueId("run");
        export(runId, "peft", "weights of " + runId);

        var listed = TrainCommandsTest.lora(args("pull", runId));
        assertThat(listed.code()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("exports of run " + runId + ": peft");

        var missing = TrainCommandsTest.lora(args("pull", runId, "--format", "gguf"));
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("has no gguf export; ready: peft").contains("--wait");

        Path out = tmp.resolve("pulled-" + runId);
        var pulled = TrainCommandsTest.lora(args("pull", runId, "--format", "peft", "-o", out.toString()));
        assertThat(pulled.code()).as(pulled.err()).isZero();
        assertThat(out.resolve("adapter_model.safetensors")).hasContent("weights of " + runId);
        assertThat(pulled.out()).contains("2 file(s)").contains("sha256 verified");

        store.putBytes(ExportLayout.exportPrefix(runId, "peft") + "/adapter_model.safetensors",
                "tampered".getBytes(StandardCharsets.UTF_8));
        Path again = tmp.resolve("again-" + runId);
        var refused = TrainCommandsTest.lora(args("pull", runId, "--format", "peft", "-o", again.toString()));
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("sha256 mismatch").contains("adapter_model.safetensors");
        assertThat(again.resolve("adapter_model.safetensors")).doesNotExist();
    }

    @Test
    void pullWaitsUntilTheExportAppears() throws Exception {
        String runId = stack.uniqueId("run");
        Path out = tmp.resolve("waited-" + runId);
        CompletableFuture<TrainCommandsTest.Run> pull = CompletableFuture.supplyAsync(() -> TrainCommandsTest.lora(
                args("pull", runId, "--format", "gguf", "--wait", "--timeout", "60", "-o", out.toString())));
        Thread.sleep(1500);
        assertThat(pull).isNotDone();
        export(runId, "gguf", "late");
        TrainCommandsTest.Run done = pull.get(60, TimeUnit.SECONDS);
        assertThat(done.code()).as(done.err()).isZero();
        assertThat(out.resolve("adapter_model.safetensors")).hasContent("late");
    }

    @Test
    void followPrintsEachModelOnceAndDownloadsIt() throws Exception {
        String runId = stack.uniqueId("run");
        ObjectRef index = export(runId, "peft", "followed " + runId);
        List<ObjectRef> files = ObjectTree.entries(store, index).stream().map(ObjectTree.Entry::ref).toList();
        ModelExported event = ModelExported.newBuilder().setEventId(stack.uniqueId("evt")).setRunId(runId)
                .setOccurredAt(Instant.now()).setFormat("peft").setModelType("llama")
                .setArtifact(files.stream().filter(f -> f.getKey().endsWith(".safetensors")).findFirst().orElseThrow())
                .setFiles(files).setUsageHint("PeftModel.from_pretrained(base, DIR)").build();
        ModelExported other = ModelExported.newBuilder(event).setEventId(stack.uniqueId("evt")).setFormat("gguf").build();
        // the same event twice (a producer retry), and another format that the filter drops
        stack.producer().send(Topics.MODEL_EXPORTED, runId, event);
        stack.producer().send(Topics.MODEL_EXPORTED, runId, event);
        stack.producer().send(Topics.MODEL_EXPORTED, runId, other);
        ModelExported second = ModelExported.newBuilder(event).setEventId(stack.uniqueId("evt")).build();
        stack.producer().send(Topics.MODEL_EXPORTED, runId, second);

        Path downloads = tmp.resolve("downloads");
        var followed = TrainCommandsTest.lora(args("models", "follow", "--group", stack.uniqueId("follow"), "--run", runId,
                "--format", "peft", "--count", "2", "--download", downloads.toString()));
        assertThat(followed.code()).as(followed.err()).isZero();
        assertThat(followed.out().lines().filter(l -> l.startsWith(runId + "  peft"))).hasSize(2);
        // the repeat of the first event is dropped, so the second line is the second event
        assertThat(followed.out()).contains("event " + event.getEventId()).contains("event " + second.getEventId())
                .doesNotContain("gguf").contains("PeftModel.from_pretrained");
        assertThat(downloads.resolve(runId).resolve("peft").resolve("adapter_model.safetensors"))
                .hasContent("followed " + runId);
    }
}
