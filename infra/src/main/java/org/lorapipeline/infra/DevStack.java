package org.lorapipeline.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.lorapipeline.schemas.TopicBootstrap;
import org.lorapipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole dev stack in this JVM: a real Kafka broker and a real S3 server sharing one data directory, with every
 * catalog topic (and its dead-letter twin) created and the default bucket present.
 *
 * <p>Layout of the data directory: {@code kafka/} (cluster id + log dir), {@code s3/} (one folder per bucket),
 * {@code s3-credentials.properties} (keys reused across restarts), {@code stack.properties} (only while running) and
 * {@code .lock} (held while running, so two stacks never share a directory).
 */
public final class DevStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevStack.class);
    private static final String LOCK_FILE = ".lock";
    private static final String CREDENTIALS_FILE = "s3-credentials.properties";

    private final DataDirLock lock;
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final StackEndpoints endpoints;
    private final List<String> createdTopics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread shutdownHook;

    private DevStack(DataDirLock lock, EmbeddedKafka kafka, EmbeddedS3 s3, StackEndpoints endpoints, List<String> createdTopics) {
        this.lock = lock;
        this.kafka = kafka;
        this.s3 = s3;
        this.endpoints = endpoints;
        this.createdTopics = createdTopics;
    }

    /** Starts Kafka and S3 into {@code options.dataDir()}, creates the catalog topics and writes stack.properties. */
    public static DevStack start(DevStackOptions options) {
        Path dataDir = options.dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the data dir " + dataDir + "; choose a writable --data-dir", e);
        }
        DataDirLock lock = DataDirLock.acquire(dataDir.resolve(LOCK_FILE));
        EmbeddedKafka kafka = null;
        EmbeddedS3 s3 = null;
        try {
            S3Credentials credentials = credentials(dataDir, options.credentials());
            kafka = EmbeddedKafka.start(dataDir, options.kafkaPort());
            s3 = EmbeddedS3.start(dataDir, options.s3Port(), credentials, options.bucket());
            List<String> created;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    // new partitions become servable within a second or two; poll for that briskly
                    AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200))) {
                created = TopicBootstrap.ensureTopics(admin, (short) 1);
                awaitLeaders(admin, Topics.allNames(), Duration.ofSeconds(60));
            }
            StackEndpoints endpoints = new StackEndpoints(kafka.bootstrapServers(), s3.endpoint(),
                    credentials.accessKey(), credentials.secretKey(), options.bucket(), dataDir);
            endpoints.write();
            DevStack stack = new DevStack(lock, kafka, s3, endpoints, created);
            if (options.shutdownHook()) {
                stack.installShutdownHook();
            }
            log.info("dev stack up: {} ({} topics created)", endpoints, created.size());
            return stack;
        } catch (RuntimeException e) {
            closeQuietly(s3);
            closeQuietly(kafka);
            lock.release();
            throw e;
        }
    }

    /**
     * The endpoints of the stack running from {@code dataDir} in this or another process, if one runs. A
     * stack.properties left behind by a killed process is ignored because its lock is no longer held.
     */
    public static Optional<StackEndpoints> findRunning(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(StackEndpoints.FILE_NAME)) || !DataDirLock.isHeld(dir.resolve(LOCK_FILE))) {
            return Optional.empty();
        }
        return StackEndpoints.read(dir);
    }

    public StackEndpoints endpoints() {
        return endpoints;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedS3 s3() {
        return s3;
    }

    /** Topic names this start created (empty when the data dir already had them all). */
    public List<String> createdTopics() {
        return createdTopics;
    }

    /** Stops S3 and Kafka cleanly, removes stack.properties and frees the data dir. Safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread hook = shutdownHook;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting and the hook will find us closed
            }
        }
        RuntimeException failure = null;
        try {
            Files.deleteIfExists(endpoints.file());
        } catch (IOException e) {
            log.warn("could not delete {}; other commands may think the stack still runs until it is removed", endpoints.file(), e);
        }
        try {
            s3.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            kafka.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        lock.release();
        log.info("dev stack in {} stopped", endpoints.dataDir());
        if (failure != null) {
            throw failure;
        }
    }

    private void installShutdownHook() {
        Thread hook = new Thread(this::close, "lora-devstack-shutdown");
        shutdownHook = hook;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Explicit keys win and are remembered; otherwise the keys from the last start; otherwise new random keys. */
    private static S3Credentials credentials(Path dataDir, S3Credentials explicit) {
        Path file = dataDir.resolve(CREDENTIALS_FILE);
        try {
            if (explicit == null && Files.isRegularFile(file)) {
                Properties props = new Properties();
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    props.load(in);
                }
                try {
                    return new S3Credentials(props.getProperty("access.key"), props.getProperty("secret.key"));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "); delete it to get new keys", e);
                }
            }
            S3Credentials credentials = explicit != null ? explicit : S3Credentials.generate();
            Files.deleteIfExists(file);
            Files.createFile(file);
            StackEndpoints.restrictToOwner(file);
            Files.writeString(file, "# S3 keys of the lora dev stack in this folder\naccess.key=" + credentials.accessKey().replace("\\", "\\\\")
                    + "\nsecret.key=" + credentials.secretKey().replace("\\", "\\\\") + "\n", StandardCharsets.UTF_8);
            return credentials;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or write " + file, e);
        }
    }

    /**
     * Topic creation returns once the controller has recorded the topic; the broker takes a moment more to lead its
     * partitions. ListOffsets is served by the partition leader and the admin client retries it until the broker
     * answers, so once it succeeds for every partition the first producer gets no NOT_LEADER retries.
     */
    private static void awaitLeaders(Admin admin, List<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            Map<String, org.apache.kafka.clients.admin.TopicDescription> described = null;
            while (described == null) {
                try {
                    described = admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    // a topic just created may not be in the broker's metadata yet: ask again until the deadline
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                            || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            described.forEach((name, topic) ->
                    topic.partitions().forEach(p -> partitions.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) timeout.toMillis()))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topic leaders", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("catalog topics have no serving leader after " + timeout + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("cleanup after a failed start also failed", e);
        }
    }

    /** An OS file lock on {@code <dataDir>/.lock}, so a second stack on the same folder fails fast and clearly. */
    private record DataDirLock(Path file, FileChannel channel, FileLock lock) {
        static DataDirLock acquire(Path file) {
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    throw inUse(file, null);
                }
                return new DataDirLock(file, channel, lock);
            } catch (OverlappingFileLockException e) {
                closeChannel(channel);
                throw inUse(file, e);
            } catch (IOException e) {
                closeChannel(channel);
                throw new UncheckedIOException("could not lock " + file, e);
            } catch (RuntimeException e) {
                closeChannel(channel);
                throw e;
            }
        }

        static boolean isHeld(Path file) {
            if (!Files.exists(file)) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    return true;
                }
                lock.release();
                return false;
            } catch (OverlappingFileLockException e) {
                return true; // held by a stack in this JVM
            } catch (IOException e) {
                throw new UncheckedIOException("could not check " + file, e);
            }
        }

        private static IllegalStateException inUse(Path file, Exception cause) {
            Path dir = file.getParent();
            return new IllegalStateException("another lora dev stack is running from " + dir + " (see "
                    + dir.resolve(StackEndpoints.FILE_NAME) + "); stop it first or start this one with another --data-dir", cause);
        }

        private static void closeChannel(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
        }

        void release() {
            try {
                lock.release();
            } catch (IOException e) {
                log.debug("releasing {} failed", file, e);
            } finally {
                closeChannel(channel);
            }
        }
    }
}
