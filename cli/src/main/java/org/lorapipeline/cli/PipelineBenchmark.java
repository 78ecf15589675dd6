package org.lorapipeline.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecordBase;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import org.lorapipeline.core.run.LlamaBench;
import org.lorapipeline.core.run.LoraRun;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingStarted;
import org.lorapipeline.infra.DevStackOptions;
import org.lorapipeline.runtime.ServiceConfigLoader;

/**
 * {@code lora bench pipeline}: the same tiny LLaMA run trained with {@code lora train} (in-process {@code LoraRun})
 * and through the whole pipeline (submit → ingest → label → router → worker → training.finished), repeated, with the
 * pipeline's overhead and its {@code dataset.submitted} → {@code training.started} latency. The first pipeline run
 * pays the base-model download into the worker's cache; it is reported apart.
 */
final class PipelineBenchmark {
    private PipelineBenchmark() {}

    static void run(Path workDir, int steps, int repeats, PrintStream out) throws Exception {
        Path work = workDir.toAbsolutePath().normalize().resolve("pipeline");
        Path model = work.resolve("tiny-llama");
        Path text = work.resolve("text");
        Files.createDirectories(text);
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            TinyLlamaFolder.write(model, 42L);
        }
        SampleDatasets.writeTextDataset(text.resolve("train.jsonl"), 20, 42);
        String yaml = DemoCommand.LLM_CONFIG.formatted(model).replace("max_steps: 20", "max_steps: " + steps)
                .replace("train_data_dir: \"./data/customer_service\"", "train_data_dir: \"" + text.resolve("train.jsonl") + "\"")
                .replace("output_dir: \"./output/demo_cs_lora\"", "output_dir: \"" + work.resolve("local-out") + "\"");
        Path config = Files.writeString(work.resolve("run.yaml"), yaml);
        out.println("machine: " + LlamaBench.machine());
        out.printf("tiny LLaMA, %d steps, batch 4, max_seq_length 128, CPU; %d repeats%n", steps, repeats);

        double local = timeLocal(config, work, repeats);
        // the same on a fresh thread, as a service's handler runs it: PyTorch's CPU thread settings are per thread
        double[] onThread = {0};
        Thread t = new Thread(() -> {
            try {
                onThread[0] = timeLocal(config, work, repeats);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench-local");
        t.start();
        t.join();
        try (LocalPipeline pipeline = LocalPipeline.start(DevStackOptions.ephemeral(work.resolve("stack")))) {
            var svc = ServiceConfigLoader.load("lora-bench", new String[0], withHttpPort(pipeline.endpoints().asEnvironment()));
            double best = Double.MAX_VALUE;
            double bestLatency = Double.MAX_VALUE;
            double first = 0;
            for (int i = 0; i <= repeats; i++) {
                String runId = DatasetPusher.newId("bench");
                long t0 = System.nanoTime();
                RunSubmitter.submit(svc, text, config, runId, DatasetPusher.newId("ds"), false);
                double startedAt = -1;
                double total = -1;
                try (RunEventStream events = new RunEventStream(pipeline.endpoints().bootstrapServers(), runId)) {
                    long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                    while (total < 0 && System.nanoTime() < end) {
                        for (SpecificRecordBase e : events.poll(Duration.ofMillis(50))) {
                            double at = (System.nanoTime() - t0) / 1e9;
                            if (e instanceof TrainingStarted) {
                                startedAt = at;
                            } else if (e instanceof TrainingFinished) {
                                total = at;
                            } else if (e instanceof TrainingFailed f) {
                                throw new UserException("bench run failed: " + f.getMessage());
                            }
                        }
                    }
                }
                if (total < 0) {
                    throw new UserException("bench run " + runId + " did not finish within 10 minutes");
                }
                if (i == 0) {
                    first = total;
                } else {
                    best = Math.min(best, total);
                    bestLatency = Math.min(bestLatency, startedAt);
                }
            }
            out.printf("%-44s %10s%n", "measure", "seconds");
            out.printf("%-44s %10.2f%n", "lora train (LoraRun in-process, best)", local);
            out.printf("%-44s %10.2f%n", "lora train's LoraRun on a new thread (best)", onThread[0]);
            out.printf("%-44s %10.2f%n", "pipeline submit -> training.finished (best)", best);
            out.printf("%-44s %10.2f%n", "pipeline, first run (base model download)", first);
            out.printf("%-44s %10.2f%n", "submit -> training.started (best)", bestLatency);
            out.printf("pipeline overhead: %+.1f%% of the local run on the main thread (%.2f s), %+.1f%% of the one on a"
                    + " new thread (%.2f s)%n", 100 * (best - local) / local, best - local,
                    100 * (best - onThread[0]) / onThread[0], best - onThread[0]);
        }
    }

    /** Best wall time of {@code repeats} local runs after one warm-up run (engine load, JIT). */
    private static double timeLocal(Path config, Path work, int repeats) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i <= repeats; i++) {
            long t0 = System.nanoTime();
            LoraRun.run(RunConfig.load(config), work, null, null);
            if (i > 0) {
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
        }
        return best;
    }

    private static java.util.Map<String, String> withHttpPort(java.util.Map<String, String> env) {
        var m = new java.util.HashMap<>(env);
        m.put("LORA_HTTP_PORT", "0");
        return m;
    }
}
