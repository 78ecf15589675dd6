package org.lorapipeline.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The small JSON records train-service keeps in S3 (request, attempts, cancel markers). */
final class RunJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunJson() {}

    static byte[] write(Map<String, ?> fields) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(byte[] json, String where) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(where + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
