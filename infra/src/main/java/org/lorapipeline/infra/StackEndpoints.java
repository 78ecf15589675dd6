package org.lorapipeline.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a running stack is and how to log in to it: what services need in their environment and what
 * {@code lora up} prints. The same names are the service environment variables ({@link #asEnvironment()}) and the
 * keys of {@code <dataDir>/stack.properties}, which lets a command in another terminal find the running stack.
 *
 * @param bootstrapServers Kafka {@code host:port[,host:port]}
 * @param s3Endpoint       S3 base URL, path-style ({@code http://127.0.0.1:9000})
 * @param dataDir          where the stack keeps its data; for container stacks a scratch folder holding the file
 */
public record StackEndpoints(
        String bootstrapServers, URI s3Endpoint, String accessKey, String secretKey, String bucket, Path dataDir) {

    public static final String ENV_KAFKA_BOOTSTRAP = "LORA_KAFKA_BOOTSTRAP";
    public static final String ENV_S3_ENDPOINT = "LORA_S3_ENDPOINT";
    public static final String ENV_S3_ACCESS_KEY = "LORA_S3_ACCESS_KEY";
    public static final String ENV_S3_SECRET_KEY = "LORA_S3_SECRET_KEY";
    public static final String ENV_S3_BUCKET = "LORA_S3_BUCKET";
    /** Not a service variable: lets a reader of stack.properties see which folder the stack serves. */
    public static final String KEY_DATA_DIR = "LORA_DATA_DIR";
    public static final String FILE_NAME = "stack.properties";

    public StackEndpoints {
        if (bootstrapServers == null || !bootstrapServers.matches("[^\\s,]+:[0-9]+(,[^\\s,]+:[0-9]+)*")) {
            throw new IllegalArgumentException("bootstrapServers must be host:port[,host:port...], got " + bootstrapServers);
        }
        if (s3Endpoint == null || s3Endpoint.getHost() == null
                || !("http".equals(s3Endpoint.getScheme()) || "https".equals(s3Endpoint.getScheme()))) {
            throw new IllegalArgumentException("s3Endpoint must be an http(s)://host:port URL, got " + s3Endpoint);
        }
        new S3Credentials(accessKey, secretKey); // same rules; its messages name accessKey/secretKey
        Buckets.check(bucket);
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir must be set");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    public S3Credentials credentials() {
        return new S3Credentials(accessKey, secretKey);
    }

    /** The service contract: {@code LORA_KAFKA_BOOTSTRAP}, {@code LORA_S3_*}, in a stable order. */
    public Map<String, String> asEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ENV_KAFKA_BOOTSTRAP, bootstrapServers);
        env.put(ENV_S3_ENDPOINT, s3Endpoint.toString());
        env.put(ENV_S3_ACCESS_KEY, accessKey);
        env.put(ENV_S3_SECRET_KEY, secretKey);
        env.put(ENV_S3_BUCKET, bucket);
        return env;
    }

    /** Reads endpoints from the same variables services read; names the first missing one. */
    public static StackEndpoints fromEnvironment(Map<String, String> env, Path dataDir) {
        return new StackEndpoints(
                required(env, ENV_KAFKA_BOOTSTRAP, "environment"),
                URI.create(required(env, ENV_S3_ENDPOINT, "environment")),
                required(env, ENV_S3_ACCESS_KEY, "environment"),
                required(env, ENV_S3_SECRET_KEY, "environment"),
                required(env, ENV_S3_BUCKET, "environment"),
                dataDir);
    }

    /** {@code <dataDir>/stack.properties}. */
    public Path file() {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Writes {@link #file()} readable by the owner only (it holds the secret key). The file is replaced atomically
     * so a reader in another process never sees half of it.
     */
    public Path write() {
        Path target = file();
        StringBuilder text = new StringBuilder("# Written by the lora dev stack while it runs; holds credentials, keep private.\n");
        asEnvironment().forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
        text.append(KEY_DATA_DIR).append('=').append(escape(dataDir.toString())).append('\n');
        try {
            Files.createDirectories(dataDir);
            Path tmp = Files.createTempFile(dataDir, ".stack", ".tmp");
            try {
                restrictToOwner(tmp);
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target + "; check that the data dir is writable", e);
        }
    }

    /** Reads {@code <dataDir>/stack.properties}; empty when there is none. Does not check that the stack still runs. */
    public static Optional<StackEndpoints> read(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        String where = file.toString();
        try {
            return Optional.of(new StackEndpoints(
                    required(props, ENV_KAFKA_BOOTSTRAP, where),
                    URI.create(required(props, ENV_S3_ENDPOINT, where)),
                    required(props, ENV_S3_ACCESS_KEY, where),
                    required(props, ENV_S3_SECRET_KEY, where),
                    required(props, ENV_S3_BUCKET, where),
                    Path.of(props.getProperty(KEY_DATA_DIR, dataDir.toString()))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not a valid stack file (" + e.getMessage()
                    + "); restart the stack with `lora up` to rewrite it", e);
        }
    }

    /** The text {@code lora up} prints: where everything is, and how to poke it with kcat and the AWS CLI. */
    public String describe() {
        String awsEnv = "AWS_ACCESS_KEY_ID=" + accessKey + " AWS_SECRET_ACCESS_KEY=" + secretKey
                + " AWS_DEFAULT_REGION=" + EmbeddedS3.REGION;
        String firstBroker = bootstrapServers.split(",")[0];
        return String.join("\n",
                "lora dev stack",
                "  Kafka bootstrap   " + bootstrapServers,
                "  S3 endpoint       " + s3Endpoint + "   (path-style, region " + EmbeddedS3.REGION + ")",
                "  S3 bucket         " + bucket,
                "  S3 access key     " + accessKey,
                "  S3 secret key     " + secretKey,
                "  data directory    " + dataDir,
                "",
                "Try it:",
                "  kcat -b " + firstBroker + " -L",
                "  kcat -b " + firstBroker + " -C -t dataset.submitted.v1 -o beginning -e",
                "  " + awsEnv + " aws --endpoint-url " + s3Endpoint + " s3 ls s3://" + bucket + "/",
                "",
                "Services and other lora commands read these from the environment (" + String.join(", ", asEnvironment().keySet())
                        + ") or from " + file() + ".",
                "");
    }

    @Override
    public String toString() {
        return "StackEndpoints[bootstrapServers=" + bootstrapServers + ", s3Endpoint=" + s3Endpoint + ", accessKey=" + accessKey
                + ", secretKey=***, bucket=" + bucket + ", dataDir=" + dataDir + "]";
    }

    private static String required(Map<String, String> env, String key, String where) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is not set in the " + where);
        }
        return value.trim();
    }

    private static String required(Properties props, String key, String where) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is missing in " + where);
        }
        return value.trim();
    }

    /** java.util.Properties treats backslash as an escape; nothing else in our values needs escaping. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    static void restrictToOwner(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
