package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

@RealStack
class ObjectStoreIT {
    private final TestStack stack;
    private final ObjectStore store;
    private final String prefix;

    @TempDir
    Path dir;

    ObjectStoreIT(TestStack stack) {
        this.stack = stack;
        this.store = ObjectStore.connect(ItSupport.config(stack, "store-it"));
        this.prefix = stack.uniqueId("store-it") + "/";
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A file of pseudo-random bytes, hashed on the side with the JDK's digest while writing it. */
    private String writeRandom(Path file, long size, long seed) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                random.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void multipartFileRoundTripCarriesTheChecksum() throws Exception {
        Path src = dir.resolve("checkpoint.safetensors");
        String expectedSha = writeRandom(src, 12L << 20, 1); // 12 MiB: more than one 5 MiB part
        ObjectRef ref = store.putFile(prefix + "runs/r1/checkpoint.safetensors", src);
        assertThat(ref.getSha256()).isEqualTo(expectedSha);
        assertThat(ref.getSizeBytes()).isEqualTo(12L << 20);
        assertThat(ref.getBucket()).isEqualTo(stack.endpoints().bucket());
        assertThat(store.stat(ref.getKey())).hasValue(ref);

        Path back = dir.resolve("back/checkpoint.safetensors");
        store.getToFile(ref, back);
        assertThat(Files.mismatch(src, back)).isEqualTo(-1);
    }

    @Test
    void puttingTheSameBytesAgainIsANoOp() throws Exception {
        Path src = dir.resolve("a.bin");
        writeRandom(src, 1000, 2);
        String key = prefix + "same.bin";
        ObjectRef first = store.putFile(key, src);
        var before = store.list(key).get(0).lastModified();
        Thread.sleep(1100); // S3 timestamps have second resolution
        ObjectRef second = store.putFile(key, src);
        assertThat(second).isEqualTo(first);
        assertThat(store.list(key).get(0).lastModified()).as("not uploaded again").isEqualTo(before);

        writeRandom(src, 1000, 3); // different bytes under the same key do replace the object
        ObjectRef third = store.putFile(key, src);
        assertThat(third.getSha256()).isNotEqualTo(first.getSha256());
        assertThat(store.stat(key)).hasValue(third);
    }

    @Test
    void shaMismatchNamesKeyAndHashesAndLeavesTheTargetAlone() throws Exception {
        String key = prefix + "captions.json";
        ObjectRef real = store.putBytes(key, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "application/json");
        // the event promised other bytes (the object was replaced after the event was written)
        ObjectRef promised = ObjectRef.newBuilder(real).setSha256("0".repeat(64)).build();
        Path target = dir.resolve("captions.json");
        Files.writeString(target, "previous good copy");

        ChecksumMismatchException e = catchThrowableOfType(ChecksumMismatchException.class, () -> store.getToFile(promised, target));
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.expectedSha256()).isEqualTo("0".repeat(64));
        assertThat(e.actualSha256()).isEqualTo(real.getSha256());
        assertThat(e.getMessage()).contains(key).contains("0".repeat(64)).contains(real.getSha256());
        assertThat(Files.readString(target)).isEqualTo("previous good copy");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("captions.json");
        }
        assertThat(catchThrowableOfType(ChecksumMismatchException.class, () -> store.getBytes(promised)).key()).isEqualTo(key);
        assertThat(ErrorClassifier.isRetryable(e)).isFalse();
    }

    @Test
    void aTruncatedRefIsAMismatchToo() {
        ObjectRef real = store.putBytes(prefix + "x.txt", "hello".getBytes(StandardCharsets.UTF_8));
        ObjectRef wrongSize = ObjectRef.newBuilder(real).setSizeBytes(3).build();
        ChecksumMismatchException e = catchThrowableOfType(ChecksumMismatchException.class,
                () -> store.getToFile(wrongSize, dir.resolve("x.txt")));
        assertThat(e.getMessage()).contains("expected 3 bytes, got 5");
        assertThat(dir.resolve("x.txt")).doesNotExist();
    }

    @Test
    void streamsOfUnknownLengthListExistsCopyDelete() throws Exception {
        byte[] data = new byte[300_000];
        new Random(4).nextBytes(data);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        InputStream in = new DigestInputStream(new ByteArrayInputStream(data), md);
        ObjectRef streamed = store.putStream(prefix + "ds/img01.png", in, "image/png");
        assertThat(streamed.getSha256()).isEqualTo(HexFormat.of().formatHex(md.digest()));
        assertThat(store.getBytes(streamed)).isEqualTo(data);

        store.putBytes(prefix + "ds/img02.png", new byte[] {1});
        store.putBytes(prefix + "other/x", new byte[] {2});
        assertThat(store.list(prefix + "ds/")).extracting(ObjectInfo::key)
                .containsExactly(prefix + "ds/img01.png", prefix + "ds/img02.png");
        assertThat(store.list(prefix + "ds/").get(0).sizeBytes()).isEqualTo(300_000);

        ObjectRef copy = store.copy(streamed, prefix + "copy/img01.png");
        assertThat(copy.getSha256()).isEqualTo(streamed.getSha256());
        assertThat(store.stat(copy.getKey())).hasValue(copy);
        assertThat(store.getBytes(copy)).isEqualTo(data);

        assertThat(store.exists(copy.getKey())).isTrue();
        store.delete(copy.getKey());
        assertThat(store.exists(copy.getKey())).isFalse();
        assertThat(store.stat(copy.getKey())).isEmpty();
    }

    @Test
    void aMissingObjectIsNotRetryableAndNamesTheKey() {
        ObjectRef missing = ObjectRef.newBuilder().setBucket(store.bucket()).setKey(prefix + "nope").setSha256("a".repeat(64))
                .setSizeBytes(1).build();
        ObjectStoreException e = catchThrowableOfType(ObjectStoreException.class, () -> store.getBytes(missing));
        assertThat(e.getMessage()).contains(prefix + "nope").contains("NoSuchKey");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void anUnreachableEndpointIsRetryable() {
        ServiceConfig c = ItSupport.config(stack, "store-it");
        ServiceConfig dead = new ServiceConfig(c.serviceName(), c.workerId(), c.kafkaBootstrap(), "http://127.0.0.1:1", c.s3Region(),
                c.s3AccessKey(), c.s3SecretKey(), c.s3Bucket(), 0, 1, c.backoff(), (short) 1, c.kafkaProperties());
        try (ObjectStore unreachable = ObjectStore.connect(dead)) {
            ObjectStoreException e = catchThrowableOfType(ObjectStoreException.class, unreachable::probe);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("LORA_S3_ENDPOINT");
        }
    }
}
