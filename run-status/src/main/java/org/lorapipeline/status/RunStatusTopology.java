package org.lorapipeline.status;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;

/** Folds every run event of the catalog into the {@value #STORE} table, keyed by run id. */
public final class RunStatusTopology {
    public static final String STORE = "run-status";

    private RunStatusTopology() {}

    public static Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, SpecificRecordBase> all = null;
        for (TopicSpec<?> spec : Topics.ALL) {
            KStream<String, SpecificRecordBase> one = stream(builder, spec);
            all = all == null ? one : all.merge(one);
        }
        all.filter((runId, event) -> runId != null && event != null)
                .groupByKey()
                .aggregate(RunStatus::new,
                        (runId, event, status) -> RunStatusFolder.fold(runId, event, status),
                        Materialized.<String, RunStatus, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(new RunStatusSerde()));
        return builder.build();
    }

    private static <V extends SpecificRecordBase> KStream<String, SpecificRecordBase> stream(StreamsBuilder b, TopicSpec<V> spec) {
        return b.stream(spec.name(), Consumed.with(spec.keySerde(), spec.valueSerde()).withName("read-" + spec.name()))
                .mapValues(v -> (SpecificRecordBase) v);
    }
}
