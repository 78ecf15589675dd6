package org.lorapipeline.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each malformed case the reference crate rejects (FORMATS §1 "Rejected"), built byte by byte. */
class SafetensorsValidationTest {
    @TempDir
    Path tmp;

    private Path file(String name, String header, int dataBytes) throws IOException {
        return file(name, header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private Path file(String name, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Path p = tmp.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static void rejected(Path p, String... fragments) {
        var check = assertThatThrownBy(() -> SafetensorsFile.open(p).close())
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(p.toString());
        for (String f : fragments) {
            check.hasMessageContaining(f);
        }
    }

    @Test
    void acceptsAWellFormedFileAndLeadingWhitespace() throws IOException {
        Path p = file("ok", " {\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.names()).containsExactly("t");
            assertThat(f.metadata()).isEmpty();
        }
    }

    @Test
    void rejectsFileShorterThanTheLengthPrefix() throws IOException {
        Path p = tmp.resolve("short");
        Files.write(p, new byte[] {1, 2, 3, 4, 5});
        rejected(p, "smaller than the 8-byte");
    }

    @Test
    void rejectsHugeHeaderLength() throws IOException {
        Path p = tmp.resolve("huge");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000_001L).array());
        rejected(p, "100,000,000");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array());
        rejected(p, "18446744073709551615");
    }

    @Test
    void rejectsHeaderPastEndOfFile() throws IOException {
        Path p = tmp.resolve("eof");
        Files.write(p, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array());
        rejected(p, "runs past the end");
    }

    @Test
    void rejectsBadJsonAndBadUtf8() throws IOException {
        rejected(file("json", "{\"t\":{\"dtype\":", 0), "not valid JSON");
        rejected(file("trail", "{} {}", 0), "not valid JSON");
        rejected(file("array", "[]", 0), "must be a JSON object");
        rejected(file("utf8", new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'}, 0), "not valid UTF-8");
    }

    @Test
    void rejectsUnknownOrLowerCaseDtype() throws IOException {
        rejected(file("f31", "{\"t\":{\"dtype\":\"F31\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 't'", "unknown dtype 'F31'");
        rejected(file("lower", "{\"t\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 't'", "unknown dtype 'f32'");
    }

    @Test
    void rejectsNonStringMetadata() throws IOException {
        rejected(file("meta", "{\"__metadata__\":{\"steps\":100}}", 0), "'steps'", "must be strings");
    }

    @Test
    void rejectsBadShapesAndOffsets() throws IOException {
        rejected(file("neg", "{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "tensor 't'", "non-negative");
        rejected(file("three", "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4),
                "tensor 't'", "data_offsets");
    }

    @Test
    void rejectsFirstTensorNotAtZero() throws IOException {
        rejected(file("first", "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                "tensor 't'", "must start at 0");
    }

    @Test
    void rejectsHoleAndOverlap() throws IOException {
        rejected(file("hole", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "tensor 'b'", "hole");
        rejected(file("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "tensor 'b'", "overlaps");
    }

    @Test
    void rejectsSizeThatDisagreesWithShape() throws IOException {
        rejected(file("size", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                "tensor 't'", "has 4 bytes", "needs 8");
        rejected(file("f16", "{\"t\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,4]}}", 4),
                "tensor 't'", "needs 6");
    }

    @Test
    void rejectsTrailingBytesAndTruncatedData() throws IOException {
        rejected(file("trailing", "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 5),
                "1 trailing bytes");
        rejected(file("truncated", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4),
                "truncated");
    }

    @Test
    void reportsAMissingFile() {
        Path p = tmp.resolve("absent.safetensors");
        rejected(p, "no such safetensors file");
    }
}
