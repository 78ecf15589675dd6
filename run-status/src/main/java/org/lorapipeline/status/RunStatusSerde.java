package org.lorapipeline.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** JSON serde for the status store; the same JSON is what the HTTP query endpoint returns. */
public final class RunStatusSerde implements Serde<RunStatus> {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RunStatus fromJson(byte[] bytes) {
        try {
            return JSON.readValue(bytes, RunStatus.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a run status: " + e.getMessage(), e);
        }
    }

    public static RunStatus[] parseList(String json) {
        try {
            return JSON.readValue(json, RunStatus[].class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a list of run statuses: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<RunStatus> serializer() {
        return (topic, data) -> data == null ? null : toJson(data);
    }

    @Override
    public Deserializer<RunStatus> deserializer() {
        return (topic, data) -> data == null ? null : fromJson(data);
    }
}
