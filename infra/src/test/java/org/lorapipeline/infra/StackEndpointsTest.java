package org.lorapipeline.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackEndpointsTest {
    @TempDir
    Path dir;

    private StackEndpoints endpoints() {
        return new StackEndpoints("127.0.0.1:9092", URI.create("http://127.0.0.1:9000"),
                "LORAKEY1234567890ABC", "s3cr3t/with+odd\\chars", "lora", dir);
    }

    @Test
    void writesAnOwnerOnlyFileThatReadsBackEqual() throws Exception {
        Path file = endpoints().write();
        assertThat(file).isEqualTo(dir.toAbsolutePath().normalize().resolve("stack.properties"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(StackEndpoints.read(dir)).contains(endpoints());
        assertThat(Files.readString(file)).contains("LORA_S3_ENDPOINT=http://127.0.0.1:9000\n");
        try (var tmp = Files.list(dir)) {
            assertThat(tmp).as("no temp file left behind").containsExactly(file);
        }
    }

    @Test
    void readIsEmptyWithoutAFileAndNamesTheMissingKeyOfABrokenOne() throws Exception {
        assertThat(StackEndpoints.read(dir)).isEmpty();
        Files.writeString(dir.resolve("stack.properties"), "LORA_KAFKA_BOOTSTRAP=127.0.0.1:9092\n");
        assertThatThrownBy(() -> StackEndpoints.read(dir))
                .hasMessageContaining("stack.properties is not a valid stack file")
                .hasMessageContaining("LORA_S3_ENDPOINT is missing");
    }

    @Test
    void environmentUsesTheServiceVariableNamesAndRoundTrips() {
        Map<String, String> env = endpoints().asEnvironment();
        assertThat(env).containsOnlyKeys("LORA_KAFKA_BOOTSTRAP", "LORA_S3_ENDPOINT", "LORA_S3_ACCESS_KEY",
                "LORA_S3_SECRET_KEY", "LORA_S3_BUCKET");
        assertThat(StackEndpoints.fromEnvironment(env, dir)).isEqualTo(endpoints());
        assertThatThrownBy(() -> StackEndpoints.fromEnvironment(Map.of(), dir)).hasMessage("LORA_KAFKA_BOOTSTRAP is not set in the environment");
    }

    @Test
    void describeShowsWhereEverythingIsAndWorkingClientCommands() {
        String text = endpoints().describe();
        assertThat(text).contains("Kafka bootstrap   127.0.0.1:9092")
                .contains("S3 endpoint       http://127.0.0.1:9000")
                .contains("kcat -b 127.0.0.1:9092 -L")
                .contains("AWS_ACCESS_KEY_ID=LORAKEY1234567890ABC AWS_SECRET_ACCESS_KEY=s3cr3t/with+odd\\chars AWS_DEFAULT_REGION=us-east-1 "
                        + "aws --endpoint-url http://127.0.0.1:9000 s3 ls s3://lora/")
                .contains(dir.toAbsolutePath().normalize().resolve("stack.properties").toString());
    }

    @Test
    void toStringNeverShowsTheSecret() {
        assertThat(endpoints().toString()).doesNotContain("s3cr3t").contains("secretKey=***");
        assertThat(S3Credentials.generate().toString()).endsWith("secretKey=***]");
    }

    @Test
    void rejectsBadValuesNamingTheField() {
        URI s3 = URI.create("http://127.0.0.1:9000");
        assertThatThrownBy(() -> new StackEndpoints("localhost", s3, "AKIA1", "secret123", "lora", dir))
                .hasMessageStartingWith("bootstrapServers");
        assertThatThrownBy(() -> new StackEndpoints("h:1", URI.create("ftp://x:1"), "AKIA1", "secret123", "lora", dir))
                .hasMessageStartingWith("s3Endpoint");
        assertThatThrownBy(() -> new StackEndpoints("h:1", s3, "AKIA1", "short", "lora", dir)).hasMessageStartingWith("secretKey");
        assertThatThrownBy(() -> new StackEndpoints("h:1", s3, "AKIA1", "secret123", "Lora_Bucket", dir)).hasMessageStartingWith("bucket");
        assertThatThrownBy(() -> DevStackOptions.defaults().withKafkaPort(70_000)).hasMessageStartingWith("kafkaPort");
        assertThatThrownBy(() -> DevStackOptions.defaults().withS3Port(9092)).hasMessageContaining("must differ");
    }

    @Test
    void generatedKeysAreAwsShapedAndDifferEachTime() {
        S3Credentials a = S3Credentials.generate();
        S3Credentials b = S3Credentials.generate();
        assertThat(a.accessKey()).hasSize(20).matches("[A-Z0-9]+");
        assertThat(a.secretKey()).hasSize(40).matches("[A-Za-z0-9]+");
        assertThat(a.secretKey()).isNotEqualTo(b.secretKey());
    }
}
