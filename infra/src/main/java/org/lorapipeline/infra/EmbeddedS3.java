package org.lorapipeline.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 endpoint in this JVM: s3proxy serving a filesystem blob store under {@code <dataDir>/s3}, with AWS
 * signature v4 auth and path-style addressing ({@code http://127.0.0.1:9000/<bucket>/<key>}). Each bucket is a
 * folder and each object a file, so the data survives a restart.
 *
 * <p>s3proxy 4 has its own NIO2 filesystem store (it no longer uses jclouds); that is what runs here.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);

    /** The region clients should sign for; s3proxy accepts any, this one needs no location constraint. */
    public static final String REGION = "us-east-1";
    private static final String HOST = "127.0.0.1";
    private static final int RANDOM_PORT_ATTEMPTS = 5;
    private static final long STOP_TIMEOUT_MS = 1_000;

    private final S3Proxy proxy;
    private final BlobStore store;
    private final Path root;
    private final S3Credentials credentials;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedS3(S3Proxy proxy, BlobStore store, Path root, S3Credentials credentials) {
        this.proxy = proxy;
        this.store = store;
        this.root = root;
        this.credentials = credentials;
    }

    /**
     * Starts the S3 server with objects under {@code <dataDir>/s3} and makes sure {@code bucket} exists.
     *
     * @param port the HTTP port on 127.0.0.1, or 0 for a random free one
     */
    public static EmbeddedS3 start(Path dataDir, int port, S3Credentials credentials, String bucket) {
        FreePorts.checkRange("s3 port", port);
        Buckets.check(bucket);
        Path root = dataDir.toAbsolutePath().normalize().resolve("s3");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the S3 data directory " + root + "; check that the data dir is writable", e);
        }
        BlobStore store = new FilesystemNio2BlobStore(root.toString());
        int attempts = port == 0 ? RANDOM_PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            int bindPort = port == 0 ? FreePorts.pick() : port;
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(store)
                    .endpoint(URI.create("http://" + HOST + ":" + bindPort))
                    .awsAuthentication(AuthenticationType.AWS_V4, credentials.accessKey(), credentials.secretKey())
                    // s3proxy waits up to 30 s for clients' pooled connections on stop; a dev stack should stop at once
                    .stopTimeout(STOP_TIMEOUT_MS)
                    .build();
            try {
                proxy.start();
                awaitStarted(proxy, Duration.ofSeconds(30));
            } catch (Exception e) {
                stopQuietly(proxy);
                if (FreePorts.isBindFailure(e) && attempt < attempts) {
                    continue;
                }
                if (FreePorts.isBindFailure(e)) {
                    throw new IllegalStateException("S3 server could not listen on " + HOST + ":" + bindPort
                            + ": the port is in use. Stop the other server or pick another port (lora up --s3-port N)", e);
                }
                throw new IllegalStateException("S3 server failed to start on " + root + ": " + e.getMessage(), e);
            }
            EmbeddedS3 s3 = new EmbeddedS3(proxy, store, root, credentials);
            s3.ensureBucket(bucket);
            log.info("S3 ready at {} (bucket {}, access key {}, data {})", s3.endpoint(), bucket, credentials.accessKey(), root);
            return s3;
        }
    }

    private static void awaitStarted(S3Proxy proxy, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy still " + proxy.getState() + " after " + timeout);
            }
            Thread.sleep(10);
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            log.debug("cleanup after a failed start also failed", e);
        }
    }

    /** Creates the bucket unless it exists; returns true when it was created. */
    public boolean ensureBucket(String bucket) {
        Buckets.check(bucket);
        if (store.containerExists(bucket)) {
            return false;
        }
        store.createContainer(bucket);
        log.debug("created bucket {}", bucket);
        return true;
    }

    /** {@code http://127.0.0.1:<port>}; clients must use path-style addressing. */
    public URI endpoint() {
        return URI.create("http://" + HOST + ":" + port());
    }

    public int port() {
        return proxy.getPort();
    }

    public S3Credentials credentials() {
        return credentials;
    }

    /** {@code <dataDir>/s3}: one folder per bucket. */
    public Path storageDir() {
        return root;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            String endpoint = endpoint().toString();
            try {
                proxy.stop();
            } catch (java.util.concurrent.TimeoutException e) {
                // Jetty's graceful stop gave pooled client connections STOP_TIMEOUT_MS, then closed them and stopped.
                log.debug("S3 at {} closed lingering client connections on stop", endpoint);
            } catch (Exception e) {
                throw new IllegalStateException("S3 server at " + endpoint + " did not stop cleanly", e);
            } finally {
                store.close();
            }
            log.info("S3 at {} stopped", endpoint);
        }
    }
}
