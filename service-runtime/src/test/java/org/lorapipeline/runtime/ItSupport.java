package org.lorapipeline.runtime;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.lorapipeline.events.TrainingCancelRequested;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.testkit.TestStack;

/** Shared set-up of the runtime's ITs: service config from the stack, a private topic per test, waiting. */
final class ItSupport {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ItSupport() {}

    /** The environment a deployed service would get, plus fast retries and a free port. */
    static Map<String, String> serviceEnv(TestStack stack, String serviceName, String workerId) {
        Map<String, String> env = new HashMap<>(stack.environment());
        env.put("LORA_SERVICE_NAME", serviceName);
        env.put("LORA_WORKER_ID", workerId);
        env.put("LORA_HTTP_PORT", "0");
        env.put("LORA_MAX_ATTEMPTS", "3");
        env.put("LORA_BACKOFF_INITIAL_MS", "50");
        env.put("LORA_BACKOFF_MAX_MS", "200");
        // a member that dies is noticed after 6 s (the broker's minimum) instead of 45 s
        env.put("LORA_KAFKA_PROP_SESSION_TIMEOUT_MS", "6000");
        env.put("LORA_DATA_DIR", Path.of("target", "no-dev-stack-here").toString());
        return env;
    }

    static ServiceConfig config(TestStack stack, String serviceName) {
        return ServiceConfigLoader.load(serviceName, new String[0], serviceEnv(stack, serviceName, serviceName + "-w1"));
    }

    /**
     * A catalog-shaped topic (and DLQ twin) only this test uses, carrying TrainingCancelRequested events: a new
     * consumer group on a shared catalog topic would otherwise also receive every other test's events.
     */
    static TopicSpec<TrainingCancelRequested> privateTopic(TestStack stack, int partitions) throws Exception {
        StringBuilder noun = new StringBuilder("itloop");
        for (int i = 0; i < 10; i++) {
            noun.append((char) ('a' + RANDOM.nextInt(26)));
        }
        TopicSpec<TrainingCancelRequested> spec = new TopicSpec<>(noun + ".cancel-requested.v1", TrainingCancelRequested.class,
                partitions, Duration.ofDays(1), false, "test topic");
        stack.admin().createTopics(List.of(spec.newTopic((short) 1), spec.newDlqTopic((short) 1))).all().get(30, TimeUnit.SECONDS);
        return spec;
    }

    static long committed(TestStack stack, String group, TopicPartition tp) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = stack.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        OffsetAndMetadata o = offsets.get(tp);
        return o == null ? -1 : o.offset();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout + " for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** For conditions whose check itself talks to the stack. */
    interface Check {
        boolean holds() throws Exception;
    }

    static void awaitChecked(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout + " for " + what);
            }
            Thread.sleep(100);
        }
    }
}
