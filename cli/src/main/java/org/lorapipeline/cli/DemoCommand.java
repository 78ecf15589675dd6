package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.infra.DevStackOptions;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.status.RunPhase;
import org.lorapipeline.status.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lora demo}: the main job on the embedded stack, end to end as far as the pipeline goes today: start the
 * stack and services, generate a sample image dataset (seed style: metadata.csv with structured captions) and a
 * sample text dataset, push both through {@code dataset.submitted}, wait for the outcome, print the run status.
 */
@Command(name = "demo", description = "Start the embedded stack and services, push generated sample datasets, print the runs' status.")
public final class DemoCommand implements Callable<Integer> {
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
    static final String LLM_CONFIG = """
            # seed-style LLaMA LoRA config (see `lora init llm` for every key)
            base_model: "./models/tiny-llama"
            task_type: "text-generation"
            train_data_dir: "./data/customer_service"
            max_seq_length: 512
            lora_rank: 16
            lora_alpha: 32
            lora_dropout: 0.1
            output_dir: "./output/demo_cs_lora"
            """;

    @Option(names = "--data-dir", defaultValue = "${env:LORA_DATA_DIR:-.lora-data}",
            description = "Where the stack keeps its data and the demo its files (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--images", defaultValue = "8", description = "Sample images to generate (default: ${DEFAULT-VALUE}).")
    int images;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path work = dataDir.resolve("demo");
        Path style = work.resolve("style_train");
        Path text = work.resolve("customer_service");
        Files.createDirectories(text);
        SampleDatasets.writeImageDataset(style, images, 512, 42);
        SampleDatasets.writeTextDataset(text.resolve("train.jsonl"), 20, 42);
        Path sdConfig = Files.writeString(work.resolve("style_lora.yaml"), SD_CONFIG);
        Path llmConfig = Files.writeString(work.resolve("cs_lora.yaml"), LLM_CONFIG);
        System.out.println("lora demo: sample data in " + work.toAbsolutePath().normalize());

        // random ports, so the demo never collides with a `lora up` already running
        try (LocalPipeline pipeline = LocalPipeline.start(DevStackOptions.ephemeral(dataDir))) {
            System.out.println(pipeline.endpoints().describe());
            var config = ServiceConfigLoader.load("lora-cli", new String[0], withHttpPort(pipeline.endpoints().asEnvironment()));
            var image = DatasetPusher.push(config, style, sdConfig, DatasetPusher.newId("run"), DatasetPusher.newId("ds"), true);
            var llm = DatasetPusher.push(config, text, llmConfig, DatasetPusher.newId("run"), DatasetPusher.newId("ds"), true);
            StatusClient status = new StatusClient(pipeline.statusUrl());
            // registered by ingest-service, then passed through (or captioned) by label-service
            RunStatus a = status.await(image.runId(), DemoCommand::settled, Duration.ofMinutes(5));
            RunStatus b = status.await(llm.runId(), DemoCommand::settled, Duration.ofMinutes(5));
            System.out.println();
            System.out.println("== lora status");
            for (RunStatus r : status.runs()) {
                System.out.println(r.summaryLine());
            }
            System.out.println();
            System.out.println("== lora status " + a.runId);
            System.out.println(StatusCommand.StatusPrinter.details(a));
            System.out.println();
            System.out.println("== lora status " + b.runId);
            System.out.println(StatusCommand.StatusPrinter.details(b));
            boolean ok = a.phase == RunPhase.LABELED && b.phase == RunPhase.LABELED;
            System.out.println();
            System.out.println(ok ? "demo finished: both datasets registered and their captions ready (label-service); manifests under s3://"
                    + pipeline.endpoints().bucket() + "/datasets/"
                    : "demo finished with a rejected dataset (see problems above)");
            return ok ? 0 : 1;
        }
    }

    private static boolean settled(RunStatus r) {
        return r.phase == RunPhase.LABELED || r.phase.terminal();
    }

    private static java.util.Map<String, String> withHttpPort(java.util.Map<String, String> env) {
        var m = new java.util.HashMap<>(env);
        m.put("LORA_HTTP_PORT", "0");
        return m;
    }
}
