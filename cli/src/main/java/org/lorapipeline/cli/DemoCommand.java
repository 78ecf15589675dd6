package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.core.llama.TinyLlamaFolder;
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
 * {@code lora demo}: the main job on the embedded stack, end to end. Starts the stack and the services, generates a
 * tiny LLaMA and a sample text dataset, submits a whole LLaMA run through the events (submitted → registered →
 * captions.ready → training.requested → started / progressed / checkpoint.saved → finished, and model.exported once
 * export-service runs), and prints the finished-model event and where the files are. A sample image dataset goes
 * through ingest and labeling too; its Stable Diffusion run joins once lora-core trains SD (see {@link #SD_RUN_HOOK}).
 */
@Command(name = "demo", description = "Start the embedded stack and services, train a tiny LLaMA LoRA through the events, print the finished model.")
public final class DemoCommand implements Callable<Integer> {
    /**
     * Where the SD run joins: generate a tiny SD checkpoint (as the LLaMA one below), point SD_CONFIG's base_model at
     * it, submit it with {@link RunSubmitter#submit} instead of {@link DatasetPusher#push}, and watch it like the
     * LLaMA run.
     */
    static final String SD_RUN_HOOK = "sd-run";
    static final String SD_CONFIG = """
            # seed-style Stable Diffusion LoRA config (see `lora init sd` for every key)
            train_data_dir: "./data/style_train"
            metadata_path: "./data/style_train/metadata.csv"
            base_model: "./models/v1-5-pruned.safetensors"
            lora_rank: 8
            batch_size: 4
            epochs: 10
            learning_rate: 2e-4
            output_dir: "./output/demo_style_lora"
            save_steps: 100
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
        Path model = work.resolve("models/tiny-llama");
        Files.createDirectories(text);
        SampleDatasets.writeImageDataset(style, images, 512, 42);
        SampleDatasets.writeTextDataset(text.resolve("train.jsonl"), 20, 42);
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            TinyLlamaFolder.write(model, 42L);
        }
        Path sdConfig = Files.writeString(work.resolve("style_lora.yaml"), SD_CONFIG);
        Path llmConfig = Files.writeString(work.resolve("cs_lora.yaml"), LLM_CONFIG.formatted(model));
        System.out.println("lora demo: tiny LLaMA, sample data and configs in " + work);

        // random ports, so the demo never collides with a `lora up` already running
        try (LocalPipeline pipeline = LocalPipeline.start(DevStackOptions.ephemeral(dataDir))) {
            System.out.println(pipeline.endpoints().describe());
            var config = ServiceConfigLoader.load("lora-cli", new String[0], withHttpPort(pipeline.endpoints().asEnvironment()));
            var image = DatasetPusher.push(config, style, sdConfig, DatasetPusher.newId("run"), DatasetPusher.newId("ds"), true);
            String llmRun = DatasetPusher.newId("run");
            var llm = RunSubmitter.submit(config, text, llmConfig, llmRun, DatasetPusher.newId("ds"), true);
            System.out.println("submitted LLaMA run " + llmRun + " (base model uploaded as " + llm.baseModel() + ")");
            System.out.println();
            System.out.println("== lora watch " + llmRun);
            Duration exportWait = pipeline.hasExportService() ? Duration.ofMinutes(2) : Duration.ZERO;
            int watched = WatchCommand.watch(pipeline.endpoints().bootstrapServers(), llmRun, exportWait, Duration.ofMinutes(15));

            StatusClient status = new StatusClient(pipeline.statusUrl());
            RunStatus a = status.await(image.runId(), DemoCommand::labeled, Duration.ofMinutes(5));
            RunStatus b = status.await(llmRun, r -> r.phase.rank() >= RunPhase.FINISHED.rank(), Duration.ofMinutes(1));
            System.out.println();
            System.out.println("== lora status");
            for (RunStatus r : status.runs()) {
                System.out.println(r.summaryLine());
            }
            System.out.println();
            System.out.println("== lora status " + b.runId);
            System.out.println(StatusCommand.StatusPrinter.details(b));
            boolean trained = watched == 0 && (b.phase == RunPhase.FINISHED || b.phase == RunPhase.EXPORTED);
            if (trained) {
                printFiles(config, llmRun, work);
            }
            // the image dataset must get through ingest and labeling; its SD run fails at the worker until SD
            // training lands (the tiny SD checkpoint of SD_RUN_HOOK is not generated yet)
            boolean captioned = a.phase != RunPhase.REJECTED && a.phase.rank() >= RunPhase.LABELED.rank();
            boolean ok = trained && captioned;
            System.out.println();
            System.out.println(ok ? "demo finished: the LLaMA run trained through the pipeline; the image dataset was"
                    + " registered and captioned (its SD run needs SD training, not in this build yet)"
                    : "demo finished with a problem (see above)");
            return ok ? 0 : 1;
        }
    }

    /** Where the finished model is: its S3 keys, and a local copy of the adapter. */
    private static void printFiles(org.lorapipeline.runtime.ServiceConfig config, String runId, Path work) {
        try (ObjectStore store = ObjectStore.connect(config)) {
            var index = ObjectTree.find(store, RunKeys.adapter(runId)).orElseThrow();
            Path local = work.resolve("out").resolve(runId).resolve("adapter");
            ObjectTree.download(store, index, local);
            System.out.println();
            System.out.println("== files of run " + runId);
            for (var o : store.list(RunKeys.root(runId))) {
                if (!o.key().contains("/checkpoints/") || o.key().endsWith(ObjectTree.INDEX)) {
                    System.out.printf("  s3://%s/%s  (%d bytes)%n", store.bucket(), o.key(), o.sizeBytes());
                }
            }
            System.out.println("  adapter pulled to " + local + " (load it with PeftModel.from_pretrained)");
        }
    }

    private static boolean labeled(RunStatus r) {
        return r.phase.rank() >= RunPhase.LABELED.rank();
    }

    private static java.util.Map<String, String> withHttpPort(java.util.Map<String, String> env) {
        var m = new java.util.HashMap<>(env);
        m.put("LORA_HTTP_PORT", "0");
        return m;
    }
}
