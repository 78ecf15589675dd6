package org.lorapipeline.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir
    Path tmp;

    /** Header bytes published in the reference crate's own serialization tests (tensor.rs). */
    @Test
    void headerMatchesTheReferenceCrateByteForByte() {
        byte[] h = HeaderJson.encode(null, List.of(new TensorInfo("attn.0", DType.F32, new long[] {1, 2, 3}, 0, 24)));
        assertThat(new String(h, StandardCharsets.UTF_8))
                .isEqualTo("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}");
        assertThat(h).hasSize(64);

        byte[] padded = HeaderJson.encode(null, List.of(new TensorInfo("attn0", DType.F32, new long[] {1, 1, 2, 3}, 0, 24)));
        assertThat(new String(padded, StandardCharsets.UTF_8))
                .isEqualTo("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ");
        assertThat(padded).hasSize(72);

        assertThat(new String(HeaderJson.encode(null, List.of()), StandardCharsets.UTF_8)).isEqualTo("{}      ");
        assertThat(new String(HeaderJson.encode(Map.of("framework", "pt"), List.of()), StandardCharsets.UTF_8))
                .isEqualTo("{\"__metadata__\":{\"framework\":\"pt\"}}     ");
    }

    @Test
    void escapesLikeSerdeJson() {
        byte[] h = HeaderJson.encode(Map.of("k", "a\"b\\c\nd\u0001é"), List.of());
        assertThat(new String(h, StandardCharsets.UTF_8).trim())
                .isEqualTo("{\"__metadata__\":{\"k\":\"a\\\"b\\\\c\\nd\\u0001é\"}}");
    }

    @Test
    void ordersTensorsWidestDtypeFirstThenByName() {
        SafetensorsWriter w = new SafetensorsWriter()
                .add("b", new long[] {1}, new float[] {1}, DType.F16)
                .add("a", new long[] {1}, new float[] {1}, DType.BF16)
                .add("d", new long[] {2}, new float[] {1, 2}, DType.F32)
                .add("c", new long[] {1}, new float[] {1}, DType.F32)
                .addIntegers("z", new long[] {1}, new long[] {7}, DType.I64)
                .addIntegers("m", new long[] {3}, new long[] {1, 2, 3}, DType.U8)
                .addIntegers("e", new long[] {1}, new long[] {5}, DType.I32);
        assertThat(w.layout()).extracting(TensorInfo::name).containsExactly("z", "c", "d", "e", "a", "b", "m");
        assertThat(w.layout()).extracting(TensorInfo::begin).containsExactly(0L, 8L, 12L, 20L, 24L, 26L, 28L);
    }

    @Test
    void writesCompactHeaderWithMetadataFirstAndNoLeadingSpace() throws IOException {
        Path p = tmp.resolve("x.safetensors");
        new SafetensorsWriter().metadata("ss_network_dim", "4")
                .add("w", new long[] {2}, new float[] {1.5f, -2f}, DType.F32).write(p);
        byte[] all = Files.readAllBytes(p);
        long n = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\",\"ss_network_dim\":\"4\"},\"w\":");
        assertThat(header.stripTrailing()).endsWith("\"data_offsets\":[0,8]}}");
        assertThat(all.length).isEqualTo(8 + n + 8);
        assertThat(Files.list(tmp)).containsExactly(p); // no temporary file left behind
    }

    @Test
    void roundTripsEveryFloatAndIntegerType() {
        Path p = tmp.resolve("types.safetensors");
        float[] exactInHalf = {0f, 1f, -2.5f, 65504f, 0x1p-24f};
        new SafetensorsWriter()
                .add("f32", new long[] {5}, new float[] {0.1f, -3.25f, 1e30f, Float.MIN_VALUE, Float.NaN}, DType.F32)
                .add("f16", new long[] {5}, exactInHalf, DType.F16)
                .add("bf16", new long[] {2, 2}, new float[] {1f, -3f, 1f + 0x1p-8f, 1e38f}, DType.BF16)
                .add("scalar", new long[] {}, new float[] {4f}, DType.BF16)
                .add("empty", new long[] {0, 3}, new float[0], DType.F32)
                .addIntegers("ids", new long[] {3}, new long[] {-1, 5, Long.MAX_VALUE}, DType.I64)
                .addIntegers("i32", new long[] {2}, new long[] {-7, 1 << 30}, DType.I32)
                .write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.floats("f32")).containsExactly(0.1f, -3.25f, 1e30f, Float.MIN_VALUE, Float.NaN);
            assertThat(f.floats("f16")).containsExactly(exactInHalf);
            // 1+2^-8 is a tie in bfloat16 and rounds to even (1.0); 1e38 rounds to 0x7E96 = 9.9700e37
            assertThat(f.floats("bf16")).containsExactly(1f, -3f, 1f, Float.intBitsToFloat(0x7E960000));
            assertThat(f.info("bf16").dtype()).isEqualTo(DType.BF16);
            assertThat(f.floats("scalar")).containsExactly(4f);
            assertThat(f.info("scalar").shape()).isEmpty();
            assertThat(f.floats("empty")).isEmpty();
            assertThat(f.longs("ids")).containsExactly(-1, 5, Long.MAX_VALUE);
            assertThat(f.ints("i32")).containsExactly(-7, 1 << 30);
            assertThatThrownBy(() -> f.floats("ids")).hasMessageContaining("'ids' is I64");
            assertThatThrownBy(() -> f.ints("ids")).hasMessageContaining("does not fit an int");
            assertThatThrownBy(() -> f.info("nope")).hasMessageContaining("no tensor named 'nope'");
        }
    }

    @Test
    void rejectsBadInput() {
        SafetensorsWriter w = new SafetensorsWriter().add("a", new long[] {1}, new float[] {1}, DType.F32);
        assertThatThrownBy(() -> w.add("a", new long[] {1}, new float[] {1}, DType.F32))
                .hasMessageContaining("duplicate tensor name 'a'");
        assertThatThrownBy(() -> w.add("b", new long[] {2, 2}, new float[] {1}, DType.F32))
                .hasMessageContaining("tensor 'b'");
        assertThatThrownBy(() -> w.add("__metadata__", new long[] {1}, new float[] {1}, DType.F32))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> w.add("c", new long[] {1}, new float[] {1}, DType.I32))
                .hasMessageContaining("cannot store float data as I32");
    }

    @Test
    void shardedIndexIsOneSource() throws IOException {
        new SafetensorsWriter().add("model.a", new long[] {2}, new float[] {1, 2}, DType.F32)
                .write(tmp.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsWriter().add("model.b", new long[] {1}, new float[] {3}, DType.F16)
                .add("model.c", new long[] {1}, new float[] {4}, DType.F32)
                .write(tmp.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(tmp.resolve("model.safetensors.index.json"), "{\"metadata\":{\"total_size\":14},"
                + "\"weight_map\":{\"model.a\":\"model-00001-of-00002.safetensors\","
                + "\"model.b\":\"model-00002-of-00002.safetensors\","
                + "\"model.c\":\"model-00002-of-00002.safetensors\"}}");
        try (TensorSource s = TensorSource.open(tmp)) {
            assertThat(s).isInstanceOf(ShardedSafetensors.class);
            assertThat(s.names()).containsExactly("model.a", "model.b", "model.c");
            assertThat(s.floats("model.a")).containsExactly(1, 2);
            assertThat(s.floats("model.b")).containsExactly(3);
            assertThat(s.info("model.c").dtype()).isEqualTo(DType.F32);
            assertThat(((ShardedSafetensors) s).indexMetadata()).containsEntry("total_size", "14");
            assertThat(s.metadata()).containsEntry("format", "pt");
        }
        Files.writeString(tmp.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"model.x\":\"model-00001-of-00002.safetensors\"}}");
        assertThatThrownBy(() -> TensorSource.open(tmp))
                .hasMessageContaining("'model.x'").hasMessageContaining("model-00001-of-00002.safetensors");
    }
}
