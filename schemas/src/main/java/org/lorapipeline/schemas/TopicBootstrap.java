package org.lorapipeline.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates every catalog topic and its dead-letter twin; safe to run at every start-up and from many services. */
public final class TopicBootstrap {
    private TopicBootstrap() {}

    /** Returns the names that were newly created (empty when all existed already). */
    public static List<String> ensureTopics(Admin admin, short replication) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?> spec : Topics.ALL) {
                if (!existing.contains(spec.name())) {
                    missing.add(spec.newTopic(replication));
                }
                if (!existing.contains(spec.dlq())) {
                    missing.add(spec.newDlqTopic(replication));
                }
            }
            List<String> created = new ArrayList<>();
            var result = admin.createTopics(missing);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not reach the Kafka broker to create topics: " + e.getMessage(), e);
        }
    }
}
