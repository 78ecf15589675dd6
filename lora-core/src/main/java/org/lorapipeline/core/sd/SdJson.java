package org.lorapipeline.core.sd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of diffusers {@code config.json} keys with defaults and errors that name the key. */
public final class SdJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SdJson() {}

    /** Parses a JSON file, naming it when it is missing or malformed. */
    public static JsonNode read(Path file) throws IOException {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file + ": missing; a diffusers Stable Diffusion folder has unet/config.json,"
                    + " vae/config.json and scheduler/scheduler_config.json");
        } catch (IOException e) {
            throw new IOException(file + ": not readable JSON (" + e.getMessage() + ")", e);
        }
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    public static int integer(JsonNode root, String key, int dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber()) {
            throw new IllegalArgumentException(key + " must be an integer, got " + n);
        }
        return n.asInt();
    }

    public static double number(JsonNode root, String key, double dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + n);
        }
        return n.asDouble();
    }

    public static boolean bool(JsonNode root, String key, boolean dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    public static String text(JsonNode root, String key, String dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string, got " + n);
        }
        return n.asText();
    }

    /** An int list; a single int is repeated {@code count} times (diffusers allows both for per-block keys). */
    public static List<Integer> ints(JsonNode root, String key, List<Integer> dflt, int count) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        List<Integer> out = new ArrayList<>();
        if (n.isIntegralNumber()) {
            for (int i = 0; i < count; i++) {
                out.add(n.asInt());
            }
            return out;
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(key + " must be an integer or a list of integers, got " + n);
        }
        for (JsonNode e : n) {
            if (!e.isIntegralNumber()) {
                throw new IllegalArgumentException(key + " must hold integers, got " + e);
            }
            out.add(e.asInt());
        }
        return out;
    }

    public static List<String> strings(JsonNode root, String key, List<String> dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(key + " must be a list of strings, got " + n);
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }
}
