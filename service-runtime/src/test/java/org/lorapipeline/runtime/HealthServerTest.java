package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final HealthServer server = new HealthServer(0, registry).start();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessNamesEachFailingCheckUntilAllPass() throws Exception {
        AtomicBoolean joined = new AtomicBoolean();
        server.addReadiness("kafka:dataset.submitted.v1", () -> joined.get() ? null : "consumer has not joined group ingest-service yet");
        server.addReadiness("s3", () -> {
            throw new ObjectStoreException("cannot reach bucket s3://lora/: ConnectException", true, null);
        });
        HttpResponse<String> down = get("/health/ready");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(down.body()).contains("\"status\":\"DOWN\"")
                .contains("\"kafka:dataset.submitted.v1\":{").contains("consumer has not joined group ingest-service yet")
                .contains("\"s3\":{").contains("cannot reach bucket s3://lora/: ConnectException");

        joined.set(true);
        server.addReadiness("s3", () -> null);
        HttpResponse<String> up = get("/health/ready");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("\"status\":\"UP\"").contains("\"s3\":{\"ok\":true}");
    }

    @Test
    void livenessFollowsItsOwnChecks() throws Exception {
        AtomicBoolean alive = new AtomicBoolean(true);
        server.addLiveness("kafka:t", () -> alive.get() ? null : "consumer loop not running");
        server.addReadiness("never", () -> "not ready");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        alive.set(false);
        HttpResponse<String> dead = get("/health/live");
        assertThat(dead.statusCode()).isEqualTo(503);
        assertThat(dead.body()).contains("consumer loop not running");
    }

    @Test
    void aHangingCheckFailsInsteadOfHangingTheProbe() throws Exception {
        server.addReadiness("slow", () -> {
            Thread.sleep(60_000);
            return null;
        });
        long start = System.nanoTime();
        HttpResponse<String> r = get("/health/ready");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("no answer within 3s");
        assertThat(System.nanoTime() - start).isLessThan(20_000_000_000L);
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        Counter.builder("lora.events.handled").tags("topic", "dataset.submitted.v1", "service", "ingest-service")
                .register(registry).increment(3);
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("# TYPE lora_events_handled_total counter")
                .containsPattern("lora_events_handled_total\\{[^}]*topic=\"dataset.submitted.v1\"[^}]*} 3.0");
    }
}
