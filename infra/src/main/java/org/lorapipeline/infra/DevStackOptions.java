package org.lorapipeline.infra;

import java.nio.file.Path;

/**
 * How to start a {@link DevStack}.
 *
 * @param dataDir      holds Kafka logs, S3 objects, credentials and stack.properties ({@code ./.lora-data} by default)
 * @param kafkaPort    PLAINTEXT port on 127.0.0.1; 0 picks a free one
 * @param s3Port       S3 HTTP port on 127.0.0.1; 0 picks a free one
 * @param credentials  fixed S3 keys, or null to reuse the keys stored in the data dir (generated on first start)
 * @param bucket       the bucket created at start and named in the endpoints
 * @param shutdownHook stop the stack cleanly when the JVM exits (Ctrl-C on {@code lora up})
 */
public record DevStackOptions(
        Path dataDir, int kafkaPort, int s3Port, S3Credentials credentials, String bucket, boolean shutdownHook) {

    public static final Path DEFAULT_DATA_DIR = Path.of(".lora-data");
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_S3_PORT = 9000;
    public static final String DEFAULT_BUCKET = "lora";

    public DevStackOptions {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir must be set");
        }
        FreePorts.checkRange("kafkaPort", kafkaPort);
        FreePorts.checkRange("s3Port", s3Port);
        if (kafkaPort != 0 && kafkaPort == s3Port) {
            throw new IllegalArgumentException("kafkaPort and s3Port must differ, both are " + kafkaPort);
        }
        Buckets.check(bucket);
    }

    /** What {@code lora up} uses: ./.lora-data, Kafka on 9092, S3 on 9000, bucket {@code lora}, shutdown hook on. */
    public static DevStackOptions defaults() {
        return new DevStackOptions(DEFAULT_DATA_DIR, DEFAULT_KAFKA_PORT, DEFAULT_S3_PORT, null, DEFAULT_BUCKET, true);
    }

    /** For tests and parallel stacks: random free ports, no shutdown hook (the caller closes it). */
    public static DevStackOptions ephemeral(Path dataDir) {
        return new DevStackOptions(dataDir, 0, 0, null, DEFAULT_BUCKET, false);
    }

    public DevStackOptions withDataDir(Path value) {
        return new DevStackOptions(value, kafkaPort, s3Port, credentials, bucket, shutdownHook);
    }

    public DevStackOptions withKafkaPort(int value) {
        return new DevStackOptions(dataDir, value, s3Port, credentials, bucket, shutdownHook);
    }

    public DevStackOptions withS3Port(int value) {
        return new DevStackOptions(dataDir, kafkaPort, value, credentials, bucket, shutdownHook);
    }

    public DevStackOptions withCredentials(S3Credentials value) {
        return new DevStackOptions(dataDir, kafkaPort, s3Port, value, bucket, shutdownHook);
    }

    public DevStackOptions withBucket(String value) {
        return new DevStackOptions(dataDir, kafkaPort, s3Port, credentials, value, shutdownHook);
    }

    public DevStackOptions withShutdownHook(boolean value) {
        return new DevStackOptions(dataDir, kafkaPort, s3Port, credentials, bucket, value);
    }
}
