package org.lorapipeline.core.safetensors;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a header exactly as the reference crate's {@code prepare()} + serde_json do: compact JSON,
 * {@code __metadata__} first, tensors in data order with keys dtype, shape, data_offsets, serde_json string
 * escaping, then spaces up to a multiple of 8 bytes. Hand-written because Jackson escapes differently.
 */
final class HeaderJson {
    private HeaderJson() {}

    /** {@code metadata} may be null (no {@code __metadata__} key); tensors must already be in data order. */
    static byte[] encode(Map<String, String> metadata, List<TensorInfo> tensors) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (metadata != null) {
            quote(sb, SafetensorsHeader.METADATA_KEY).append(":{");
            boolean firstMeta = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (!firstMeta) {
                    sb.append(',');
                }
                firstMeta = false;
                quote(sb, e.getKey()).append(':');
                quote(sb, e.getValue());
            }
            sb.append('}');
            first = false;
        }
        for (TensorInfo t : tensors) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, t.name()).append(":{\"dtype\":");
            quote(sb, t.dtype().name()).append(",\"shape\":[");
            long[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                sb.append(i == 0 ? "" : ",").append(shape[i]);
            }
            sb.append("],\"data_offsets\":[").append(t.begin()).append(',').append(t.end()).append("]}");
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** serde_json escaping: quote, backslash, short escapes for \b \f \n \r \t, \\u00xx (lower-case) below 0x20. */
    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
