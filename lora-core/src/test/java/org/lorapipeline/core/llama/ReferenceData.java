package org.lorapipeline.core.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Numbers written by {@code llama-reference/make_reference.py} (an independent torch forward of llama-tiny). */
public final class ReferenceData {
    private static JsonNode root;

    private ReferenceData() {}

    public static synchronized JsonNode json() {
        if (root == null) {
            try (InputStream in = ReferenceData.class.getResourceAsStream("/llama-reference/reference.json")) {
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    public static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    public static long[][] inputIds() {
        JsonNode ids = json().get("input_ids");
        long[][] out = new long[ids.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[ids.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = ids.get(i).get(j).asLong();
            }
        }
        return out;
    }
}
