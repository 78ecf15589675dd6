package org.lorapipeline.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.runtime.ConfigException;
import org.lorapipeline.runtime.ServiceConfig;
import org.lorapipeline.runtime.ServiceConfigLoader;
import picocli.CommandLine.Option;

/**
 * How a command finds the pipeline: flags, then environment variables (the services' own {@code LORA_*}), then
 * the files {@code lora up} writes into its data directory ({@code stack.properties}, {@code services.properties}).
 */
public final class StackOptions {
    static final String STATUS_URL = "LORA_STATUS_URL";
    static final String SERVICES_FILE = "services.properties";

    @Option(names = "--data-dir", defaultValue = "${env:LORA_DATA_DIR:-.lora-data}",
            description = "Data directory of a running `lora up` (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--status-url", description = "Run status endpoint (env LORA_STATUS_URL).")
    String statusUrl;

    /** Kafka and S3 endpoints: from the environment when LORA_KAFKA_BOOTSTRAP is set, else from the stack file. */
    public StackEndpoints endpoints() {
        Map<String, String> env = System.getenv();
        if (env.containsKey(StackEndpoints.ENV_KAFKA_BOOTSTRAP)) {
            try {
                return StackEndpoints.fromEnvironment(env, dataDir);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage() + "; set every LORA_KAFKA_BOOTSTRAP / LORA_S3_* variable or none");
            }
        }
        Optional<StackEndpoints> fromFile;
        try {
            fromFile = StackEndpoints.read(dataDir);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UserException(e.getMessage());
        }
        return fromFile.orElseThrow(() -> new UserException("no running stack found: start one with `lora up` (it writes "
                + dataDir.toAbsolutePath().normalize().resolve(StackEndpoints.FILE_NAME) + "), pass --data-dir, or set "
                + StackEndpoints.ENV_KAFKA_BOOTSTRAP + " and the LORA_S3_* variables"));
    }

    /** A service-style config for commands that upload and publish like a service would. */
    public ServiceConfig serviceConfig(String name) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(endpoints().asEnvironment());
        env.putIfAbsent("LORA_HTTP_PORT", "0");
        try {
            return ServiceConfigLoader.load(name, new String[0], env);
        } catch (ConfigException e) {
            throw new UserException(e.getMessage());
        }
    }

    public String statusUrl() {
        if (statusUrl != null && !statusUrl.isBlank()) {
            return statusUrl;
        }
        String fromEnv = System.getenv(STATUS_URL);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        Path file = dataDir.resolve(SERVICES_FILE);
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new UserException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
            }
            String url = p.getProperty(STATUS_URL);
            if (url != null && !url.isBlank()) {
                return url;
            }
        }
        throw new UserException("no run status endpoint known: start the pipeline with `lora up` (it writes "
                + file.toAbsolutePath().normalize() + "), or pass --status-url, or set " + STATUS_URL + ".");
    }
}
