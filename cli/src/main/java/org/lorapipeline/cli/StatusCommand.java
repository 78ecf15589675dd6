package org.lorapipeline.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
    public Integer call() throws Exception {
        String base = stack.statusUrl();
        String body = get(base + "/runs" + (runId == null ? "" : "/" + runId));
        if (json) {
            System.out.println(body);
            return 0;
        }
        if (runId == null) {
            RunStatus[] runs = RunStatusSerde.parseList(body);
            if (runs.length == 0) {
                System.out.println("no runs yet");
            }
            for (RunStatus r : runs) {
                System.out.println(r.summaryLine());
            }
        } else {
            System.out.println(StatusPrinter.details(RunStatusSerde.fromJson(body.getBytes())));
        }
        return 0;
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r;
        try {
            r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UserException("the run status endpoint " + url + " does not answer (" + e.getMessage()
                    + "); is `lora up` running?");
        }
        if (r.statusCode() == 404) {
            throw new UserException("no run " + runId + " is known (yet); `lora status` lists the runs.");
        }
        if (r.statusCode() != 200) {
            throw new UserException("run status endpoint answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
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
