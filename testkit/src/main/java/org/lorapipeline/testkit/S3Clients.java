package org.lorapipeline.testkit;

import io.minio.MinioClient;
import org.lorapipeline.infra.EmbeddedS3;
import org.lorapipeline.infra.StackEndpoints;

/** S3 clients for a stack, so tests talk to it the way services do: signed v4 requests, path-style URLs. */
public final class S3Clients {
    private S3Clients() {}

    /** A minio-java client for the stack's endpoint and keys; the region is fixed so no location lookup is made. */
    public static MinioClient minio(StackEndpoints endpoints) {
        return MinioClient.builder()
                .endpoint(endpoints.s3Endpoint().toString())
                .credentials(endpoints.accessKey(), endpoints.secretKey())
                .region(EmbeddedS3.REGION)
                .build();
    }
}
