package org.lorapipeline.runtime;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads a {@link ServiceConfig}: command-line flags win over environment variables, which win over the
 * {@code stack.properties} the dev stack ({@code lora up}) writes into its data directory ({@code LORA_DATA_DIR},
 * default {@code .lora-data}; same variable names as keys), which win over defaults.
 * Every unreadable or missing setting is collected, so one start shows the whole list of things to fix.
 */
public final class ServiceConfigLoader {

    /**
     * One setting: its environment variable, its flag, whether stack.properties may supply it (under the variable's
     * name, or the older dotted {@code stackKey}) and its default.
     */
    public record Setting(String env, String stackKey, String defaultValue, boolean secret, String help) {
        public String flag() {
            return "--" + env.substring("LORA_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final Setting SERVICE_NAME = new Setting("LORA_SERVICE_NAME", null, null, false, "service name; names the consumer group");
    public static final Setting WORKER_ID = new Setting("LORA_WORKER_ID", null, null, false, "this instance's id (default: host name + pid)");
    public static final Setting KAFKA_BOOTSTRAP = new Setting("LORA_KAFKA_BOOTSTRAP", "bootstrap.servers", null, false, "Kafka brokers host:port,...");
    public static final Setting S3_ENDPOINT = new Setting("LORA_S3_ENDPOINT", "s3.endpoint", null, false, "S3 URL");
    public static final Setting S3_REGION = new Setting("LORA_S3_REGION", "s3.region", "us-east-1", false, "S3 region");
    public static final Setting S3_ACCESS_KEY = new Setting("LORA_S3_ACCESS_KEY", "s3.access-key", null, false, "S3 access key id");
    public static final Setting S3_SECRET_KEY = new Setting("LORA_S3_SECRET_KEY", "s3.secret-key", null, true, "S3 secret key");
    public static final Setting S3_BUCKET = new Setting("LORA_S3_BUCKET", "s3.bucket", "lora", false, "S3 bucket");
    public static final Setting HTTP_PORT = new Setting("LORA_HTTP_PORT", null, "8080", false, "health/metrics port, 0 = any free");
    public static final Setting MAX_ATTEMPTS = new Setting("LORA_MAX_ATTEMPTS", null, "5", false, "handler attempts before the DLQ");
    public static final Setting BACKOFF_INITIAL_MS = new Setting("LORA_BACKOFF_INITIAL_MS", null, "500", false, "first retry delay");
    public static final Setting BACKOFF_MAX_MS = new Setting("LORA_BACKOFF_MAX_MS", null, "30000", false, "longest retry delay");
    public static final Setting BACKOFF_MULTIPLIER = new Setting("LORA_BACKOFF_MULTIPLIER", null, "2.0", false, "delay growth per attempt");
    public static final Setting BACKOFF_JITTER = new Setting("LORA_BACKOFF_JITTER", null, "0.5", false, "share of the delay randomised, 0..1");
    public static final Setting TOPIC_REPLICATION = new Setting("LORA_TOPIC_REPLICATION", null, "1", false, "replication of topics created at start");
    public static final Setting DATA_DIR = new Setting("LORA_DATA_DIR", null, ".lora-data", false, "dev stack data dir holding stack.properties");
    public static final Setting STACK_FILE = new Setting("LORA_STACK_FILE", null, null, false, "explicit stack.properties path");

    public static final List<Setting> ALL = List.of(SERVICE_NAME, WORKER_ID, KAFKA_BOOTSTRAP, S3_ENDPOINT, S3_REGION,
            S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET, HTTP_PORT, MAX_ATTEMPTS, BACKOFF_INITIAL_MS, BACKOFF_MAX_MS,
            BACKOFF_MULTIPLIER, BACKOFF_JITTER, TOPIC_REPLICATION, DATA_DIR, STACK_FILE);

    static final String KAFKA_PROP_ENV_PREFIX = "LORA_KAFKA_PROP_";
    static final String KAFKA_PROP_FLAG_PREFIX = "--kafka.";

    private ServiceConfigLoader() {}

    /** The config of a running process: its flags and {@link System#getenv()}. */
    public static ServiceConfig load(String defaultServiceName, String[] args) {
        return load(defaultServiceName, args, System.getenv());
    }

    public static ServiceConfig load(String defaultServiceName, String[] args, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, String> flags = new HashMap<>();
        Map<String, String> kafkaProps = new LinkedHashMap<>();
        parseFlags(args, flags, kafkaProps, problems);
        env.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PROP_ENV_PREFIX) && k.length() > KAFKA_PROP_ENV_PREFIX.length()) {
                String prop = k.substring(KAFKA_PROP_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                kafkaProps.putIfAbsent(prop, v); // flags were read first and win
            }
        });

        Sources src = new Sources(flags, env, readStackFile(flags, env, problems));
        String serviceName = src.get(SERVICE_NAME).orElse(defaultServiceName);
        String workerId = src.get(WORKER_ID).orElseGet(ServiceConfigLoader::defaultWorkerId);
        int httpPort = src.integer(HTTP_PORT, problems);
        int maxAttempts = src.integer(MAX_ATTEMPTS, problems);
        long initialMs = src.integer(BACKOFF_INITIAL_MS, problems);
        long maxMs = src.integer(BACKOFF_MAX_MS, problems);
        double multiplier = src.decimal(BACKOFF_MULTIPLIER, problems);
        double jitter = src.decimal(BACKOFF_JITTER, problems);
        int replication = src.integer(TOPIC_REPLICATION, problems);

        BackoffPolicy backoff = BackoffPolicy.DEFAULT;
        try {
            backoff = new BackoffPolicy(Duration.ofMillis(initialMs), Duration.ofMillis(maxMs), multiplier, jitter);
        } catch (IllegalArgumentException e) {
            problems.add(BACKOFF_INITIAL_MS.env() + "/" + BACKOFF_MAX_MS.env() + "/" + BACKOFF_MULTIPLIER.env() + "/"
                    + BACKOFF_JITTER.env() + ": " + e.getMessage());
        }
        try {
            ServiceConfig config = new ServiceConfig(serviceName, workerId, src.get(KAFKA_BOOTSTRAP).orElse(null),
                    src.get(S3_ENDPOINT).orElse(null), src.get(S3_REGION).orElse(null), src.get(S3_ACCESS_KEY).orElse(null),
                    src.get(S3_SECRET_KEY).map(Secret::new).orElse(null), src.get(S3_BUCKET).orElse(null),
                    httpPort, maxAttempts, backoff, (short) Math.max(0, Math.min(Short.MAX_VALUE, replication)), kafkaProps);
            if (problems.isEmpty()) {
                return config;
            }
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        // Parse failures above left placeholders that the record may also flag; keep one line per variable.
        throw new ConfigException(dedupeByVariable(problems));
    }

    private static void parseFlags(String[] args, Map<String, String> flags, Map<String, String> kafkaProps, List<String> problems) {
        Map<String, Setting> byFlag = new HashMap<>();
        ALL.forEach(s -> byFlag.put(s.flag(), s));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.startsWith(KAFKA_PROP_FLAG_PREFIX) && name.length() > KAFKA_PROP_FLAG_PREFIX.length()) {
                if (value == null && i + 1 < args.length) {
                    value = args[++i];
                }
                if (value == null) {
                    problems.add(name + " needs a value: " + name + "=<value>");
                } else {
                    kafkaProps.put(name.substring(KAFKA_PROP_FLAG_PREFIX.length()), value);
                }
                continue;
            }
            Setting s = byFlag.get(name);
            if (s == null) {
                problems.add("unknown argument '" + arg + "'; known flags: " + String.join(" ", byFlag.keySet().stream().sorted().toList())
                        + " and --kafka.<client.property>=<value>");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    problems.add(name + " needs a value (" + s.help() + ")");
                    continue;
                }
                value = args[++i];
            }
            flags.put(s.env(), value);
        }
    }

    private static Properties readStackFile(Map<String, String> flags, Map<String, String> env, List<String> problems) {
        Properties props = new Properties();
        String explicit = flags.getOrDefault(STACK_FILE.env(), env.get(STACK_FILE.env()));
        Path file;
        if (explicit != null && !explicit.isBlank()) {
            file = Path.of(explicit);
            if (!Files.isRegularFile(file)) {
                problems.add(STACK_FILE.env() + "='" + explicit + "' is not a readable file; point it at the stack.properties "
                        + "that `lora up` wrote, or unset it");
                return props;
            }
        } else {
            String dir = flags.getOrDefault(DATA_DIR.env(), env.getOrDefault(DATA_DIR.env(), DATA_DIR.defaultValue()));
            file = Path.of(dir).resolve("stack.properties");
            if (!Files.isRegularFile(file)) {
                return props; // no dev stack here: env and flags must say everything
            }
        }
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        return props;
    }

    private static String defaultWorkerId() {
        String host = System.getenv("HOSTNAME"); // set by Kubernetes to the pod name
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    private static List<String> dedupeByVariable(List<String> problems) {
        Map<String, String> byVar = new LinkedHashMap<>();
        for (String p : problems) {
            String key = p.startsWith("LORA_") ? p.split("[= ]", 2)[0] : p;
            byVar.putIfAbsent(key, p);
        }
        return List.copyOf(byVar.values());
    }

    private record Sources(Map<String, String> flags, Map<String, String> env, Properties stack) {
        Optional<String> get(Setting s) {
            String v = flags.get(s.env());
            if (v == null || v.isBlank()) {
                v = env.get(s.env());
            }
            if ((v == null || v.isBlank()) && s.stackKey() != null) {
                // the dev stack writes the variable names themselves; the dotted key is the older spelling
                v = stack.getProperty(s.env(), stack.getProperty(s.stackKey()));
            }
            if (v == null || v.isBlank()) {
                v = s.defaultValue();
            }
            return Optional.ofNullable(v).map(String::strip).filter(x -> !x.isEmpty());
        }

        int integer(Setting s, List<String> problems) {
            String v = get(s).orElse(s.defaultValue());
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                problems.add(s.env() + "='" + v + "' is not a whole number (" + s.help() + ", default " + s.defaultValue() + ")");
                return Integer.parseInt(s.defaultValue());
            }
        }

        double decimal(Setting s, List<String> problems) {
            String v = get(s).orElse(s.defaultValue());
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                problems.add(s.env() + "='" + v + "' is not a number (" + s.help() + ", default " + s.defaultValue() + ")");
                return Double.parseDouble(s.defaultValue());
            }
        }
    }
}
