package org.lorapipeline.core.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a safetensors header with the same rules as the reference crate
 * ({@code safetensors/src/tensor.rs}): see {@link #parse}.
 */
final class SafetensorsHeader {
    static final long MAX_HEADER_SIZE = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The parsed header: user metadata plus tensors ordered by data offset. */
    record Parsed(long headerLength, Map<String, String> metadata, List<TensorInfo> tensors) {
        Parsed {
            metadata = Map.copyOf(metadata);
            tensors = List.copyOf(tensors);
        }

        long dataStart() {
            return 8 + headerLength;
        }
    }

    private SafetensorsHeader() {}

    /** Validates the 8-byte length prefix against the file size and returns N. */
    static long checkLength(String file, long prefix, long fileSize) {
        if (fileSize < 8) {
            throw new SafetensorsException(file + ": file is " + fileSize
                    + " bytes, smaller than the 8-byte header length; it is not a safetensors file");
        }
        if (prefix < 0 || prefix > MAX_HEADER_SIZE) {
            throw new SafetensorsException(file + ": header length " + Long.toUnsignedString(prefix)
                    + " exceeds the 100,000,000-byte limit; the file is corrupt or not safetensors");
        }
        if (8 + prefix > fileSize) {
            throw new SafetensorsException(file + ": header of " + prefix + " bytes runs past the end of the "
                    + fileSize + "-byte file; the file is truncated");
        }
        return prefix;
    }

    /**
     * Parses the JSON header bytes and checks every rule: UTF-8, valid JSON object, known case-sensitive
     * dtypes, string-only metadata, offsets that tile the data buffer from 0 with no hole or overlap, sizes
     * equal to numel x width, and a buffer that ends exactly at the end of the file.
     */
    static Parsed parse(String file, byte[] headerBytes, long fileSize) {
        String text = decodeUtf8(file, headerBytes);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(file + ": header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(file + ": header must be a JSON object of tensor entries");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (METADATA_KEY.equals(e.getKey())) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                tensors.add(readTensor(file, e.getKey(), e.getValue()));
            }
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long end = checkOffsets(file, tensors);
        long expected = 8 + headerBytes.length + end;
        if (expected > fileSize) {
            throw new SafetensorsException(file + ": tensor data ends at byte " + expected + " but the file has "
                    + fileSize + " bytes; the file is truncated");
        }
        if (expected < fileSize) {
            throw new SafetensorsException(file + ": " + (fileSize - expected)
                    + " trailing bytes after the last tensor; the header does not cover the whole data buffer");
        }
        return new Parsed(headerBytes.length, metadata, tensors);
    }

    private static String decodeUtf8(String file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file + ": header is not valid UTF-8");
        }
    }

    private static void readMetadata(String file, JsonNode node, Map<String, String> out) {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new SafetensorsException(file + ": __metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(file + ": __metadata__ value for key '" + e.getKey()
                        + "' is " + e.getValue().getNodeType() + "; metadata values must be strings");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo readTensor(String file, String name, JsonNode node) {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafetensorsException(where + " must be an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(where + " has no string 'dtype'");
        }
        DType dtype = DType.fromHeader(dtypeNode.textValue()).orElseThrow(() -> new SafetensorsException(
                where + " has unknown dtype '" + dtypeNode.textValue()
                        + "' (dtypes are upper-case, e.g. F32, F16, BF16, I64)"));
        long[] shape = readUnsignedArray(where, node.get("shape"), "shape", -1);
        long[] offsets = readUnsignedArray(where, node.get("data_offsets"), "data_offsets", 2);
        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] readUnsignedArray(String where, JsonNode node, String field, int requiredLength) {
        if (node == null || !node.isArray()) {
            throw new SafetensorsException(where + " has no '" + field + "' array");
        }
        if (requiredLength >= 0 && node.size() != requiredLength) {
            throw new SafetensorsException(where + ": '" + field + "' must have " + requiredLength
                    + " entries, found " + node.size());
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafetensorsException(where + ": '" + field + "' entry " + i + " (" + v
                        + ") is not a non-negative integer");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /** Returns the end of the data buffer after checking the tensors (sorted by offset) tile it from 0. */
    private static long checkOffsets(String file, List<TensorInfo> sorted) {
        long start = 0;
        for (TensorInfo t : sorted) {
            String where = file + ": tensor '" + t.name() + "'";
            if (t.end() < t.begin()) {
                throw new SafetensorsException(where + " has data_offsets [" + t.begin() + "," + t.end()
                        + "] with end before begin");
            }
            if (t.begin() != start) {
                String what = start == 0 ? "the first tensor must start at 0"
                        : t.begin() > start ? "a hole of " + (t.begin() - start) + " bytes precedes it"
                        : "it overlaps the previous tensor by " + (start - t.begin()) + " bytes";
                throw new SafetensorsException(where + " starts at " + t.begin() + " but " + what);
            }
            long expected;
            try {
                expected = t.dtype().byteSize(t.numel());
            } catch (ArithmeticException e) {
                throw new SafetensorsException(where + ": shape " + Arrays.toString(t.shape())
                        + " overflows");
            }
            if (expected < 0) {
                throw new SafetensorsException(where + ": " + t.numel() + " " + t.dtype()
                        + " elements do not fill whole bytes");
            }
            if (t.byteLength() != expected) {
                throw new SafetensorsException(where + " has " + t.byteLength() + " bytes but "
                        + t.dtype() + Arrays.toString(t.shape()) + " needs " + expected);
            }
            start = t.end();
        }
        return start;
    }
}
