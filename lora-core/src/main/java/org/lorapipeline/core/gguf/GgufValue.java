package org.lorapipeline.core.gguf;

import java.util.List;

/**
 * A typed metadata value. Java holds integers of every width as {@link Long} (unsigned values zero-extended;
 * UINT64 above 2^63 wraps), FLOAT32 as {@link Float}, FLOAT64 as {@link Double}, BOOL as {@link Boolean},
 * STRING as {@link String}, ARRAY as a {@link List} of such values with {@code elementType}.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {
    public GgufValue {
        if (type == null || value == null) {
            throw new IllegalArgumentException("GGUF value needs a type and a value");
        }
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("elementType is required for ARRAY values and only for them");
        }
        if (elementType == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("nested arrays are not supported");
        }
        if (type == GgufValueType.ARRAY) {
            value = List.copyOf((List<?>) value);
            for (Object o : (List<?>) value) {
                checkScalar(elementType, o);
            }
        } else {
            checkScalar(type, value);
        }
    }

    private static void checkScalar(GgufValueType t, Object v) {
        boolean ok = switch (t) {
            case FLOAT32 -> v instanceof Float;
            case FLOAT64 -> v instanceof Double;
            case BOOL -> v instanceof Boolean;
            case STRING -> v instanceof String;
            case ARRAY -> false;
            default -> v instanceof Long;
        };
        if (!ok) {
            throw new IllegalArgumentException(t + " value expected, got " + v.getClass().getSimpleName() + " " + v);
        }
    }

    public static GgufValue string(String s) {
        return new GgufValue(GgufValueType.STRING, null, s);
    }

    public static GgufValue f32(float f) {
        return new GgufValue(GgufValueType.FLOAT32, null, f);
    }

    public static GgufValue u32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("UINT32 out of range: " + v);
        }
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    public static GgufValue i32(int v) {
        return new GgufValue(GgufValueType.INT32, null, (long) v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    public static GgufValue array(GgufValueType elementType, List<?> items) {
        return new GgufValue(GgufValueType.ARRAY, elementType, items);
    }

    public String asString() {
        return (String) value;
    }

    public long asLong() {
        return (Long) value;
    }

    /** FLOAT32/FLOAT64 or an integer, as float. */
    public float asFloat() {
        return ((Number) value).floatValue();
    }

    public boolean asBool() {
        return (Boolean) value;
    }

    @SuppressWarnings("unchecked")
    public List<Object> asList() {
        return (List<Object>) value;
    }
}
