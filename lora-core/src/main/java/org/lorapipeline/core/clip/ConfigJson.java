package org.lorapipeline.core.clip;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed reads of optional {@code config.json} keys with the key named in every error. */
final class ConfigJson {
    private ConfigJson() {}

    static void positive(String key, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }

    static int optInt(JsonNode c, String key, int dflt) {
        JsonNode n = c == null ? null : c.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException("'" + key + "' must be an integer, got " + n);
        }
        return n.asInt();
    }

    static double optDouble(JsonNode c, String key, double dflt) {
        JsonNode n = c == null ? null : c.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be a number, got " + n);
        }
        return n.asDouble();
    }

    static String optText(JsonNode c, String key, String dflt) {
        JsonNode n = c == null ? null : c.get(key);
        return n == null || n.isNull() ? dflt : n.asText();
    }
}
