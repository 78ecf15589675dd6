package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lora submit --config run.yaml DATA_DIR [--wait]}: base model, dataset and config up, one run started. */
@Command(name = "submit", description = "Upload the base model (once), the dataset and the config, and start a run in the pipeline.")
public final class SubmitCommand implements Callable<Integer> {
    @Mixin
    StackOptions stack;

    @Parameters(paramLabel = "DATA_DIR", description = "Dataset folder (metadata.csv, kohya folders, metadata.jsonl or *.jsonl text).")
    Path dir;

    @Option(names = "--config", required = true, paramLabel = "run.yaml", description = "The run's YAML config; a local base_model is uploaded and the config points at the upload.")
    Path config;

    @Option(names = "--run-id", description = "Run id (default: generated).")
    String runId;

    @Option(names = "--wait", description = "Follow the run like `lora watch` until it ends.")
    boolean await;

    @Override
    public Integer call() throws IOException {
        String run = runId == null ? DatasetPusher.newId("run") : runId;
        var submitted = RunSubmitter.submit(stack.serviceConfig("lora-cli"), dir, config, run, DatasetPusher.newId("ds"), true);
        System.out.printf("base model: %s%n", submitted.baseModel());
        System.out.printf("submitted run %s (dataset %s, %d files, %d KiB)%n", run, submitted.pushed().datasetId(),
                submitted.pushed().files(), submitted.pushed().bytes() / 1024);
        System.out.println(run);
        if (!await) {
            System.out.println("follow it with: bin/lora watch " + run);
            return 0;
        }
        return WatchCommand.watch(stack.endpoints().bootstrapServers(), run, Duration.ofMinutes(2), Duration.ofDays(1));
    }
}
