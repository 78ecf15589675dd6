package org.lorapipeline.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.gguf.GgufFile;
import org.lorapipeline.core.kohya.DiffusersLoraFile;
import org.lorapipeline.core.kohya.KohyaKeys;
import org.lorapipeline.core.kohya.KohyaLora;
import org.lorapipeline.core.kohya.KohyaLoraFile;
import org.lorapipeline.core.llama.LlamaCheckpoint;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.peft.LlamaProjection;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.peft.PeftKeys;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.runtime.DeadLetters;
import org.lorapipeline.runtime.EventContext;
import org.lorapipeline.runtime.ObjectInfo;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;
import org.lorapipeline.testkit.EventProbe;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/** export-service on the real stack: a tiny LLaMA run's adapter becomes PEFT, GGUF and merged files that re-read. */
@RealStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(180);

    private final TestStack stack;
    private Service service;
    private ObjectStore store;
    private Path tmp;
    private ExportSettings settings;
    private LlamaRunFixture llama;
    private EventProbe<ModelExported> exported;

    ExportServiceIT(TestStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "export-it");
        Map<String, String> env = new HashMap<>(stack.environment());
        env.put("LORA_WORKER_ID", "export-it");
        env.put("LORA_HTTP_PORT", "0");
        env.put("LORA_MAX_ATTEMPTS", "2");
        env.put("LORA_BACKOFF_INITIAL_MS", "50");
        env.put("LORA_DATA_DIR", Path.of("target", "no-dev-stack-here").toString());
        settings = new ExportSettings(tmp.resolve("model-cache"), tmp.resolve("work"), "cpu");
        service = Service.start(ServiceConfigLoader.load(ExportService.NAME, new String[0], env),
                s -> ExportService.wire(s, settings));
        store = service.store();
        llama = new LlamaRunFixture(store, tmp, "models/" + stack.uniqueId("tiny-llama"));
        exported = stack.probe(Topics.MODEL_EXPORTED);
    }

    @AfterAll
    void stop() {
        exported.close();
        service.close();
    }

    @Test
    void llamaRunIsExportedAsPeftGgufAndMergedFilesThatReRead() throws Exception {
        String runId = stack.uniqueId("run");
        PeftAdapter adapter = llama.adapter(11L);
        // kohya does not apply to a LLaMA run: skipped with a warning, the others still exported
        TrainingFinished finished = llama.finishedRun(runId, stack.uniqueId("evt"), adapter,
                List.of("peft", "gguf", "merged", "kohya"));
        stack.producer().send(Topics.TRAINING_FINISHED, runId, finished);

        Map<String, ModelExported> byFormat = exported.awaitCount(e -> e.getRunId().equals(runId), 3, WAIT).stream()
                .collect(Collectors.toMap(ModelExported::getFormat, e -> e));
        assertThat(byFormat.keySet()).containsExactlyInAnyOrder("peft", "gguf", "merged");
        byFormat.values().forEach(e -> {
            assertThat(e.getModelType()).isEqualTo("llama");
            assertThat(e.getFiles()).contains(e.getArtifact());
            assertThat(e.getFiles()).allSatisfy(f -> assertThat(f.getKey())
                    .startsWith("runs/" + runId + "/exports/" + e.getFormat() + "/"));
        });

        Path peft = download(byFormat.get("peft"), "peft");
        assertThat(byFormat.get("peft").getArtifact().getKey()).endsWith("/adapter_model.safetensors");
        assertThat(byFormat.get("peft").getUsageHint()).contains("PeftModel.from_pretrained");
        PeftAdapter reread = PeftAdapter.read(peft);
        assertThat(reread.tensors()).isEqualTo(adapter.tensors());
        assertThat(reread.config()).isEqualTo(adapter.config());

        Path gguf = download(byFormat.get("gguf"), "gguf").resolve(LlamaRunFixture.OUTPUT_NAME + ".gguf");
        assertThat(byFormat.get("gguf").getUsageHint()).contains("--lora DIR/" + LlamaRunFixture.OUTPUT_NAME + ".gguf");
        try (GgufFile g = GgufFile.open(gguf)) {
            assertThat(g.get("general.type").asString()).isEqualTo("adapter");
            assertThat(g.get("adapter.lora.alpha").asFloat()).isEqualTo((float) LlamaRunFixture.ALPHA);
            assertThat(g.tensors()).hasSize(adapter.tensors().size());
            // lora_a is stored untouched ([r, in] -> ne [in, r]); the q/k permutation only moves lora_b rows
            float[] a = g.floats("blk.0.attn_v.weight.lora_a");
            assertThat(a).containsExactly(adapter.tensors().get(PeftKeys.loraA(0, LlamaProjection.V_PROJ)).data());
        }

        Path merged = download(byFormat.get("merged"), "merged");
        assertThat(byFormat.get("merged").getArtifact().getKey()).endsWith("/model.safetensors");
        assertThat(merged.resolve("config.json")).hasSameTextualContentAs(llama.baseDir.resolve("config.json"));
        assertThat(merged.resolve("tokenizer.json")).exists();
        expectMergedWeight(merged, adapter, 0, LlamaProjection.Q_PROJ);
        expectMergedWeight(merged, adapter, 1, LlamaProjection.V_PROJ);
        try (SafetensorsFile base = SafetensorsFile.open(llama.baseDir.resolve("model.safetensors"));
             SafetensorsFile m = SafetensorsFile.open(merged.resolve("model.safetensors"))) {
            // untargeted weights are the base model's, bit for bit
            assertThat(m.floats("model.layers.0.self_attn.k_proj.weight"))
                    .containsExactly(base.floats("model.layers.0.self_attn.k_proj.weight"));
        }
        TorchRuntime rt = TorchRuntime.open("cpu");
        try (LlamaModel model = LlamaCheckpoint.load(merged, rt.newManager())) {
            assertThat(model.linears()).containsKey("model.layers.0.self_attn.q_proj");
        }
    }

    @Test
    void redeliveredEventProducesNoNewEventsAndRewritesNothing() throws Exception {
        String runId = stack.uniqueId("run");
        TrainingFinished finished = llama.finishedRun(runId, stack.uniqueId("evt"), llama.adapter(12L), List.of("peft", "gguf"));
        stack.producer().send(Topics.TRAINING_FINISHED, runId, finished);
        List<ModelExported> first = exported.awaitCount(e -> e.getRunId().equals(runId), 2, WAIT);
        Map<String, ObjectInfo> objects = objects(runId);

        stack.producer().send(Topics.TRAINING_FINISHED, runId, finished);
        // a later event of the same run (same key, same partition) is handled after the duplicate
        TrainingFinished again = TrainingFinished.newBuilder(finished).setEventId(stack.uniqueId("evt"))
                .setExportFormats(List.of("peft")).build();
        stack.producer().send(Topics.TRAINING_FINISHED, runId, again);
        List<ModelExported> all = exported.awaitCount(e -> e.getRunId().equals(runId), 3, WAIT);
        // the loop acknowledges follow-ups before it moves on, so any repeat of the duplicate is already in the topic
        assertThat(exported.readToEnd(WAIT).stream().map(r -> r.value()).filter(e -> e.getRunId().equals(runId))).hasSize(3);

        ModelExported peftAgain = all.stream().filter(e -> !first.contains(e)).findFirst().orElseThrow();
        ModelExported peftFirst = first.stream().filter(e -> e.getFormat().equals("peft")).findFirst().orElseThrow();
        assertThat(peftAgain.getArtifact()).isEqualTo(peftFirst.getArtifact());
        assertThat(objects(runId)).isEqualTo(objects);
    }

    @Test
    void handlingTheSameEventTwiceGivesTheSameEventIdsAndObjects() throws Exception {
        // what happens when a worker dies after publishing but before its offset commit: the handler runs again
        String runId = stack.uniqueId("run");
        TrainingFinished finished = llama.finishedRun(runId, stack.uniqueId("evt"), llama.adapter(13L),
                List.of("gguf", "peft", "merged"));
        ExportHandler handler = new ExportHandler(store, settings, new SimpleMeterRegistry());
        RecordingContext first = new RecordingContext(finished.getEventId(), runId);
        handler.handle(finished, first);
        Map<String, ObjectInfo> objects = objects(runId);
        RecordingContext second = new RecordingContext(finished.getEventId(), runId);
        handler.handle(finished, second);

        assertThat(first.published).hasSize(3);
        assertThat(second.published.stream().map(e -> e.getEventId()).toList())
                .isEqualTo(first.published.stream().map(e -> e.getEventId()).toList());
        for (int i = 0; i < 3; i++) {
            assertThat(second.published.get(i).getFiles()).isEqualTo(first.published.get(i).getFiles());
        }
        assertThat(objects(runId)).isEqualTo(objects);
        assertThat(first.published.stream().map(ModelExported::getFormat)).containsExactly("gguf", "peft", "merged");
    }

    @Test
    void adapterWithAWrongChecksumIsDeadLetteredAndNothingIsExported() throws Exception {
        String runId = stack.uniqueId("run");
        TrainingFinished finished = llama.finishedRun(runId, stack.uniqueId("evt"), llama.adapter(14L), List.of("peft"));
        String weights = ExportLayout.runPrefix(runId) + "adapter/" + PeftAdapter.WEIGHTS_FILE;
        store.putBytes(weights, "not the adapter".getBytes(StandardCharsets.UTF_8));
        try (EventProbe<byte[]> dlq = stack.dlqProbe(Topics.TRAINING_FINISHED)) {
            stack.producer().send(Topics.TRAINING_FINISHED, runId, finished);
            var dead = dlq.awaitRecord(r -> runId.equals(r.key()), WAIT);
            String message = DeadLetters.header(dead.headers(), DeadLetters.ERROR_MESSAGE);
            assertThat(message).contains("sha256 mismatch").contains(weights);
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.ATTEMPTS)).isEqualTo("1");
        }
        assertThat(store.list(ExportLayout.exportsPrefix(runId))).isEmpty();
    }

    @Test
    void sd15RunIsExportedAsTheKohyaFileAndADiffusersFile() throws Exception {
        String runId = stack.uniqueId("run");
        TrainingFinished finished = new SdRunFixture(store, tmp).finishedRun(runId, stack.uniqueId("evt"),
                new SdRunFixture(store, tmp).modules(21L), List.of("kohya", "diffusers", "gguf"));
        stack.producer().send(Topics.TRAINING_FINISHED, runId, finished);
        Map<String, ModelExported> byFormat = exported.awaitCount(e -> e.getRunId().equals(runId), 2, WAIT).stream()
                .collect(Collectors.toMap(ModelExported::getFormat, e -> e));
        assertThat(byFormat.keySet()).containsExactlyInAnyOrder("kohya", "diffusers");

        ModelExported kohya = byFormat.get("kohya");
        String fileName = SdRunFixture.OUTPUT_NAME + ".safetensors";
        assertThat(kohya.getUsageHint()).startsWith("<lora:" + SdRunFixture.OUTPUT_NAME + ":0.7>")
                .contains("DIR/" + fileName + " into stable-diffusion-webui/models/Lora");
        ObjectRef trained = ObjectTree.entries(store, finished.getAdapter()).stream()
                .filter(e -> e.path().equals(fileName)).findFirst().orElseThrow().ref();
        assertThat(kohya.getArtifact().getSha256()).isEqualTo(trained.getSha256());
        Path kohyaFile = download(kohya, "kohya").resolve(fileName);
        KohyaLora reread = KohyaLoraFile.read(kohyaFile);
        assertThat(reread.metadata()).containsEntry("ss_output_name", SdRunFixture.OUTPUT_NAME)
                .containsEntry("ss_network_module", "networks.lora").containsKey("sshs_model_hash");
        assertThat(reread.modules()).hasSize(SdRunFixture.MODULES.size());

        ModelExported diffusers = byFormat.get("diffusers");
        assertThat(diffusers.getUsageHint()).contains("pipe.load_lora_weights(\"DIR\"");
        Path weights = download(diffusers, "diffusers").resolve(DiffusersLoraFile.FILE_NAME);
        assertThat(diffusers.getArtifact().getKey()).endsWith("/" + DiffusersLoraFile.FILE_NAME);
        float scale = SdRunFixture.ALPHA / SdRunFixture.RANK;
        try (SafetensorsFile d = SafetensorsFile.open(weights); SafetensorsFile k = SafetensorsFile.open(kohyaFile)) {
            assertThat(d.metadata()).containsEntry("format", "pt");
            assertThat(d.names()).hasSize(2 * SdRunFixture.MODULES.size());
            for (String path : SdRunFixture.MODULES.keySet()) {
                String kohyaName = KohyaKeys.toKohya(path);
                assertThat(d.floats(path + ".lora_A.weight")).containsExactly(k.floats(kohyaName + ".lora_down.weight"));
                float[] up = k.floats(kohyaName + ".lora_up.weight");
                float[] b = d.floats(path + ".lora_B.weight");
                for (int i = 0; i < up.length; i++) {
                    assertThat(b[i]).as(path + " lora_B[" + i + "] = up * alpha / r").isCloseTo(up[i] * scale, within(1e-7f));
                }
            }
        }
    }

    private Map<String, ObjectInfo> objects(String runId) {
        return store.list(ExportLayout.exportsPrefix(runId)).stream().collect(Collectors.toMap(ObjectInfo::key, o -> o));
    }

    /** Downloads every file of an event, verified against its sha256, into a fresh folder. */
    private Path download(ModelExported event, String format) throws IOException {
        Path dir = Files.createTempDirectory(tmp, format + "-");
        String prefix = ExportLayout.exportPrefix(event.getRunId(), format) + "/";
        for (ObjectRef f : event.getFiles()) {
            store.getToFile(f, dir.resolve(f.getKey().substring(prefix.length())));
        }
        return dir;
    }

    /** W' = W + (alpha / r) · B · A, computed here in double from the base file and the adapter. */
    private void expectMergedWeight(Path merged, PeftAdapter adapter, int layer, LlamaProjection p) {
        String name = p.hfPath(layer) + ".weight";
        FloatTensor a = adapter.tensors().get(PeftKeys.loraA(layer, p));
        FloatTensor b = adapter.tensors().get(PeftKeys.loraB(layer, p));
        int r = (int) a.shape()[0];
        int in = (int) a.shape()[1];
        int out = (int) b.shape()[0];
        double scale = LlamaRunFixture.ALPHA / LlamaRunFixture.RANK;
        try (SafetensorsFile base = SafetensorsFile.open(llama.baseDir.resolve("model.safetensors"));
             SafetensorsFile m = SafetensorsFile.open(merged.resolve("model.safetensors"))) {
            float[] w = base.floats(name);
            float[] got = m.floats(name);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double delta = 0;
                    for (int k = 0; k < r; k++) {
                        delta += (double) b.data()[o * r + k] * a.data()[k * in + i];
                    }
                    assertThat((double) got[o * in + i]).as(name + "[" + o + "," + i + "]")
                            .isCloseTo(w[o * in + i] + scale * delta, within(1e-5));
                }
            }
        }
    }

    /** An {@link EventContext} that keeps what the handler publishes; ids derive from the event id like the loop's. */
    private static final class RecordingContext implements EventContext {
        final List<ModelExported> published = new ArrayList<>();
        private final String eventId;
        private final String runId;
        private int ids;

        RecordingContext(String eventId, String runId) {
            this.eventId = eventId;
            this.runId = runId;
        }

        @Override public String topic() { return Topics.TRAINING_FINISHED.name(); }
        @Override public int partition() { return 0; }
        @Override public long offset() { return 0; }
        @Override public int attempt() { return 1; }
        @Override public String eventId() { return eventId; }
        @Override public String runId() { return runId; }
        @Override public String serviceName() { return ExportService.NAME; }
        @Override public String workerId() { return "recording"; }
        @Override public boolean shutdownRequested() { return false; }

        @Override
        public String newEventId() {
            return org.lorapipeline.runtime.Events.derivedEventId(eventId, ExportService.NAME + "#" + ids++);
        }

        @Override
        public <E extends SpecificRecordBase> void publish(TopicSpec<E> topic, E event) {
            assertThat(topic).isEqualTo(Topics.MODEL_EXPORTED);
            published.add((ModelExported) event);
        }
    }
}
