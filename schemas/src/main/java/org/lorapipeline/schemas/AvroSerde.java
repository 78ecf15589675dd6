package org.lorapipeline.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for our Avro events in Avro's single-object encoding: a 2-byte marker, the writer schema's
 * 64-bit fingerprint, then the binary body. No schema registry: the reader resolves older writer schemas
 * from {@link SchemaHistory}, so a consumer on one version reads events written with another compatible one.
 */
public final class AvroSerde<T extends SpecificRecordBase> implements Serde<T> {
    static {
        TrustedPackages.ensure();
    }

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> type, SchemaStore history) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        var schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, history);
    }

    /** A serde that also reads every earlier schema version recorded in {@link SchemaHistory}. */
    public static <T extends SpecificRecordBase> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, SchemaHistory.store());
    }

    /** A serde whose reader knows the given extra writer schemas (tests, and readers pinned to a store). */
    public static <T extends SpecificRecordBase> AvroSerde<T> of(Class<T> type, SchemaStore history) {
        return new AvroSerde<>(type, history);
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T event) {
        try {
            ByteBuffer buf = encoder.encode(event);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode " + type.getSimpleName(), e);
        }
    }

    public T decode(byte[] bytes) {
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("not a readable " + type.getSimpleName() + " event: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : encode(data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> data == null ? null : decode(data);
    }
}
