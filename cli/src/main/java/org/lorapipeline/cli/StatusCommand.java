package org.lorapipeline.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import org.lorapipeline.status.RunStatus;
import org.lorapipeline.status.RunStatusSerde;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lora status [RUN_ID]}: one line per run, or every detail of one run. */
@Command(name = "status", description = "Show the status of all runs, or of one run.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    StackOptions stack;

    @Parameters(arity = "0..1", paramLabel = "RUN_ID")
    String runId;

    @Option(names = "--json", description = "Print the raw JSON.")
    boolean json;

    @Override
    public Integer call() {
        StatusClient client = new StatusClient(stack.statusUrl());
        if (runId == null) {
            if (json) {
                System.out.println(client.get("/runs"));
                return 0;
            }
            RunStatus[] runs = client.runs();
            if (runs.length == 0) {
                System.out.println("no runs yet");
            }
            for (RunStatus r : runs) {
                System.out.println(r.summaryLine());
            }
            return 0;
        }
        RunStatus status = client.run(runId).orElseThrow(() ->
                new UserException("no run " + runId + " is known (yet); `lora status` lists the runs."));
        System.out.println(json ? new String(RunStatusSerde.toJson(status), java.nio.charset.StandardCharsets.UTF_8)
                : StatusPrinter.details(status));
        return 0;
    }

    /** Multi-line view of one run. */
    static final class StatusPrinter {
        private StatusPrinter() {}

        static String details(RunStatus s) {
            StringBuilder b = new StringBuilder();
            line(b, "run", s.runId);
            line(b, "dataset", s.datasetId);
            line(b, "phase", s.phase);
            line(b, "updated", s.updatedAtMillis == 0 ? null : Instant.ofEpochMilli(s.updatedAtMillis));
            line(b, "data", s.datasetKind == null ? null : s.datasetKind + " " + s.layout + ", " + s.itemCount + " items");
            line(b, "captions", s.captionsGenerated == null ? null
                    : s.captionsGenerated + " generated, " + s.captionsKept + " kept, " + s.captionsFailed + " failed");
            line(b, "model", s.modelType);
            line(b, "worker", s.workerId == null ? null : s.workerId + " on " + s.device + " (attempt " + s.attempt + ")");
            line(b, "progress", s.step == null ? null : s.step + "/" + s.totalSteps + " steps, epoch " + s.epoch
                    + ", loss " + s.loss + ", lr " + s.learningRate);
            line(b, "checkpoint", s.lastCheckpointStep == null ? null : "step " + s.lastCheckpointStep + " at " + s.lastCheckpointKey);
            line(b, "failure", s.failureReason == null ? null : s.failureReason + ": " + s.failureMessage);
            s.exports.forEach((format, key) -> line(b, "export " + format, key));
            if (!s.problems.isEmpty()) {
                b.append("problems:\n");
                s.problems.forEach(p -> b.append("  ").append(p).append('\n'));
            }
            return b.toString().stripTrailing();
        }

        private static void line(StringBuilder b, String label, Object value) {
            if (value != null) {
                b.append(String.format("%-12s %s%n", label + ":", value));
            }
        }
    }
}
