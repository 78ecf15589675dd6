package org.lorapipeline.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in this JVM: one KRaft node that is both broker and controller, started from the
 * server jars exactly as {@code kafka-server-start.sh} would, with storage under {@code <dataDir>/kafka}.
 *
 * <p>The storage is formatted once; later starts on the same directory reuse it, so topics, records and committed
 * offsets survive a restart. The cluster id lives in {@code <dataDir>/kafka/cluster.id} beside the log directory.
 * The controller listener always gets a random port: with a static voter set the port is only configuration,
 * never stored, so it may change between starts.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";
    private static final int RANDOM_PORT_ATTEMPTS = 5;

    private final KafkaRaftServer server;
    private final Path root;
    private final String clusterId;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, Path root, String clusterId, int port) {
        this.server = server;
        this.root = root;
        this.clusterId = clusterId;
        this.port = port;
    }

    /**
     * Starts a broker whose storage lives in {@code <dataDir>/kafka}.
     *
     * @param port the PLAINTEXT port on 127.0.0.1, or 0 for a random free one
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        FreePorts.checkRange("kafka port", port);
        Path root = dataDir.toAbsolutePath().normalize().resolve("kafka");
        Path logDir = root.resolve("data");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the Kafka data directory " + logDir
                    + "; check that the data dir is writable", e);
        }
        String clusterId = formatIfNeeded(root, logDir);
        int attempts = port == 0 ? RANDOM_PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            int brokerPort = port == 0 ? FreePorts.pick() : port;
            int controllerPort = FreePorts.pick();
            KafkaRaftServer server = new KafkaRaftServer(
                    KafkaConfig.fromProps(toProperties(brokerConfig(logDir, brokerPort, controllerPort)), false), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                stopQuietly(server);
                if (FreePorts.isBindFailure(e) && attempt < attempts) {
                    log.debug("port clash on attempt {}, retrying with other ports", attempt);
                    continue;
                }
                if (FreePorts.isBindFailure(e)) {
                    throw new IllegalStateException("Kafka could not listen on " + HOST + ":" + brokerPort
                            + " (or its controller port " + controllerPort + "): the port is in use. Stop the other "
                            + "broker or pick another port (lora up --kafka-port N)", e);
                }
                throw new IllegalStateException("Kafka broker failed to start from " + logDir + ": " + e.getMessage(), e);
            }
            EmbeddedKafka kafka = new EmbeddedKafka(server, root, clusterId, brokerPort);
            kafka.awaitReady(Duration.ofSeconds(60));
            log.info("Kafka {} ready at {} (cluster {}, data {})", kafkaVersion(), kafka.bootstrapServers(), clusterId, logDir);
            return kafka;
        }
    }

    /** The broker settings for a one-node dev cluster; every replication knob is 1 because there is one replica. */
    static Map<String, String> brokerConfig(Path logDir, int brokerPort, int controllerPort) {
        Map<String, String> config = new TreeMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", BROKER_LISTENER);
        config.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        config.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("log.dirs", logDir.toString());
        config.put("metadata.log.dir", logDir.toString());

        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "6");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "6");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("min.insync.replicas", "1");
        config.put("default.replication.factor", "1");
        // Topics come from the catalog only; a typo in a topic name must fail, not create a new topic.
        config.put("auto.create.topics.enable", "false");
        // No other members will join a dev group, so do not wait 3 s for them.
        config.put("group.initial.rebalance.delay.ms", "0");

        // A laptop or CI runner with a couple of cores: fewer threads and a small cleaner buffer (default 128 MiB).
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");
        config.put("background.threads", "4");
        config.put("num.recovery.threads.per.data.dir", "2");
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        config.put("log.cleaner.threads", "1");
        // Shut down promptly: there is no other replica to hand leadership to.
        config.put("controlled.shutdown.enable", "true");
        config.put("server.max.startup.time.ms", Long.toString(TimeUnit.MINUTES.toMillis(2)));
        return config;
    }

    /** Formats the storage on first use; afterwards checks that the stored cluster id is the one we recorded. */
    private static String formatIfNeeded(Path root, Path logDir) {
        Path idFile = root.resolve("cluster.id");
        Path meta = logDir.resolve("meta.properties");
        try {
            String recorded = Files.exists(idFile) ? Files.readString(idFile, StandardCharsets.UTF_8).trim() : null;
            if (Files.exists(meta)) {
                String stored = readClusterId(meta);
                if (recorded != null && !recorded.equals(stored)) {
                    throw new IllegalStateException("Kafka data in " + logDir + " belongs to cluster " + stored + " but "
                            + idFile + " says " + recorded + "; restore the original data dir or delete " + root + " to start empty");
                }
                if (recorded == null) {
                    Files.writeString(idFile, stored + "\n", StandardCharsets.UTF_8);
                }
                log.debug("reusing formatted Kafka storage {} (cluster {})", logDir, stored);
                return stored;
            }
            String clusterId = recorded != null ? recorded : Uuid.randomUuid().toString();
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(false)
                    .run();
            Files.writeString(idFile, clusterId + "\n", StandardCharsets.UTF_8);
            log.info("formatted Kafka storage {} for cluster {} (metadata version {})", logDir, clusterId, MetadataVersion.LATEST_PRODUCTION);
            return clusterId;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare Kafka storage in " + logDir, e);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static String readClusterId(Path meta) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            props.load(in);
        }
        String id = props.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new IllegalStateException(meta + " has no cluster.id; the Kafka storage is damaged, delete "
                    + meta.getParent() + " to start empty");
        }
        return id;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        close();
                        throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                    }
                    if (System.nanoTime() > deadline) {
                        close();
                        throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " did not become ready within " + timeout, e);
                    }
                }
                sleep(100);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Properties toProperties(Map<String, String> config) {
        Properties props = new Properties();
        props.putAll(config);
        return props;
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.debug("cleanup after a failed start also failed", e);
        }
    }

    private static String kafkaVersion() {
        return org.apache.kafka.common.utils.AppInfoParser.getVersion();
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public String clusterId() {
        return clusterId;
    }

    /** {@code <dataDir>/kafka}: the cluster id file and the log directory. */
    public Path storageDir() {
        return root;
    }

    /** Shuts the broker down cleanly (flushes logs, writes the clean-shutdown marker) and waits for it. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            long start = System.nanoTime();
            server.shutdown();
            server.awaitShutdown();
            log.info("Kafka at {} stopped in {} ms", bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }
}
