package org.lorapipeline.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files under test resource {@code clip-reference/}: the tiny CLIP and make_reference.py's outputs. */
final class ClipReference {
    /** The seed the committed tiny CLIP was written with ({@code TinyClip.write(dir, SEED)}). */
    static final long SEED = 20240601L;
    private static JsonNode json;

    private ClipReference() {}

    static Path dir() {
        try {
            return Path.of(ClipReference.class.getResource("/clip-reference/make_reference.py").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path tinyClip() {
        return dir().resolve("tiny-clip");
    }

    static synchronized JsonNode json() {
        if (json == null) {
            try {
                json = new ObjectMapper().readTree(Files.readString(dir().resolve("reference.json")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return json;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    static long[][] longRows(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[rows.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = rows.get(i).get(j).asLong();
            }
        }
        return out;
    }
}
