package org.lorapipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;
import org.lorapipeline.events.DatasetRegistered;

/**
 * Old and new code must talk in both directions: a reader on an older schema reads events written with a newer
 * compatible schema (an added field with a default), and the current reader reads events from an older writer.
 */
class SchemaEvolutionTest {
    private static final Schema CURRENT = DatasetRegistered.getClassSchema();

    /** v0: the same record without the two fields that carry defaults (as if they were added later). */
    private static Schema older() {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : CURRENT.getFields()) {
            if (!f.name().equals("uncaptionedCount") && !f.name().equals("labelingRequested")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(CURRENT.getName(), CURRENT.getDoc(), CURRENT.getNamespace(), false, fields);
    }

    /** v2: the current record plus one optional field. */
    private static Schema newer() {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : CURRENT.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        Schema optionalDouble = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE));
        fields.add(new Schema.Field("qualityScore", optionalDouble, "added in v2", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(CURRENT.getName(), CURRENT.getDoc(), CURRENT.getNamespace(), false, fields);
    }

    private static GenericRecord asGeneric(DatasetRegistered event, Schema schema) throws Exception {
        // decode the specific bytes with a generic reader on the target schema: field-by-field copy for free
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(CURRENT);
        var decoder = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), schema, store);
        return decoder.decode(AvroSerde.of(DatasetRegistered.class).encode(event));
    }

    @Test
    void currentReaderReadsEventsFromANewerWriter() throws Exception {
        Schema v2 = newer();
        GenericRecord record = asGeneric(SampleEvents.registered(), v2);
        record.put("qualityScore", 0.93);
        ByteBuffer written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(record);

        SchemaStore.Cache known = new SchemaStore.Cache();
        known.addSchema(v2);
        DatasetRegistered read = AvroSerde.of(DatasetRegistered.class, known).decode(toBytes(written));

        assertThat(read).isEqualTo(SampleEvents.registered());
    }

    @Test
    void olderReaderReadsEventsFromTheCurrentWriter() throws Exception {
        Schema v0 = older();
        GenericRecord read = asGeneric(SampleEvents.registered(), v0);

        assertThat(read.get("itemCount")).isEqualTo(42);
        assertThat(read.get("layout").toString()).isEqualTo("seed_metadata_csv");
        assertThat(read.getSchema().getField("uncaptionedCount")).isNull();
    }

    @Test
    void currentReaderFillsDefaultsForEventsFromAnOlderWriter() throws Exception {
        Schema v0 = older();
        GenericRecord old = asGeneric(SampleEvents.registered(), v0);
        ByteBuffer written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v0).encode(old);

        SchemaStore.Cache known = new SchemaStore.Cache();
        known.addSchema(v0);
        DatasetRegistered read = AvroSerde.of(DatasetRegistered.class, known).decode(toBytes(written));

        assertThat(read.getItemCount()).isEqualTo(42);
        assertThat(read.getUncaptionedCount()).isZero();
        assertThat(read.getLabelingRequested()).isFalse();
    }

    @Test
    void unknownWriterSchemaIsReportedNotGuessed() throws Exception {
        Schema v2 = newer();
        GenericRecord record = asGeneric(SampleEvents.registered(), v2);
        ByteBuffer written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(record);
        var serdeWithoutHistory = AvroSerde.of(DatasetRegistered.class, new SchemaStore.Cache());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> serdeWithoutHistory.decode(toBytes(written)))
                .hasMessageContaining("DatasetRegistered");
    }

    private static byte[] toBytes(ByteBuffer buf) {
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }
}
