package org.lorapipeline.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.gguf.GgufFile;
import org.lorapipeline.core.gguf.GgufTensorInfo;
import org.lorapipeline.core.llama.LlamaCheckpoint;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.llama.LlamaTokenizer;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.core.tensorboard.EventFileReader;

/** The "done when" run: a tiny LLaMA from a seed-style YAML on 20 JSONL records, end to end. */
class LoraRunTest {
    static final List<String> ALL = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");
    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws Exception {
        TinyLlamaFolder.write(dir.resolve("model"), 11);
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        String[] items = {"package", "item", "photo", "coupon", "refund"};
        for (int i = 0; i < 20; i++) {
            String item = items[i % items.length];
            if (i % 2 == 0) {
                lines.add(json.writeValueAsString(Map.of("text", "the customer says the " + item + " was damaged,"
                        + " what to do?\n\n### Response:\nask for a photo of the " + item + " and give a refund.")));
            } else {
                lines.add(json.writeValueAsString(Map.of("instruction", "answer the customer about the " + item,
                        "input", i % 3 == 0 ? "order " + i : "", "output", "we will send a new " + item + " today.",
                        "system", "You help customers.")));
            }
        }
        Files.write(dir.resolve("data.jsonl"), lines);
    }

    static String yaml(String out, String extra) {
        return "base_model: \"./model\"\n"
                + "task_type: \"text-generation\"\n"
                + "train_data_dir: \"./data.jsonl\"\n"
                + "max_seq_length: 64\n"
                + "lora_rank: 4\n"
                + "lora_alpha: 8\n"
                + "lora_dropout: 0.1\n"
                + "target_modules: " + ALL.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"))
                + "\n"
                + "batch_size: 4\n"
                + "max_steps: 16\n"
                + "learning_rate: 3e-2\n"
                + "lr_scheduler: \"cosine\"\n"
                + "warmup_steps: 2\n"
                + "save_steps: 8\n"
                + "log_every_n_steps: 4\n"
                + "seed: 7\n"
                + "device: \"cpu\"\n"
                + "output_dir: \"./" + out + "\"\n"
                + extra;
    }

    static RunResult run(String yaml, RunListener listener, CancelFlag cancel) throws Exception {
        return LoraRun.run(RunConfig.parse(yaml, "run.yaml"), dir, listener, cancel);
    }

    @Test
    void trainsCheckpointsResumesExactlyAndExportsAllThreeFormats() throws Exception {
        List<RunProgress> progress = new ArrayList<>();
        RunResult a = run(yaml("a", "export_formats: [\"peft\", \"gguf\", \"merged\"]\n"), new RunListener() {
            @Override
            public void step(RunProgress p) {
                progress.add(p);
            }
        }, null);
        Path out = dir.resolve("a");
        assertThat(a.status()).isEqualTo(RunResult.Status.COMPLETED);
        assertThat(a.steps()).isEqualTo(16);
        assertThat(a.data().records()).isEqualTo(20);
        List<Double> l = a.losses();
        double first = (l.get(0) + l.get(1) + l.get(2) + l.get(3)) / 4;
        double last = (l.get(12) + l.get(13) + l.get(14) + l.get(15)) / 4;
        assertThat(last).as("losses %s", l).isLessThan(first - 0.4);
        assertThat(progress).hasSize(16);
        assertThat(progress.get(0).learningRate()).isZero(); // warmup starts at 0, as transformers does
        assertThat(progress.get(15).eta()).isZero();
        assertThat(progress.get(15).epoch()).isGreaterThan(3.0); // 20 records / batch 4 = 5 steps per epoch
        assertThat(Checkpoints.list(out)).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-000008", "checkpoint-000016");
        assertThat(out.resolve("config.yaml")).exists();
        assertThat(RunConfig.load(out.resolve("config.yaml")).optim().maxSteps()).isEqualTo(16);
        var scalars = EventFileReader.scalars(out.resolve("logs"));
        assertThat(scalars).containsKeys("train/loss", "train/learning_rate", "train/grad_norm",
                "train/tokens_per_sec");
        assertThat(scalars.get("train/loss")).extracting(EventFileReader.ScalarPoint::step)
                .containsExactly(4L, 8L, 12L, 16L);

        // PEFT directory: PEFT's files, every targeted module with A [r, in] and B [out, r]
        assertThat(Files.list(out).map(p -> p.getFileName().toString()).filter(n -> n.startsWith("adapter_")))
                .containsExactlyInAnyOrder("adapter_config.json", "adapter_model.safetensors");
        PeftAdapter peft = PeftAdapter.read(out);
        assertThat(peft.config().base_model_name_or_path()).as("as written in the config")
                .isEqualTo("./model");
        assertThat(peft.config().r()).isEqualTo(4);
        assertThat(peft.tensors()).hasSize(2 * ALL.size() * 2);
        assertThat(peft.tensors().get("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight").shape())
                .containsExactly(32, 4); // GQA: 2 kv heads x 16
        assertThat(peft.tensors().get("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight").shape())
                .containsExactly(4, 128);

        // GGUF LoRA: llama.cpp names, dims innermost first, the required KVs
        try (GgufFile gguf = GgufFile.open(out.resolve("a.gguf"))) {
            assertThat(gguf.get("general.type").asString()).isEqualTo("adapter");
            assertThat(gguf.get("general.architecture").asString()).isEqualTo("llama");
            assertThat(gguf.get("adapter.type").asString()).isEqualTo("lora");
            assertThat(gguf.get("adapter.lora.alpha").asFloat()).isEqualTo(8f);
            assertThat(gguf.tensors()).hasSize(peft.tensors().size());
            GgufTensorInfo qa = gguf.tensor("blk.0.attn_q.weight.lora_a");
            assertThat(qa.ne()).containsExactly(64, 4);
            assertThat(gguf.tensor("blk.1.ffn_down.weight.lora_b").ne()).containsExactly(4, 64);
            assertThat(gguf.floats("blk.0.attn_q.weight.lora_a")).isEqualTo(
                    peft.tensors().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").data());
        }

        // merged model: same logits as base + adapter unmerged
        long[][] ids;
        try (LlamaTokenizer tok = LlamaTokenizer.open(dir.resolve("model"))) {
            ids = new long[][] {tok.encode("the customer says the photo was damaged")};
        }
        try (NDManager m = TorchRuntime.open("cpu").newManager();
             LlamaModel base = LlamaCheckpoint.load(dir.resolve("model"), m.newSubManager());
             LlamaModel merged = LlamaCheckpoint.load(out.resolve("merged"), m.newSubManager())) {
            LoraModel lora = LoraModel.inject(base.linears(), new LoraConfig(4, 8, 0, ALL, false), base.manager(), 0);
            LoraExports.loadInto(lora, peft, "test");
            float[] unmerged = base.forward(Tensors.ids(m, ids), false).toFloatArray();
            float[] fromMerged = merged.forward(Tensors.ids(m, ids), false).toFloatArray();
            float[] plain;
            try (LlamaModel again = LlamaCheckpoint.load(dir.resolve("model"), m.newSubManager())) {
                plain = again.forward(Tensors.ids(m, ids), false).toFloatArray();
            }
            assertThat(fromMerged).containsExactly(unmerged, within(2e-4f));
            assertThat(maxAbsDiff(plain, unmerged)).as("the adapter changes the logits").isGreaterThan(1e-2f);
        }
        assertThat(out.resolve("merged/tokenizer.json")).exists();
        assertThat(out.resolve("merged/config.json")).hasSameTextualContentAs(dir.resolve("model/config.json"));

        // the same run, cancelled at step 8 and resumed from 'latest', ends with the same adapter
        CancelFlag cancel = new CancelFlag();
        RunResult b1 = run(yaml("b", ""), new RunListener() {
            @Override
            public void step(RunProgress p) {
                if (p.step() == 8) {
                    cancel.cancel();
                }
            }
        }, cancel);
        assertThat(b1.status()).isEqualTo(RunResult.Status.CANCELLED);
        assertThat(b1.steps()).isEqualTo(8);
        assertThat(b1.losses()).as("the same config, seed and data give the same losses bit for bit")
                .containsExactly(l.subList(0, 8).toArray(Double[]::new));
        assertThat(b1.exports()).isEmpty();
        assertThat(b1.lastCheckpoint()).isEqualTo(dir.resolve("b/checkpoint-000008"));
        RunResult b2 = run(yaml("b", "resume_from: \"latest\"\n"), null, null);
        assertThat(b2.steps()).isEqualTo(16);
        assertThat(b2.losses()).hasSize(8).containsExactly(l.subList(8, 16).toArray(Double[]::new));
        PeftAdapter resumed = PeftAdapter.read(dir.resolve("b"));
        for (Map.Entry<String, FloatTensor> e : peft.tensors().entrySet()) {
            assertThat(resumed.tensors().get(e.getKey()).data()).as(e.getKey())
                    .containsExactly(e.getValue().data(), within(1e-6f));
        }
    }

    @Test
    void incrementalTrainingStartsFromAnAdapterAndRefusesAMismatch() throws Exception {
        run(yaml("inc0", "").replace("max_steps: 16", "max_steps: 6").replace("save_steps: 8", "save_steps: 0"), null,
                null);
        Path adapter = dir.resolve("inc0");
        String fromAdapter = yaml("inc1", "network_weights: \"./inc0\"\n")
                .replace("max_steps: 16", "max_steps: 1").replace("warmup_steps: 2", "warmup_steps: 0").replace("lora_rank: 4\n", "").replace("lora_alpha: 8\n", "")
                .replace("lora_dropout: 0.1", "lora_dropout: 0.0");
        RunResult cont = run(fromAdapter, null, null);
        RunResult fresh = run(yaml("inc2", "").replace("max_steps: 16", "max_steps: 1").replace("warmup_steps: 2", "warmup_steps: 0")
                .replace("lora_dropout: 0.1", "lora_dropout: 0.0"), null, null);
        assertThat(cont.losses().get(0)).as("continuing starts below a fresh adapter")
                .isLessThan(fresh.losses().get(0) - 0.05);
        assertThat(PeftAdapter.read(dir.resolve("inc1")).config().r()).isEqualTo(4);

        String mismatch = yaml("inc3", "network_weights: \"./inc0/adapter_model.safetensors\"\n")
                .replace("lora_rank: 4", "lora_rank: 8");
        assertThatThrownBy(() -> run(mismatch, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lora_rank: 8 (line 5)").hasMessageContaining("has r 4");
        assertThat(adapter.resolve("adapter_config.json")).exists();
    }

    @Test
    void nonFiniteStepsAreSkippedThenTheRunStopsKeepingTheCheckpoint() throws Exception {
        String diverging = yaml("nan", "max_nonfinite_steps: 3\n").replace("learning_rate: 3e-2", "learning_rate: 1e38")
                .replace("lr_scheduler: \"cosine\"", "lr_scheduler: \"constant\"").replace("warmup_steps: 2", "warmup_steps: 0")
                .replace("save_steps: 8", "save_steps: 1");
        List<RunProgress> seen = new ArrayList<>();
        assertThatThrownBy(() -> run(diverging, new RunListener() {
            @Override
            public void step(RunProgress p) {
                seen.add(p);
            }
        }, null)).isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("3 steps in a row").hasMessageContaining("checkpoint-000001");
        assertThat(seen).as(seen.toString()).extracting(RunProgress::skipped).containsExactly(false, true, true, true);
        assertThat(Checkpoints.list(dir.resolve("nan"))).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-000001");
    }

    @Test
    void mixedPrecisionTheDeviceCannotRunFailsBeforeAnythingIsWritten() {
        // device auto on a machine without a GPU: the config is valid, the run start refuses it
        String fp16 = yaml("fp16", "mixed_precision: \"fp16\"\n").replace("device: \"cpu\"", "device: \"auto\"");
        assertThatThrownBy(() -> run(fp16, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mixed_precision: fp16 needs a CUDA GPU")
                .hasMessageContaining("set mixed_precision: \"no\"");
        String bf16 = yaml("bf16", "mixed_precision: \"bf16\"\n").replace("device: \"cpu\"", "device: \"auto\"");
        assertThatThrownBy(() -> run(bf16, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mixed_precision: bf16 is not supported");
        assertThat(dir.resolve("fp16")).doesNotExist();
        assertThat(dir.resolve("bf16")).doesNotExist();
    }

    @Test
    void numGpusOnTheCpuRunsOnOneDeviceAndSaysSo() throws Exception {
        List<String> started = new ArrayList<>();
        RunResult r = run(yaml("gpus", "num_gpus: 2\n").replace("max_steps: 16", "max_steps: 3"), new RunListener() {
            @Override
            public void started(long step, long totalSteps, String description) {
                started.add(description);
            }
        }, null);
        assertThat(r.status()).isEqualTo(RunResult.Status.COMPLETED);
        assertThat(started).singleElement().asString().endsWith("precision fp32; device cpu()");
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
