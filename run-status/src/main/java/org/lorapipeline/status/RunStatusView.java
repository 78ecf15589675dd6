package org.lorapipeline.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the status topology and answers interactive queries over HTTP: {@code GET /runs} (every run, newest
 * first) and {@code GET /runs/<runId>}. With several instances each one owns some partitions; a key query is
 * forwarded to the owner ({@code application.server}), the list query gathers from every instance.
 */
public final class RunStatusView implements AutoCloseable {
    public static final String APPLICATION_ID = "lora-run-status";
    private static final Logger log = LoggerFactory.getLogger(RunStatusView.class);

    private final KafkaStreams streams;
    private final HttpServer http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String self;

    private RunStatusView(String bootstrap, Path stateDir, int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        self = "127.0.0.1:" + http.getAddress().getPort();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // a poison record must not stop the whole view; it is logged (and the services dead-letter it)
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        streams = new KafkaStreams(RunStatusTopology.build(), p);
        http.createContext("/runs", this::handle);
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "run-status-http");
            t.setDaemon(true);
            return t;
        }));
    }

    /** Starts the Streams application and the query endpoint; {@code port} 0 picks a free port. */
    public static RunStatusView start(String bootstrap, Path stateDir, int port) throws IOException {
        RunStatusView view = new RunStatusView(bootstrap, stateDir, port);
        view.streams.start();
        view.http.start();
        log.info("run status view on http://{}/runs", view.self);
        return view;
    }

    public String baseUrl() {
        return "http://" + self;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    private ReadOnlyKeyValueStore<String, RunStatus> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(RunStatusTopology.STORE, QueryableStoreTypes.keyValueStore()));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            boolean localOnly = "local".equals(ex.getRequestURI().getQuery());
            if (streams.state() != KafkaStreams.State.RUNNING) {
                reply(ex, 503, "{\"error\":\"run status view is " + streams.state() + ", try again shortly\"}");
            } else if (path.equals("/runs") || path.equals("/runs/")) {
                reply(ex, 200, new String(RunStatusSerde.toJson(localOnly ? localRuns() : allRuns()), StandardCharsets.UTF_8));
            } else {
                String runId = path.substring("/runs/".length());
                RunStatus status = findRun(runId);
                if (status == null) {
                    reply(ex, 404, "{\"error\":\"no run " + runId.replace("\"", "") + "\"}");
                } else {
                    reply(ex, 200, new String(RunStatusSerde.toJson(status), StandardCharsets.UTF_8));
                }
            }
        } catch (RuntimeException e) {
            log.warn("status query failed: {}", e.toString());
            reply(ex, 500, "{\"error\":\"" + String.valueOf(e.getMessage()).replace("\"", "'") + "\"}");
        }
    }

    private RunStatus findRun(String runId) {
        KeyQueryMetadata meta = streams.queryMetadataForKey(RunStatusTopology.STORE, runId, Serdes.String().serializer());
        if (meta == KeyQueryMetadata.NOT_AVAILABLE) {
            return store().get(runId);
        }
        String owner = meta.activeHost().host() + ":" + meta.activeHost().port();
        if (owner.equals(self)) {
            return store().get(runId);
        }
        byte[] body = fetch("http://" + owner + "/runs/" + runId);
        return body == null ? null : RunStatusSerde.fromJson(body);
    }

    private List<RunStatus> localRuns() {
        List<RunStatus> runs = new ArrayList<>();
        try (var it = store().all()) {
            it.forEachRemaining(kv -> runs.add(kv.value));
        }
        return runs;
    }

    private List<RunStatus> allRuns() {
        List<RunStatus> runs = new ArrayList<>(localRuns());
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            String other = m.host() + ":" + m.port();
            if (!other.equals(self)) {
                byte[] body = fetch("http://" + other + "/runs?local");
                if (body != null) {
                    try {
                        runs.addAll(List.of(RunStatusSerde.JSON.readValue(body, RunStatus[].class)));
                    } catch (IOException e) {
                        log.warn("instance {} answered with unreadable runs: {}", other, e.toString());
                    }
                }
            }
        }
        runs.sort(Comparator.comparingLong((RunStatus r) -> r.updatedAtMillis).reversed());
        return runs;
    }

    private byte[] fetch(String url) {
        try {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            throw new IllegalStateException("status instance " + url + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void reply(HttpExchange ex, int code, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        http.stop(0);
        streams.close(Duration.ofSeconds(10));
    }
}
