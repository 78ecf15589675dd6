package org.lorapipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.DatasetSubmitted;

class AvroSerdeTest {
    private final AvroSerde<DatasetRegistered> serde = AvroSerde.of(DatasetRegistered.class);

    @Test
    void roundTripsThroughKafkaSerializerAndDeserializer() {
        DatasetRegistered event = SampleEvents.registered();
        byte[] bytes = serde.serializer().serialize("dataset.registered.v1", event);
        assertThat(serde.deserializer().deserialize("dataset.registered.v1", bytes)).isEqualTo(event);
    }

    @Test
    void usesSingleObjectEncodingHeader() {
        byte[] bytes = serde.encode(SampleEvents.registered());
        // C3 01 marker, then the 8-byte CRC-64-AVRO fingerprint of the writer schema
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fp = org.apache.avro.SchemaNormalization.parsingFingerprint64(DatasetRegistered.getClassSchema());
        long inHeader = java.nio.ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(inHeader).isEqualTo(fp);
    }

    @Test
    void nullStaysNullForTombstones() {
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void eventOfAnotherTypeIsRejectedClearly() {
        byte[] bytes = serde.encode(SampleEvents.registered());
        var other = AvroSerde.of(DatasetSubmitted.class);
        assertThatThrownBy(() -> other.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("DatasetSubmitted");
    }

    @Test
    void garbageIsRejectedClearly() {
        assertThatThrownBy(() -> serde.decode("not avro".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not a readable DatasetRegistered");
    }
}
