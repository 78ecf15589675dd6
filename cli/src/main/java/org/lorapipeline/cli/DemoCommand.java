package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.lorapipeline.core.clip.TinyClipTextEncoder;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.sd.TinyStableDiffusion;
import org.lorapipeline.infra.DevStackOptions;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.status.RunPhase;
import org.lorapipeline.status.RunStatus;
import org.lorapipeline.train.RunKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lora demo}: the main job on the embedded stack, end to end. Starts the stack and the five services, generates
 * a tiny LLaMA, a tiny Stable Diffusion 1.5 and sample datasets, submits one LLaMA run (text JSONL) and one SD run
 * (images + metadata.csv) through the events (submitted → registered → captions.ready → training.requested → started /
 * progressed / checkpoint.saved → finished → model.exported per format), and prints the finished-model events and
 * where the files are.
 */
@Command(name = "demo", description = "Start the embedded stack and services, train a tiny LLaMA and a tiny SD 1.5 LoRA through the events, print the finished models.")
public final class DemoCommand implements Callable<Integer> {
    /** A seed-style SD config (the seed's keys first), shrunk to the tiny model: 64 px, a few steps. */
    static final String SD_CONFIG = """
            # seed-style Stable Diffusion LoRA config (see `lora init sd` for every key)
            train_data_dir: "%s"
            metadata_path: "%s"
            base_model: "%s"
            task_type: "text-to-image"
            lora_rank: 8
            batch_size: 4
            max_steps: 4
            learning_rate: 2e-4
            output_dir: "./output/demo_style_lora"
            output_name: "demo_style"
            save_steps: 2
            resolution: 64
            min_resolution: 64
            enable_bucket: false
            device: "cpu"
            export_formats: ["kohya", "diffusers"]
            """;
    /** A seed-style LLaMA config, shrunk so the run takes well under a minute on two cores. */
    static final String LLM_CONFIG = """
            # seed-style LLaMA LoRA config (see `lora init llm` for every key)
            base_model: "%s"
            task_type: "text-generation"
            train_data_dir: "./data/customer_service"
            max_seq_length: 128
            lora_rank: 16
            lora_alpha: 32
            lora_dropout: 0.1
            batch_size: 4
            max_steps: 20
            learning_rate: 3e-3
            save_steps: 10
            device: "cpu"
            output_dir: "./output/demo_cs_lora"
            export_formats: ["peft", "gguf"]
            """;

    @Option(names = "--data-dir", defaultValue = "${env:LORA_DATA_DIR:-.lora-data}",
            description = "Where the stack keeps its data and the demo its files (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--images", defaultValue = "8", description = "Sample images to generate (default: ${DEFAULT-VALUE}).")
    int images;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path work = dataDir.resolve("demo").toAbsolutePath().normalize();
        Path style = work.resolve("style_train");
        Path text = work.resolve("customer_service");
        Path llama = work.resolve("models/tiny-llama");
        Path sd = work.resolve("models/tiny-sd15");
        Files.createDirectories(text);
        SampleDatasets.writeImageDataset(style, images, 512, 42);
        SampleDatasets.writeTextDataset(text.resolve("train.jsonl"), 20, 42);
        if (!Files.isRegularFile(llama.resolve("config.json"))) {
            TinyLlamaFolder.write(llama, 42L);
        }
        if (!Files.isRegularFile(sd.resolve("model_index.json"))) {
            TinyStableDiffusion.write(sd, 42L, false, DType.F32, new TinyClipTextEncoder(42L));
        }
        Path sdConfig = Files.writeString(work.resolve("style_lora.yaml"),
                SD_CONFIG.formatted(style, style.resolve("metadata.csv"), sd));
        Path llmConfig = Files.writeString(work.resolve("cs_lora.yaml"), LLM_CONFIG.formatted(llama));
        System.out.println("lora demo: tiny LLaMA, tiny SD 1.5, sample data and configs in " + work);

        // random ports, so the demo never collides with a `lora up` already running
        try (LocalPipeline pipeline = LocalPipeline.start(DevStackOptions.ephemeral(dataDir))) {
            System.out.println(pipeline.endpoints().describe());
            var config = ServiceConfigLoader.load("lora-cli", new String[0], withHttpPort(pipeline.endpoints().asEnvironment()));
            String llmRun = DatasetPusher.newId("run");
            var llm = RunSubmitter.submit(config, text, llmConfig, llmRun, DatasetPusher.newId("ds"), true);
            System.out.println("submitted LLaMA run " + llmRun + " (base model uploaded as " + llm.baseModel() + ")");
            String sdRun = DatasetPusher.newId("run");
            var image = RunSubmitter.submit(config, style, sdConfig, sdRun, DatasetPusher.newId("ds"), true);
            System.out.println("submitted SD 1.5 run " + sdRun + " (base model uploaded as " + image.baseModel() + ")");

            StatusClient status = new StatusClient(pipeline.statusUrl());
            boolean ok = true;
            for (String run : new String[] {llmRun, sdRun}) {
                System.out.println();
                System.out.println("== lora watch " + run);
                int watched = WatchCommand.watch(pipeline.endpoints().bootstrapServers(), run, Duration.ofMinutes(2),
                        Duration.ofMinutes(15));
                RunStatus r = status.await(run, x -> x.phase.rank() >= RunPhase.EXPORTED.rank(), Duration.ofMinutes(1));
                boolean exported = watched == 0 && r.phase == RunPhase.EXPORTED;
                if (exported) {
                    printFiles(config, run);
                }
                ok &= exported;
            }
            System.out.println();
            System.out.println("== lora status");
            for (RunStatus r : status.runs()) {
                System.out.println(r.summaryLine());
            }
            System.out.println();
            System.out.println(ok ? "demo finished: a LLaMA and an SD 1.5 LoRA trained and exported through the pipeline"
                    : "demo finished with a problem (see above)");
            return ok ? 0 : 1;
        }
    }

    /** Where the finished model is: its S3 keys, and how to download it. */
    private static void printFiles(org.lorapipeline.runtime.ServiceConfig config, String runId) {
        try (ObjectStore store = ObjectStore.connect(config)) {
            System.out.println("== files of run " + runId);
            for (var o : store.list(RunKeys.root(runId))) {
                if (!o.key().contains("/checkpoints/") || o.key().endsWith(ObjectTree.INDEX)) {
                    System.out.printf("  s3://%s/%s  (%d bytes)%n", store.bucket(), o.key(), o.sizeBytes());
                }
            }
            System.out.println("  download one: bin/lora pull " + runId + " --format FORMAT -o DIR");
        }
    }

    private static java.util.Map<String, String> withHttpPort(java.util.Map<String, String> env) {
        var m = new java.util.HashMap<>(env);
        m.put("LORA_HTTP_PORT", "0");
        return m;
    }
}
