package org.lorapipeline.testkit;

import org.lorapipeline.infra.StackEndpoints;

/** A started Kafka + S3 pair, embedded or in containers; closing it stops everything and removes its files. */
public interface RunningStack extends AutoCloseable {
    StackEndpoints endpoints();

    /** {@code embedded} or {@code testcontainers}, for messages. */
    String kind();

    @Override
    void close();
}
