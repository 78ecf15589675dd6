package org.lorapipeline.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.infra.DevStackOptions;
import org.lorapipeline.runtime.ServiceConfig;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.status.RunPhase;
import org.lorapipeline.status.RunStatus;

/**
 * {@code lora bench ingest}: how fast the embedded stack starts, how many images per second the ingest-service
 * checks and registers, and the latency from {@code dataset.submitted} to {@code dataset.registered}.
 * Prints a table; numbers go to docs/benchmarks.md, never into assertions.
 */
final class IngestBenchmark {
    private IngestBenchmark() {}

    static void run(Path workDir, int images, int latencyRuns, PrintStream out) throws IOException, InterruptedException {
        Path data = workDir.resolve("bench-ingest");
        Path big = data.resolve("big");
        Path small = data.resolve("small");
        SampleDatasets.writeImageDataset(big, images, 512, 1);
        SampleDatasets.writeImageDataset(small, 2, 512, 2);
        Path config = Files.writeString(data.resolve("run.yaml"),
                DemoCommand.SD_CONFIG.formatted("./data", "./data/metadata.csv", "./models/v1-5-pruned.safetensors"));

        long t0 = System.nanoTime();
        try (LocalPipeline pipeline = LocalPipeline.start(DevStackOptions.ephemeral(data.resolve("stack")))) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            var env = new java.util.HashMap<>(pipeline.endpoints().asEnvironment());
            env.put("LORA_HTTP_PORT", "0");
            ServiceConfig cfg = ServiceConfigLoader.load("lora-bench", new String[0], env);
            StatusClient status = new StatusClient(pipeline.statusUrl());

            // warm-up: first event pays for class loading and consumer-group joins
            awaitRegistered(status, DatasetPusher.push(cfg, small, config, DatasetPusher.newId("run"), DatasetPusher.newId("ds"), false));

            long u0 = System.nanoTime();
            var pushed = DatasetPusher.push(cfg, big, config, DatasetPusher.newId("run"), DatasetPusher.newId("ds"), false);
            double uploadSeconds = (System.nanoTime() - u0) / 1e9;
            RunStatus bigRun = awaitRegistered(status, pushed);
            // event times, one clock: submitted.occurredAt -> registered.occurredAt
            double ingestSeconds = (bigRun.registeredAtMillis - bigRun.createdAtMillis) / 1e3;

            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < latencyRuns; i++) {
                RunStatus r = awaitRegistered(status,
                        DatasetPusher.push(cfg, small, config, DatasetPusher.newId("run"), DatasetPusher.newId("ds"), false));
                latencies.add((double) (r.registeredAtMillis - r.createdAtMillis));
            }
            Collections.sort(latencies);
            out.println("| measure | value |");
            out.println("|---|---|");
            out.printf("| embedded stack + services start | %.1f s |%n", startSeconds);
            out.printf("| upload %d x 512 px PNG (%d KiB) | %.2f s |%n", images, pushed.bytes() / 1024, uploadSeconds);
            out.printf("| ingest %d images (submitted -> registered) | %.2f s = %.1f images/s |%n", bigRun.itemCount,
                    ingestSeconds, bigRun.itemCount / ingestSeconds);
            out.printf("| submitted -> registered, 2-image dataset, n=%d | p50 %.0f ms, p99 %.0f ms |%n", latencies.size(),
                    percentile(latencies, 0.50), percentile(latencies, 0.99));
            out.println();
            out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap, " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version"));
        }
    }

    private static RunStatus awaitRegistered(StatusClient status, DatasetPusher.Pushed pushed) throws InterruptedException {
        RunStatus s = status.await(pushed.runId(), r -> r.phase != RunPhase.SUBMITTED, Duration.ofMinutes(10));
        if (s.registeredAtMillis == null) {
            throw new UserException("benchmark dataset was not registered: " + s.summaryLine());
        }
        return s;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
