package org.lorapipeline.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.lorapipeline.status.RunPhase;
import org.lorapipeline.status.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lora dataset push DIR --config run.yaml}. */
@Command(name = "dataset", description = "Work with datasets.", subcommands = DatasetCommand.Push.class)
public final class DatasetCommand {
    @Command(name = "push", description = "Upload a dataset folder and its run config, and submit it to the pipeline.")
    static final class Push implements Callable<Integer> {
        @Mixin
        StackOptions stack;

        @Parameters(paramLabel = "DIR", description = "Dataset folder (metadata.csv, kohya folders, metadata.jsonl or *.jsonl text).")
        Path dir;

        @Option(names = "--config", required = true, paramLabel = "run.yaml", description = "The run's YAML config.")
        Path config;

        @Option(names = "--run-id", description = "Run id (default: generated).")
        String runId;

        @Option(names = "--dataset-id", description = "Dataset id (default: generated).")
        String datasetId;

        @Option(names = "--wait", description = "Wait until the dataset is registered or rejected, and print the outcome.")
        boolean await;

        @Override
        public Integer call() throws InterruptedException {
            String run = runId == null ? DatasetPusher.newId("run") : runId;
            String ds = datasetId == null ? DatasetPusher.newId("ds") : datasetId;
            var pushed = DatasetPusher.push(stack.serviceConfig("lora-cli"), dir, config, run, ds, true);
            System.out.printf("submitted run %s (dataset %s, %d files, %d KiB)%n", pushed.runId(), pushed.datasetId(),
                    pushed.files(), pushed.bytes() / 1024);
            if (!await) {
                System.out.println("follow it with: bin/lora status " + pushed.runId());
                return 0;
            }
            RunStatus s = new StatusClient(stack.statusUrl()).await(pushed.runId(),
                    r -> r.phase != RunPhase.SUBMITTED, Duration.ofMinutes(5));
            System.out.println(StatusCommand.StatusPrinter.details(s));
            return s.phase == RunPhase.REJECTED ? 1 : 0;
        }
    }
}
