package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigLoaderTest {
    static final String SECRET = "s3cr3t-Value-That-Must-Not-Leak";

    @TempDir
    Path dir;

    private Map<String, String> validEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("LORA_KAFKA_BOOTSTRAP", "broker-1:9092,broker-2:9092");
        env.put("LORA_S3_ENDPOINT", "http://s3.local:9000");
        env.put("LORA_S3_ACCESS_KEY", "access");
        env.put("LORA_S3_SECRET_KEY", SECRET);
        env.put("LORA_DATA_DIR", dir.toString()); // never pick up a stack.properties from the working directory
        env.put("LORA_WORKER_ID", "w-1");
        return env;
    }

    @Test
    void readsEnvironmentWithDefaults() {
        ServiceConfig c = ServiceConfigLoader.load("ingest-service", new String[0], validEnv());
        assertThat(c.serviceName()).isEqualTo("ingest-service");
        assertThat(c.kafkaBootstrap()).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(c.s3Endpoint()).isEqualTo("http://s3.local:9000");
        assertThat(c.s3SecretKey().reveal()).isEqualTo(SECRET);
        assertThat(c.s3Bucket()).isEqualTo("lora");
        assertThat(c.s3Region()).isEqualTo("us-east-1");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.maxAttempts()).isEqualTo(5);
        assertThat(c.backoff()).isEqualTo(new BackoffPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.5));
        assertThat(c.workerId()).isEqualTo("w-1");
        assertThat(c.defaultGroupId()).isEqualTo("ingest-service");
    }

    @Test
    void flagsOverrideEnvironmentInBothSpellings() {
        ServiceConfig c = ServiceConfigLoader.load("ingest-service",
                new String[] {"--http-port=0", "--s3-bucket", "other-bucket", "--max-attempts=2", "--kafka.session.timeout.ms=6000"},
                validEnv());
        assertThat(c.httpPort()).isZero();
        assertThat(c.s3Bucket()).isEqualTo("other-bucket");
        assertThat(c.maxAttempts()).isEqualTo(2);
        assertThat(c.kafkaProperties()).containsEntry("session.timeout.ms", "6000");
    }

    @Test
    void kafkaPropertiesFromEnvironmentAreDottedAndFlagsWin() {
        Map<String, String> env = validEnv();
        env.put("LORA_KAFKA_PROP_SESSION_TIMEOUT_MS", "7000");
        env.put("LORA_KAFKA_PROP_MAX_POLL_RECORDS", "10");
        ServiceConfig c = ServiceConfigLoader.load("x-service", new String[] {"--kafka.session.timeout.ms=6000"}, env);
        assertThat(c.kafkaProperties()).containsEntry("session.timeout.ms", "6000").containsEntry("max.poll.records", "10");
    }

    @Test
    void fallsBackToTheDevStacksPropertiesFile() throws IOException {
        // the layout the dev stack writes (StackEndpoints.write): the variable names as keys
        Files.writeString(dir.resolve("stack.properties"), """
                # Written by the lora dev stack while it runs; holds credentials, keep private.
                LORA_KAFKA_BOOTSTRAP=127.0.0.1:39092
                LORA_S3_ENDPOINT=http://127.0.0.1:39000
                LORA_S3_ACCESS_KEY=stack-access
                LORA_S3_SECRET_KEY=stack-secret
                LORA_S3_BUCKET=stack-bucket
                LORA_DATA_DIR=/somewhere
                """);
        Map<String, String> env = Map.of("LORA_DATA_DIR", dir.toString(), "LORA_S3_BUCKET", "env-bucket");
        ServiceConfig c = ServiceConfigLoader.load("label-service", new String[0], env);
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:39092");
        assertThat(c.s3Endpoint()).isEqualTo("http://127.0.0.1:39000");
        assertThat(c.s3AccessKey()).isEqualTo("stack-access");
        assertThat(c.s3SecretKey().reveal()).isEqualTo("stack-secret");
        assertThat(c.s3Bucket()).as("environment beats the file").isEqualTo("env-bucket");
    }

    @Test
    void readsTheOlderDottedStackKeysToo() throws IOException {
        Path file = dir.resolve("other.properties");
        Files.writeString(file, "bootstrap.servers=h:1\ns3.endpoint=http://h:2\ns3.access-key=a\ns3.secret-key=b\n");
        ServiceConfig c = ServiceConfigLoader.load("x-service", new String[] {"--stack-file", file.toString()}, Map.of());
        assertThat(c.kafkaBootstrap()).isEqualTo("h:1");
        assertThat(c.s3Endpoint()).isEqualTo("http://h:2");
        assertThat(c.s3Bucket()).isEqualTo("lora");
    }

    @Test
    void explicitStackFileMustExist() {
        Map<String, String> env = validEnv();
        env.put("LORA_STACK_FILE", dir.resolve("nope.properties").toString());
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServiceConfigLoader.load("x-service", new String[0], env));
        assertThat(e.problems()).singleElement().asString().contains("LORA_STACK_FILE").contains("nope.properties");
    }

    @Test
    void oneErrorListsEveryMissingAndInvalidVariable() {
        Map<String, String> env = Map.of("LORA_DATA_DIR", dir.toString(), "LORA_HTTP_PORT", "eighty", "LORA_MAX_ATTEMPTS", "0",
                "LORA_S3_BUCKET", "Bad_Bucket");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServiceConfigLoader.load("x-service", new String[0], env));
        assertThat(e.problems()).hasSize(7);
        assertThat(e.getMessage())
                .contains("7 problems")
                .contains("LORA_KAFKA_BOOTSTRAP is not set: set it (or --kafka-bootstrap)")
                .contains("LORA_S3_ENDPOINT is not set")
                .contains("LORA_S3_ACCESS_KEY is not set")
                .contains("LORA_S3_SECRET_KEY is not set")
                .contains("LORA_HTTP_PORT='eighty' is not a whole number")
                .contains("LORA_MAX_ATTEMPTS='0' must be >= 1")
                .contains("LORA_S3_BUCKET='Bad_Bucket' must be a valid S3 bucket name");
    }

    @Test
    void malformedValuesAreNamed() {
        Map<String, String> env = validEnv();
        env.put("LORA_KAFKA_BOOTSTRAP", "broker-1");
        env.put("LORA_S3_ENDPOINT", "s3.local:9000");
        env.put("LORA_HTTP_PORT", "70000");
        env.put("LORA_BACKOFF_JITTER", "2");
        env.put("LORA_SERVICE_NAME", "Ingest Service");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServiceConfigLoader.load("x-service", new String[0], env));
        assertThat(e.getMessage())
                .contains("LORA_KAFKA_BOOTSTRAP='broker-1'").contains("'broker-1' is not host:port")
                .contains("LORA_S3_ENDPOINT='s3.local:9000' must be an http:// or https:// URL")
                .contains("LORA_HTTP_PORT='70000' must be 0..65535")
                .contains("LORA_BACKOFF_JITTER").contains("jitter must be within [0, 1]")
                .contains("LORA_SERVICE_NAME='Ingest Service'");
    }

    @Test
    void unknownFlagsAreRefusedWithTheKnownList() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ServiceConfigLoader.load("x-service", new String[] {"--kafka-bootstarp=x:1"}, validEnv()));
        assertThat(e.getMessage()).contains("unknown argument '--kafka-bootstarp=x:1'").contains("--kafka-bootstrap");
    }

    @Test
    void secretNeverAppearsInToStringOrErrors() {
        Map<String, String> env = validEnv();
        env.put("LORA_KAFKA_PROP_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule password=\"" + SECRET + "\";");
        ServiceConfig c = ServiceConfigLoader.load("x-service", new String[0], env);
        assertThat(c.toString()).doesNotContain(SECRET).contains("s3SecretKey=****").contains("sasl.jaas.config=****");
        assertThat(c.s3SecretKey().toString()).isEqualTo("****");

        env.put("LORA_S3_ENDPOINT", "not a url");
        assertThatThrownBy(() -> ServiceConfigLoader.load("x-service", new String[0], env)).message().doesNotContain(SECRET);
    }
}
