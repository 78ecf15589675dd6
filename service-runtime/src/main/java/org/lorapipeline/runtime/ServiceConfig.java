package org.lorapipeline.runtime;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Everything a service needs to reach the stack. Build it with {@link ServiceConfigLoader} (flags, then
 * environment, then the dev stack's {@code stack.properties}, then defaults); the compact constructor checks every
 * field and reports all problems at once, each naming the environment variable to fix.
 *
 * @param kafkaProperties extra Kafka client settings ({@code LORA_KAFKA_PROP_SESSION_TIMEOUT_MS=6000} or
 *     {@code --kafka.session.timeout.ms=6000}) applied to every consumer, producer and admin client
 */
public record ServiceConfig(
        String serviceName,
        String workerId,
        String kafkaBootstrap,
        String s3Endpoint,
        String s3Region,
        String s3AccessKey,
        Secret s3SecretKey,
        String s3Bucket,
        int httpPort,
        int maxAttempts,
        BackoffPolicy backoff,
        short topicReplication,
        Map<String, String> kafkaProperties) {

    static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5}");
    // S3 bucket naming rules, minus the rarely used dotted IPv4 form.
    static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern SENSITIVE_KAFKA_KEY = Pattern.compile("(?i).*(password|secret|jaas|token|credential).*");

    public ServiceConfig {
        List<String> problems = new ArrayList<>();
        if (serviceName == null || !SERVICE_NAME.matcher(serviceName).matches()) {
            problems.add(problem(ServiceConfigLoader.SERVICE_NAME, serviceName,
                    "must be lower-case letters, digits and '-', starting with a letter (it names the consumer group and S3 prefixes)"));
        }
        if (workerId == null || workerId.isBlank()) {
            problems.add(problem(ServiceConfigLoader.WORKER_ID, workerId, "must not be blank"));
        }
        if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
            problems.add(missing(ServiceConfigLoader.KAFKA_BOOTSTRAP, "the Kafka broker list, e.g. localhost:9092"));
        } else {
            for (String hp : kafkaBootstrap.split(",")) {
                if (!HOST_PORT.matcher(hp.strip()).matches()) {
                    problems.add(problem(ServiceConfigLoader.KAFKA_BOOTSTRAP, kafkaBootstrap,
                            "'" + hp.strip() + "' is not host:port; use a comma-separated list like broker-1:9092,broker-2:9092"));
                    break;
                }
            }
        }
        if (s3Endpoint == null || s3Endpoint.isBlank()) {
            problems.add(missing(ServiceConfigLoader.S3_ENDPOINT, "the S3 URL, e.g. http://localhost:9000"));
        } else if (!isHttpUrl(s3Endpoint)) {
            problems.add(problem(ServiceConfigLoader.S3_ENDPOINT, s3Endpoint, "must be an http:// or https:// URL with a host"));
        }
        if (s3Region == null || s3Region.isBlank()) {
            problems.add(problem(ServiceConfigLoader.S3_REGION, s3Region, "must not be blank (us-east-1 suits MinIO and s3proxy)"));
        }
        if (s3AccessKey == null || s3AccessKey.isBlank()) {
            problems.add(missing(ServiceConfigLoader.S3_ACCESS_KEY, "the S3 access key id"));
        }
        if (s3SecretKey == null || s3SecretKey.isBlank()) {
            problems.add(missing(ServiceConfigLoader.S3_SECRET_KEY, "the S3 secret key"));
        }
        if (s3Bucket == null || !BUCKET.matcher(s3Bucket).matches() || s3Bucket.contains("..")) {
            problems.add(problem(ServiceConfigLoader.S3_BUCKET, s3Bucket, "must be a valid S3 bucket name (3-63 of a-z 0-9 . -)"));
        }
        if (httpPort < 0 || httpPort > 65535) {
            problems.add(problem(ServiceConfigLoader.HTTP_PORT, Integer.toString(httpPort), "must be 0..65535 (0 picks a free port)"));
        }
        if (maxAttempts < 1) {
            problems.add(problem(ServiceConfigLoader.MAX_ATTEMPTS, Integer.toString(maxAttempts), "must be >= 1"));
        }
        if (backoff == null) {
            problems.add("backoff: must not be null");
        }
        if (topicReplication < 1) {
            problems.add(problem(ServiceConfigLoader.TOPIC_REPLICATION, Short.toString(topicReplication), "must be >= 1"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
    }

    /** The consumer group a loop joins unless it names another: the service name. */
    public String defaultGroupId() {
        return serviceName;
    }

    /** The Kafka client settings minus secrets, for logs. */
    public Map<String, String> kafkaPropertiesForDisplay() {
        Map<String, String> shown = new TreeMap<>();
        kafkaProperties.forEach((k, v) -> shown.put(k, SENSITIVE_KAFKA_KEY.matcher(k).matches() ? "****" : v));
        return shown;
    }

    /** Derives a copy with another service name (tests, and processes that host more than one service). */
    public ServiceConfig withServiceName(String name) {
        return new ServiceConfig(name, workerId, kafkaBootstrap, s3Endpoint, s3Region, s3AccessKey, s3SecretKey, s3Bucket,
                httpPort, maxAttempts, backoff, topicReplication, kafkaProperties);
    }

    public ServiceConfig withHttpPort(int port) {
        return new ServiceConfig(serviceName, workerId, kafkaBootstrap, s3Endpoint, s3Region, s3AccessKey, s3SecretKey, s3Bucket,
                port, maxAttempts, backoff, topicReplication, kafkaProperties);
    }

    public ServiceConfig withRetries(int attempts, BackoffPolicy policy) {
        return new ServiceConfig(serviceName, workerId, kafkaBootstrap, s3Endpoint, s3Region, s3AccessKey, s3SecretKey, s3Bucket,
                httpPort, attempts, policy, topicReplication, kafkaProperties);
    }

    public ServiceConfig withKafkaProperties(Map<String, String> props) {
        return new ServiceConfig(serviceName, workerId, kafkaBootstrap, s3Endpoint, s3Region, s3AccessKey, s3SecretKey, s3Bucket,
                httpPort, maxAttempts, backoff, topicReplication, props);
    }

    @Override
    public String toString() {
        return "ServiceConfig[serviceName=" + serviceName + ", workerId=" + workerId + ", kafkaBootstrap=" + kafkaBootstrap
                + ", s3Endpoint=" + s3Endpoint + ", s3Region=" + s3Region + ", s3AccessKey=" + s3AccessKey
                + ", s3SecretKey=" + s3SecretKey + ", s3Bucket=" + s3Bucket + ", httpPort=" + httpPort
                + ", maxAttempts=" + maxAttempts + ", backoff=" + backoff + ", topicReplication=" + topicReplication
                + ", kafkaProperties=" + kafkaPropertiesForDisplay() + "]";
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static String missing(ServiceConfigLoader.Setting s, String what) {
        return s.env() + " is not set: set it (or " + s.flag() + ") to " + what;
    }

    static String problem(ServiceConfigLoader.Setting s, String value, String rule) {
        String shown = s.secret() ? "****" : value;
        return s.env() + "=" + (shown == null ? "<unset>" : "'" + shown + "'") + " " + rule + " (flag " + s.flag() + ")";
    }
}
