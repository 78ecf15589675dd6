package org.lorapipeline.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sparse file past 2 GiB: the reader must map tensors at offsets no single byte array could reach. */
class SafetensorsLargeFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsATensorStoredBeyondTwoGibibytes() throws IOException {
        long big = (1L << 31) + 4096; // U8 filler, never read
        String header = "{\"filler\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = tmp.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            long tailAt = 8 + h.length + big;
            f.setLength(tailAt + 8); // sparse: the filler takes no disk space
            f.seek(tailAt);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.25f).putFloat(-7f).array());
        }
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.names()).containsExactly("filler", "tail");
            assertThat(f.info("filler").byteLength()).isEqualTo(big);
            assertThat(f.floats("tail")).containsExactly(1.25f, -7f);
        }
    }
}
