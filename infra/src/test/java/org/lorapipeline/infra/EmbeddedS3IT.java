package org.lorapipeline.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3IT {
    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path dataDir;
    static EmbeddedS3 s3;
    static MinioClient client;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start(dataDir, 0, S3Credentials.generate(), "lora");
        client = minio(s3.credentials());
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    static MinioClient minio(S3Credentials credentials) {
        return MinioClient.builder().endpoint(s3.endpoint().toString())
                .credentials(credentials.accessKey(), credentials.secretKey()).region(EmbeddedS3.REGION).build();
    }

    @Test
    void defaultBucketExistsAndIsAFolder() throws Exception {
        assertThat(client.bucketExists(BucketExistsArgs.builder().bucket("lora").build())).isTrue();
        assertThat(client.bucketExists(BucketExistsArgs.builder().bucket("not-there").build())).isFalse();
        assertThat(s3.storageDir().resolve("lora")).isDirectory();
        assertThat(s3.ensureBucket("lora")).isFalse();
    }

    @Test
    void putStatGetListDelete() throws Exception {
        byte[] body = "{\"hello\":\"s3\"}\n".getBytes(StandardCharsets.UTF_8);
        String key = "datasets/ds-put/manifest.json";
        client.putObject(PutObjectArgs.builder().bucket("lora").object(key)
                .stream(new ByteArrayInputStream(body), (long) body.length, -1L)
                .contentType("application/json").build());

        var stat = client.statObject(StatObjectArgs.builder().bucket("lora").object(key).build());
        assertThat(stat.size()).isEqualTo(body.length);
        assertThat(stat.contentType()).isEqualTo("application/json");
        // a single-part ETag is the MD5 of the body
        assertThat(stat.etag()).isEqualTo(hex("MD5", body));
        assertThat(read(key)).isEqualTo(body);
        assertThat(keys("datasets/ds-put/")).containsExactly(key);
        assertThat(keys("datasets/other/")).isEmpty();

        client.removeObject(RemoveObjectArgs.builder().bucket("lora").object(key).build());
        assertThatThrownBy(() -> client.statObject(StatObjectArgs.builder().bucket("lora").object(key).build()))
                .isInstanceOfSatisfying(ErrorResponseException.class,
                        e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchKey"));
    }

    @Test
    void multipartUploadOfTwelveMebibytesComesBackByteExact() throws Exception {
        byte[] body = new byte[(int) (12 * MIB + 12_345)];
        new Random(7).nextBytes(body);
        String key = "runs/run-mpu/checkpoints/step-000500/adapter.safetensors";
        // 5 MiB parts force a three-part upload (5 + 5 + 2 MiB)
        client.putObject(PutObjectArgs.builder().bucket("lora").object(key)
                .stream(new ByteArrayInputStream(body), (long) body.length, 5 * MIB).build());

        var stat = client.statObject(StatObjectArgs.builder().bucket("lora").object(key).build());
        assertThat(stat.size()).isEqualTo(body.length);
        assertThat(stat.etag()).as("multipart ETag ends with the part count").endsWith("-3");
        String expected = hex("SHA-256", body);
        assertThat(hex("SHA-256", read(key))).isEqualTo(expected);
        // and the file s3proxy wrote is the same bytes, so the data really is on disk under the data dir
        assertThat(hex("SHA-256", Files.readAllBytes(s3.storageDir().resolve("lora").resolve(key)))).isEqualTo(expected);
    }

    @Test
    void refusesWrongSecretsAndAnonymousRequests() throws Exception {
        MinioClient wrong = minio(new S3Credentials(s3.credentials().accessKey(), "not-the-secret-key"));
        assertThatThrownBy(() -> wrong.bucketExists(BucketExistsArgs.builder().bucket("lora").build()))
                .isInstanceOf(ErrorResponseException.class);
        assertThatThrownBy(() -> wrong.makeBucket(MakeBucketArgs.builder().bucket("intruder").build()))
                .isInstanceOfSatisfying(ErrorResponseException.class,
                        e -> assertThat(e.errorResponse().code()).isEqualTo("SignatureDoesNotMatch"));

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(s3.endpoint() + "/lora/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(s3.storageDir().resolve("intruder")).doesNotExist();
    }

    @Test
    void createsFurtherBucketsOnRequest() throws Exception {
        assertThat(s3.ensureBucket("scratch-one")).isTrue();
        assertThat(client.bucketExists(BucketExistsArgs.builder().bucket("scratch-one").build())).isTrue();
        assertThatThrownBy(() -> s3.ensureBucket("Bad_Name")).hasMessageContaining("bucket must be");
    }

    private static byte[] read(String key) throws Exception {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("lora").object(key).build())) {
            return in.readAllBytes();
        }
    }

    private static List<String> keys(String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket("lora").prefix(prefix).recursive(true).build())) {
            keys.add(result.get().objectName());
        }
        return keys;
    }

    static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }
}
