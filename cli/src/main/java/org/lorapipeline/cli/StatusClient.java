package org.lorapipeline.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.lorapipeline.status.RunStatus;
import org.lorapipeline.status.RunStatusSerde;

/** Reads the run-status view over HTTP. */
final class StatusClient {
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    StatusClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    String get(String path) {
        String url = baseUrl + path;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return null;
            }
            if (r.statusCode() != 200) {
                throw new UserException("run status endpoint answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UserException("the run status endpoint " + url + " does not answer (" + e.getMessage() + "); is `lora up` running?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted");
        }
    }

    Optional<RunStatus> run(String runId) {
        String body = get("/runs/" + runId);
        return body == null ? Optional.empty() : Optional.of(RunStatusSerde.fromJson(body.getBytes(StandardCharsets.UTF_8)));
    }

    RunStatus[] runs() {
        String body = get("/runs");
        return body == null ? new RunStatus[0] : RunStatusSerde.parseList(body);
    }

    /** Polls until the run's status satisfies {@code done}; the view answers 503 while it starts, so retry on that. */
    RunStatus await(String runId, Predicate<RunStatus> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RunStatus last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = run(runId).orElse(null);
            } catch (UserException e) {
                if (!e.getMessage().contains(" 503")) {
                    throw e;
                }
            }
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new UserException("run " + runId + " did not get there within " + timeout.toSeconds() + " s; last status: "
                + (last == null ? "none yet" : last.summaryLine()));
    }
}
