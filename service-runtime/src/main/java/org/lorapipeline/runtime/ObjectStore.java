package org.lorapipeline.runtime;

import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.lorapipeline.events.ObjectRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's bulk storage on S3 (MinIO, s3proxy, AWS) through minio-java. Every object written here carries
 * its SHA-256 as user metadata ({@code x-amz-meta-sha256}), so:
 * <ul>
 *   <li>puts are idempotent: the same bytes under the same key are not uploaded again (a retried handler costs a
 *       HEAD, not a re-upload of a checkpoint);</li>
 *   <li>reads verify: a download whose bytes do not hash to the {@link ObjectRef}'s sha256 fails with
 *       {@link ChecksumMismatchException}, and the partial file is deleted without touching the target.</li>
 * </ul>
 * Everything streams (files are read twice from disk rather than held in memory; minio-java does multipart).
 */
public final class ObjectStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);
    static final String SHA_META = "sha256";
    private static final String OCTET_STREAM = "application/octet-stream";
    /** Part size for uploads of unknown length: bounds minio-java's per-part buffer. */
    private static final long STREAM_PART_SIZE = 16L << 20;
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound");
    private static final Set<String> PERMANENT = Set.of("NoSuchBucket", "AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "InvalidBucketName", "InvalidArgument", "EntityTooLarge", "MethodNotAllowed");

    private final MinioClient client;
    private final String bucket;

    public ObjectStore(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    public static ObjectStore connect(ServiceConfig config) {
        MinioClient client = MinioClient.builder()
                .endpoint(config.s3Endpoint())
                .region(config.s3Region())
                .credentials(config.s3AccessKey(), config.s3SecretKey().reveal())
                .build();
        return new ObjectStore(client, config.s3Bucket());
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket unless it exists; safe when several services start at once. */
    public void ensureBucket() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                log.info("created bucket {}", bucket);
            }
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw translate("create bucket", "", e);
            }
        } catch (MinioException e) {
            throw translate("create bucket", "", e);
        } catch (RuntimeException e) {
            throw transport("create bucket", bucket, "", e);
        }
    }

    /** Throws with the reason when the bucket cannot be reached; the readiness probe calls this. */
    public void probe() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                throw new ObjectStoreException("bucket " + bucket + " does not exist; create it or set LORA_S3_BUCKET", false, null);
            }
        } catch (MinioException e) {
            throw translate("reach bucket", "", e);
        } catch (RuntimeException e) {
            throw transport("reach bucket", bucket, "", e);
        }
    }

    public ObjectRef putFile(String key, Path file) {
        return putFile(key, file, OCTET_STREAM);
    }

    /**
     * Uploads a local file. The checksum is taken first (it decides whether the upload can be skipped) and again
     * on the bytes as they are sent, so a file that changes mid-upload is caught instead of stored under the
     * wrong checksum.
     */
    public ObjectRef putFile(String key, Path file, String contentType) {
        checkKey(key);
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException("cannot upload " + file.toAbsolutePath() + ": not a readable file"));
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
        String sha = Sha256.of(file);
        ObjectRef ref = ref(key, sha, size);
        if (sameContent(key, sha, size)) {
            log.debug("s3://{}/{} already holds sha256 {}, not uploading again", bucket, key, sha);
            return ref;
        }
        MessageDigest sent = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sent)) {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(in, size, null)
                    .contentType(contentType)
                    .userMetadata(Map.of(SHA_META, sha))
                    .build());
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read " + file.toAbsolutePath() + " while uploading to s3://" + bucket + "/" + key, true, e);
        } catch (MinioException e) {
            throw translate("upload to", key, e);
        } catch (RuntimeException e) {
            throw transport("upload to", bucket, key, e);
        }
        String sentSha = Sha256.hex(sent);
        if (!sentSha.equals(sha)) {
            delete(key);
            throw new ObjectStoreException(file.toAbsolutePath() + " changed while it was uploaded to s3://" + bucket + "/" + key
                    + " (sha256 " + sha + " before, " + sentSha + " sent); the object was removed, upload it again", true, null);
        }
        log.debug("uploaded {} ({} bytes) to s3://{}/{}", file, size, bucket, key);
        return ref;
    }

    public ObjectRef putBytes(String key, byte[] bytes) {
        return putBytes(key, bytes, OCTET_STREAM);
    }

    /** For small objects already in memory (manifests, configs, markers). */
    public ObjectRef putBytes(String key, byte[] bytes, String contentType) {
        checkKey(key);
        String sha = Sha256.of(bytes);
        ObjectRef ref = ref(key, sha, bytes.length);
        if (sameContent(key, sha, bytes.length)) {
            return ref;
        }
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .data(bytes, bytes.length)
                    .contentType(contentType)
                    .userMetadata(Map.of(SHA_META, sha))
                    .build());
        } catch (MinioException e) {
            throw translate("upload to", key, e);
        } catch (RuntimeException e) {
            throw transport("upload to", bucket, key, e);
        }
        return ref;
    }

    /**
     * Creates a small object only if none exists under {@code key}, with an S3 conditional write
     * ({@code If-None-Match: *}, answered 412 when the key exists); returns false when it existed. Servers without
     * conditional writes ignore the header, so callers that need a real compare-and-set read the object back
     * (the earlier existence check then leaves only a small window for two creators).
     */
    public boolean putIfAbsent(String key, byte[] bytes, String contentType) {
        checkKey(key);
        if (exists(key)) {
            return false;
        }
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .data(bytes, bytes.length)
                    .contentType(contentType)
                    .headers(Map.of("If-None-Match", "*"))
                    .userMetadata(Map.of(SHA_META, Sha256.of(bytes)))
                    .build());
            return true;
        } catch (ErrorResponseException e) {
            if ("PreconditionFailed".equals(e.errorResponse().code()) || (e.response() != null && e.response().code() == 412)) {
                return false;
            }
            throw translate("create", key, e);
        } catch (MinioException e) {
            throw translate("create", key, e);
        } catch (RuntimeException e) {
            throw transport("create", bucket, key, e);
        }
    }

    /**
     * Uploads a stream of unknown length. The SHA-256 is computed while the stream is spooled to a temporary file:
     * S3 needs the checksum before the upload starts (it travels as metadata), and the stream can be read only once.
     */
    public ObjectRef putStream(String key, InputStream in, String contentType) {
        checkKey(key);
        Path spool = null;
        try {
            spool = Files.createTempFile("lora-upload-", ".part");
            try (OutputStream out = Files.newOutputStream(spool)) {
                in.transferTo(out);
            }
            return putFile(key, spool, contentType);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot spool the upload for s3://" + bucket + "/" + key + ": " + e.getMessage(), true, e);
        } finally {
            deleteQuietly(spool);
        }
    }

    /**
     * Downloads {@code ref} to {@code target}, verifying size and SHA-256. The bytes go to a temporary file beside
     * the target and replace it only once verified; on a mismatch the temporary file is deleted and the target (if
     * any) is left as it was. A target that already holds the right bytes is not downloaded again.
     */
    public Path getToFile(ObjectRef ref, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(target) && Files.size(target) == ref.getSizeBytes()
                    && Sha256.of(target).equals(ref.getSha256())) {
                return target;
            }
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
            MessageDigest digest = Sha256.newDigest();
            long copied;
            try (InputStream in = new DigestInputStream(open(ref.getBucket(), ref.getKey()), digest)) {
                copied = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = Sha256.hex(digest);
            if (!actual.equals(ref.getSha256()) || copied != ref.getSizeBytes()) {
                throw new ChecksumMismatchException(ref.getBucket(), ref.getKey(), ref.getSha256(), actual,
                        copied != ref.getSizeBytes() ? "expected " + ref.getSizeBytes() + " bytes, got " + copied : null);
            }
            moveIntoPlace(tmp, target);
            tmp = null;
            return target;
        } catch (IOException e) {
            throw new ObjectStoreException("cannot download s3://" + ref.getBucket() + "/" + ref.getKey() + " to "
                    + target.toAbsolutePath() + ": " + e.getMessage(), true, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Reads a small object fully and verifies it. */
    public byte[] getBytes(ObjectRef ref) {
        if (ref.getSizeBytes() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("s3://" + ref.getBucket() + "/" + ref.getKey() + " is " + ref.getSizeBytes()
                    + " bytes, too big for memory; use getToFile");
        }
        byte[] bytes;
        try (InputStream in = open(ref.getBucket(), ref.getKey())) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read s3://" + ref.getBucket() + "/" + ref.getKey() + ": " + e.getMessage(), true, e);
        }
        String actual = Sha256.of(bytes);
        if (!actual.equals(ref.getSha256()) || bytes.length != ref.getSizeBytes()) {
            throw new ChecksumMismatchException(ref.getBucket(), ref.getKey(), ref.getSha256(), actual,
                    bytes.length != ref.getSizeBytes() ? "expected " + ref.getSizeBytes() + " bytes, got " + bytes.length : null);
        }
        return bytes;
    }

    /** The object's reference (checksum from its metadata), or empty when there is no such object. */
    public Optional<ObjectRef> stat(String key) {
        return head(key).map(h -> {
            String sha = h.userMetadata().getFirst(SHA_META);
            if (!Sha256.isHex(sha)) {
                throw new ObjectStoreException("s3://" + bucket + "/" + key + " has no sha256 metadata (it was not written by "
                        + "lora-pipeline); upload it again with `lora` or ObjectStore", false, null);
            }
            return ref(key, sha, h.size());
        });
    }

    public boolean exists(String key) {
        return head(key).isPresent();
    }

    /** Every object whose key starts with {@code prefix}, in key order. */
    public List<ObjectInfo> list(String prefix) {
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
                Item item = r.get();
                if (!item.isDir()) {
                    Instant modified = item.lastModified() == null ? Instant.EPOCH : item.lastModified().toInstant();
                    out.add(new ObjectInfo(item.objectName(), item.size(), modified));
                }
            }
        } catch (MinioException e) {
            throw translate("list", prefix + "*", e);
        } catch (RuntimeException e) {
            throw transport("list", bucket, prefix + "*", e);
        }
        return out;
    }

    /**
     * Server-side copy within or across buckets; the checksum metadata travels with it. The source must still hold
     * the bytes {@code source} names; a target that already holds them is left alone.
     */
    public ObjectRef copy(ObjectRef source, String targetKey) {
        checkKey(targetKey);
        ObjectRef target = ref(targetKey, source.getSha256(), source.getSizeBytes());
        if (sameContent(targetKey, source.getSha256(), source.getSizeBytes())) {
            return target;
        }
        StatObjectResponse src = headIn(source.getBucket(), source.getKey())
                .orElseThrow(() -> new ObjectStoreException("cannot copy s3://" + source.getBucket() + "/" + source.getKey()
                        + ": no such object", false, null));
        String srcSha = src.userMetadata().getFirst(SHA_META);
        if (!source.getSha256().equals(srcSha) || src.size() != source.getSizeBytes()) {
            throw new ChecksumMismatchException(source.getBucket(), source.getKey(), source.getSha256(), String.valueOf(srcSha),
                    "per the source object's metadata, size " + src.size());
        }
        try {
            client.copyObject(CopyObjectArgs.builder().bucket(bucket).object(targetKey)
                    .source(SourceObject.builder().bucket(source.getBucket()).object(source.getKey()).build())
                    .build());
        } catch (MinioException e) {
            throw translate("copy s3://" + source.getBucket() + "/" + source.getKey() + " to", targetKey, e);
        } catch (RuntimeException e) {
            throw transport("copy s3://" + source.getBucket() + "/" + source.getKey() + " to", bucket, targetKey, e);
        }
        return target;
    }

    public void delete(String key) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (MinioException e) {
            throw translate("delete", key, e);
        } catch (RuntimeException e) {
            throw transport("delete", bucket, key, e);
        }
    }

    /** An unverified stream of the object's bytes; prefer {@link #getToFile} or {@link #getBytes}, which verify. */
    public InputStream open(String bucketName, String key) {
        try {
            GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(bucketName).object(key).build());
            return in;
        } catch (MinioException e) {
            throw translate("read", bucketName, key, e);
        } catch (RuntimeException e) {
            throw transport("read", bucketName, key, e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            log.debug("closing the S3 client failed", e);
        }
    }

    private ObjectRef ref(String key, String sha, long size) {
        return ObjectRef.newBuilder().setBucket(bucket).setKey(key).setSha256(sha).setSizeBytes(size).build();
    }

    private boolean sameContent(String key, String sha, long size) {
        return head(key).map(h -> h.size() == size && sha.equals(h.userMetadata().getFirst(SHA_META))).orElse(false);
    }

    private Optional<StatObjectResponse> head(String key) {
        return headIn(bucket, key);
    }

    private Optional<StatObjectResponse> headIn(String bucketName, String key) {
        try {
            return Optional.of(client.statObject(StatObjectArgs.builder().bucket(bucketName).object(key).build()));
        } catch (ErrorResponseException e) {
            if (isNotFound(e)) {
                return Optional.empty();
            }
            throw translate("stat", bucketName, key, e);
        } catch (MinioException e) {
            throw translate("stat", bucketName, key, e);
        } catch (RuntimeException e) {
            throw transport("stat", bucketName, key, e);
        }
    }

    private static boolean isNotFound(ErrorResponseException e) {
        return NOT_FOUND.contains(e.errorResponse().code()) || (e.response() != null && e.response().code() == 404
                && !"NoSuchBucket".equals(e.errorResponse().code()));
    }

    private ObjectStoreException translate(String op, String key, MinioException e) {
        return translate(op, bucket, key, e);
    }

    static ObjectStoreException translate(String op, String bucketName, String key, MinioException e) {
        String where = "s3://" + bucketName + "/" + key;
        if (e instanceof ErrorResponseException er) {
            String code = er.errorResponse().code();
            int status = er.response() == null ? 0 : er.response().code();
            boolean retryable = !PERMANENT.contains(code) && !NOT_FOUND.contains(code) && (status >= 500 || status == 429
                    || "SlowDown".equals(code) || "RequestTimeout".equals(code) || "InternalError".equals(code));
            String hint = switch (code) {
                case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied" ->
                        "; check LORA_S3_ACCESS_KEY / LORA_S3_SECRET_KEY and the bucket policy";
                case "NoSuchBucket" -> "; create the bucket or set LORA_S3_BUCKET";
                default -> "";
            };
            return new ObjectStoreException("cannot " + op + " " + where + ": " + code + " (HTTP " + status + ") "
                    + er.errorResponse().message() + hint, retryable, e);
        }
        Throwable cause = e.getCause() == null ? e : e.getCause();
        // Transport trouble (connection refused, reset, timeout) is what retries are for.
        boolean retryable = cause instanceof IOException || e instanceof io.minio.errors.ServerException;
        return new ObjectStoreException("cannot " + op + " " + where + ": " + cause.getClass().getSimpleName() + ": "
                + e.getMessage() + (retryable ? " (is LORA_S3_ENDPOINT reachable?)" : ""), retryable, e);
    }

    /**
     * minio-java 9 reports transport failures (connection refused, reset) as unchecked exceptions wrapping the
     * IOException; those are the retryable ones. Our own exceptions and programming errors pass through.
     */
    static RuntimeException transport(String op, String bucketName, String key, RuntimeException e) {
        if (e instanceof ObjectStoreException) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return new ObjectStoreException("cannot " + op + " s3://" + bucketName + "/" + key + ": " + io
                        + " (is LORA_S3_ENDPOINT reachable?)", true, e);
            }
        }
        return e;
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.length() > 1024) {
            throw new IllegalArgumentException("object key must be 1-1024 characters and not start with '/', got '" + key + "'");
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("could not delete temporary file {}: {}", p, e.getMessage());
            }
        }
    }
}
