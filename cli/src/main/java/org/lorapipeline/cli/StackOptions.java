package org.lorapipeline.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * How a command finds the pipeline: flags, then environment variables, then the {@code stack.properties} that
 * {@code lora up} writes into its data directory.
 */
public final class StackOptions {
    @Option(names = "--data-dir", defaultValue = "${env:LORA_DATA_DIR:-.lora-data}",
            description = "Data directory of a running `lora up` (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (env LORA_KAFKA_BOOTSTRAP).")
    String bootstrap;

    @Option(names = "--status-url", description = "Run status endpoint (env LORA_STATUS_URL).")
    String statusUrl;

    private Properties fileProps;

    private Properties file() {
        if (fileProps == null) {
            fileProps = new Properties();
            Path f = dataDir.resolve("stack.properties");
            if (Files.isRegularFile(f)) {
                try (Reader r = Files.newBufferedReader(f)) {
                    fileProps.load(r);
                } catch (IOException e) {
                    throw new UserException("cannot read " + f.toAbsolutePath() + ": " + e.getMessage());
                }
            }
        }
        return fileProps;
    }

    /** A setting from flag, env or stack.properties; a clear error naming all three when none has it. */
    String require(String flagValue, String env, String key, String flag) {
        if (flagValue != null && !flagValue.isBlank()) {
            return flagValue;
        }
        String fromEnv = System.getenv(env);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        String fromFile = file().getProperty(key);
        if (fromFile != null && !fromFile.isBlank()) {
            return fromFile;
        }
        throw new UserException("no " + key + " known: start the dev stack with `lora up` (it writes "
                + dataDir.resolve("stack.properties").toAbsolutePath() + "), or pass " + flag + ", or set " + env + ".");
    }

    public String bootstrap() {
        return require(bootstrap, "LORA_KAFKA_BOOTSTRAP", "bootstrap.servers", "--bootstrap");
    }

    public String statusUrl() {
        return require(statusUrl, "LORA_STATUS_URL", "status.url", "--status-url");
    }
}
