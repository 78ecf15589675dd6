package org.lorapipeline.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probes an orchestrator asks and the metrics Prometheus scrapes, on the JDK's built-in HTTP server:
 * <ul>
 *   <li>{@code /health/live}: 200 while every liveness check passes (consumer loops heartbeat), else 503 — restart me;</li>
 *   <li>{@code /health/ready}: 200 once every readiness check passes (consumers joined, S3 reachable), else 503 with
 *       a JSON body naming each failing check;</li>
 *   <li>{@code /metrics}: Prometheus text format.</li>
 * </ul>
 * Each check gets a deadline, so a hung S3 endpoint makes the probe fail instead of hang.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** Paths deployment manifests point their probes and scrapers at (checked by the manifests tests). */
    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";
    public static final String METRICS_PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService checks;
    private final PrometheusMeterRegistry registry;
    private final Map<String, HealthCheck> liveness = new ConcurrentHashMap<>();
    private final Map<String, HealthCheck> readiness = new ConcurrentHashMap<>();

    public HealthServer(int port, PrometheusMeterRegistry registry) {
        this.registry = registry;
        try {
            this.server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port + " for health and metrics: " + e.getMessage()
                    + "; set LORA_HTTP_PORT to a free port (0 picks one)", e);
        }
        this.checks = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lora-health-check");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "lora-health-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext(LIVE_PATH, ex -> respondChecks(ex, liveness));
        server.createContext(READY_PATH, ex -> respondChecks(ex, readiness));
        server.createContext(METRICS_PATH, this::respondMetrics);
    }

    public HealthServer start() {
        server.start();
        log.info("health and metrics on port {}", port());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public HealthServer addLiveness(String name, HealthCheck check) {
        liveness.put(name, check);
        return this;
    }

    public HealthServer addReadiness(String name, HealthCheck check) {
        readiness.put(name, check);
        return this;
    }

    /** Runs the checks now; the map holds each check's problem, or null when it passed. */
    public Map<String, String> evaluate(boolean ready) {
        Map<String, HealthCheck> which = ready ? readiness : liveness;
        Map<String, Future<String>> running = new LinkedHashMap<>();
        new java.util.TreeMap<>(which).forEach((name, check) -> running.put(name, checks.submit(check::problem)));
        Map<String, String> results = new LinkedHashMap<>();
        long deadline = System.nanoTime() + CHECK_TIMEOUT.toNanos();
        running.forEach((name, f) -> {
            String problem;
            try {
                problem = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                problem = "no answer within " + CHECK_TIMEOUT.toSeconds() + "s";
            } catch (ExecutionException e) {
                problem = String.valueOf(e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "interrupted";
            }
            results.put(name, problem);
        });
        return results;
    }

    private void respondChecks(HttpExchange ex, Map<String, HealthCheck> which) throws IOException {
        try (ex) {
            Map<String, String> results = evaluate(which == readiness);
            boolean up = results.values().stream().allMatch(p -> p == null);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "UP" : "DOWN");
            Map<String, Object> detail = new LinkedHashMap<>();
            results.forEach((name, problem) -> detail.put(name, new Json.RawJson(problem == null ? "{\"ok\":true}"
                    : Json.object(Map.of("ok", false, "problem", problem)))));
            body.put("checks", new Json.RawJson(Json.object(detail)));
            send(ex, up ? 200 : 503, "application/json", Json.object(body));
        }
    }

    private void respondMetrics(HttpExchange ex) throws IOException {
        try (ex) {
            send(ex, 200, PROMETHEUS_TEXT, registry.scrape());
        }
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        checks.shutdownNow();
    }
}
