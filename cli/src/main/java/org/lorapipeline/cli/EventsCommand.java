package org.lorapipeline.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lora events [--follow]}: every pipeline event, one readable line each, oldest first. */
@Command(name = "events", description = "Print pipeline events (all topics, or one run), optionally following new ones.")
public final class EventsCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Mixin
    StackOptions stack;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until Ctrl-C.")
    boolean follow;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Only events of this run.")
    String runId;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Only this topic (repeatable); `.dlq` twins allowed.")
    List<String> topics;

    @Override
    public Integer call() {
        List<String> names = topics == null ? Topics.ALL.stream().map(TopicSpec::name).toList() : topics;
        for (String n : names) {
            if (Topics.byName(n).isEmpty()) {
                throw new UserException("unknown topic " + n + "; known: " + String.join(", ", Topics.allNames()));
            }
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints().bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String n : names) {
                consumer.partitionsFor(n, Duration.ofSeconds(15)).forEach(pi -> parts.add(new TopicPartition(n, pi.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            int idle = 0;
            while (follow || idle < 2) {
                var records = consumer.poll(Duration.ofMillis(500));
                idle = records.isEmpty() ? idle + 1 : 0;
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
                records.forEach(batch::add);
                batch.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
                for (var r : batch) {
                    if (runId == null || runId.equals(r.key())) {
                        System.out.println(format(r));
                    }
                }
                System.out.flush();
            }
        }
        return 0;
    }

    static String format(ConsumerRecord<String, byte[]> r) {
        String when = TIME.format(Instant.ofEpochMilli(r.timestamp()));
        TopicSpec<?> spec = Topics.byName(r.topic()).orElseThrow();
        String body;
        if (r.topic().endsWith(TopicSpec.DLQ_SUFFIX)) {
            var err = r.headers().lastHeader("lora.error.message");
            body = "DEAD LETTER " + (err == null ? "" : new String(err.value())) + " (" + r.value().length + " bytes)";
        } else {
            try {
                SpecificRecordBase event = spec.valueSerde().decode(r.value());
                body = event.getClass().getSimpleName() + " " + event;
            } catch (RuntimeException e) {
                body = "UNREADABLE " + e.getMessage();
            }
        }
        return when + "  " + r.topic() + "  " + r.key() + "  " + body;
    }
}
