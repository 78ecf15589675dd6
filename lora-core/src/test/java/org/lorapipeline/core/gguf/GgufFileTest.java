package org.lorapipeline.core.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.testing.SharedReference;

class GgufFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsLlamaCppBaseModel() {
        try (GgufFile g = GgufFile.open(SharedReference.path("llama-tiny/base.gguf"));
                SafetensorsFile hf = SafetensorsFile.open(SharedReference.path("llama-tiny/hf/model.safetensors"))) {
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.get("general.architecture").asString()).isEqualTo("llama");
            // hf/config.json: hidden 64, 2 layers, 4 heads, 2 KV heads, FFN 128, vocab 300
            assertThat(g.get("llama.embedding_length").asLong()).isEqualTo(64);
            assertThat(g.get("llama.block_count").asLong()).isEqualTo(2);
            assertThat(g.get("llama.attention.head_count_kv").asLong()).isEqualTo(2);
            assertThat(g.get("tokenizer.ggml.tokens").asList()).hasSize(300).startsWith("<unk>", "<s>", "</s>");
            assertThat(g.get("tokenizer.ggml.add_bos_token").asBool()).isTrue();
            assertThat(g.tensors()).hasSize(21);
            assertThat(g.tensor("token_embd.weight").ne()).containsExactly(64, 300);
            assertThat(g.tensor("token_embd.weight").shape()).containsExactly(300, 64);
            assertThat(g.tensor("blk.0.attn_k.weight").ne()).containsExactly(64, 32);
            assertThat(g.tensor("blk.1.ffn_down.weight").ne()).containsExactly(128, 64);
            assertThat(g.tensor("output_norm.weight").type()).isEqualTo(GgmlType.F32);
            // same weights as the HF checkpoint: unpermuted tensors equal, q/k equal after llama.cpp's permutation
            assertThat(g.floats("token_embd.weight")).isEqualTo(hf.floats("model.embed_tokens.weight"));
            assertThat(g.floats("blk.1.ffn_down.weight")).isEqualTo(hf.floats("model.layers.1.mlp.down_proj.weight"));
            String q = "model.layers.0.self_attn.q_proj.weight";
            assertThat(g.floats("blk.0.attn_q.weight"))
                    .isEqualTo(GgufLoraExport.permuteRows(hf.floats(q), hf.info(q).shape(), 4, q));
            String k = "model.layers.1.self_attn.k_proj.weight";
            assertThat(g.floats("blk.1.attn_k.weight"))
                    .isEqualTo(GgufLoraExport.permuteRows(hf.floats(k), hf.info(k).shape(), 2, k));
        }
    }

    @Test
    void roundTripsEveryValueTypeAndHalfTensors() {
        Path p = tmp.resolve("all.gguf");
        new GgufWriter()
                .putString("general.architecture", "llama")
                .putUInt32("general.alignment", 64)
                .put("u8", new GgufValue(GgufValueType.UINT8, null, 255L))
                .put("i8", new GgufValue(GgufValueType.INT8, null, -128L))
                .put("u16", new GgufValue(GgufValueType.UINT16, null, 65535L))
                .put("i16", new GgufValue(GgufValueType.INT16, null, -5L))
                .put("i32", GgufValue.i32(-7))
                .put("u64", new GgufValue(GgufValueType.UINT64, null, 1L << 40))
                .put("i64", new GgufValue(GgufValueType.INT64, null, -1L))
                .put("f64", new GgufValue(GgufValueType.FLOAT64, null, 0.1))
                .putFloat32("f32", 1.5f)
                .putBool("b", false)
                .put("arr", GgufValue.array(GgufValueType.STRING, List.of("a", "ü", "")))
                .put("nums", GgufValue.array(GgufValueType.INT32, List.of(1L, -2L)))
                .addTensor("x", new long[] {3}, new float[] {1, 2, 3}, GgmlType.F32)
                .addTensor("h", new long[] {2, 2}, new float[] {0.5f, -1f, 2f, 65504f}, GgmlType.F16)
                .addTensor("bf", new long[] {1, 2, 1}, new float[] {1f, -3f}, GgmlType.BF16)
                .write(p);
        try (GgufFile g = GgufFile.open(p)) {
            assertThat(g.alignment()).isEqualTo(64);
            assertThat(g.dataStart() % 64).isZero();
            assertThat(g.get("u8").asLong()).isEqualTo(255);
            assertThat(g.get("i8").asLong()).isEqualTo(-128);
            assertThat(g.get("u16").asLong()).isEqualTo(65535);
            assertThat(g.get("i16").asLong()).isEqualTo(-5);
            assertThat(g.get("i32").asLong()).isEqualTo(-7);
            assertThat(g.get("u64").asLong()).isEqualTo(1L << 40);
            assertThat(g.get("i64").asLong()).isEqualTo(-1);
            assertThat(g.get("f64").value()).isEqualTo(0.1);
            assertThat(g.get("f32").asFloat()).isEqualTo(1.5f);
            assertThat(g.get("b").asBool()).isFalse();
            assertThat(g.get("arr").asList()).containsExactly("a", "ü", "");
            assertThat(g.get("nums")).isEqualTo(GgufValue.array(GgufValueType.INT32, List.of(1L, -2L)));
            assertThat(g.tensors()).extracting(GgufTensorInfo::offset).containsExactly(0L, 64L, 128L);
            assertThat(g.tensor("h").ne()).containsExactly(2, 2);
            assertThat(g.tensor("bf").ne()).containsExactly(1, 2, 1);
            assertThat(g.floats("x")).containsExactly(1, 2, 3);
            assertThat(g.floats("h")).containsExactly(0.5f, -1f, 2f, 65504f);
            assertThat(g.floats("bf")).containsExactly(1f, -3f);
        }
    }

    /** Hand-built GGUF bytes for the malformed cases. */
    private static final class Raw {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Raw u32(long v) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            return this;
        }

        Raw u64(long v) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        Raw str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.writeBytes(b);
            return this;
        }

        Raw header(int version, long nTensors, long nKv) {
            return u32(GgufFile.MAGIC).u32(version).u64(nTensors).u64(nKv);
        }

        Raw f32Tensor(String name, long n, long offset) {
            return str(name).u32(1).u64(n).u32(0).u64(offset);
        }

        Raw padAndData(int bytes) {
            while (out.size() % 32 != 0) {
                out.write(0);
            }
            out.writeBytes(new byte[bytes]);
            return this;
        }

        Path save(Path p) throws IOException {
            Files.write(p, out.toByteArray());
            return p;
        }
    }

    private static void rejected(Path p, String fragment) {
        assertThatThrownBy(() -> GgufFile.open(p).close()).isInstanceOf(GgufException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining(fragment);
    }

    @Test
    void acceptsAHandBuiltFile() throws IOException {
        Path p = new Raw().header(3, 2, 1).str("k").u32(8).str("v")
                .f32Tensor("a", 3, 0).f32Tensor("b", 1, 32).padAndData(36).save(tmp.resolve("ok"));
        try (GgufFile g = GgufFile.open(p)) {
            assertThat(g.tensors()).hasSize(2);
        }
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        rejected(new Raw().u32(0x46554746).u32(3).save(tmp.resolve("magic")), "not a GGUF file");
        rejected(new Raw().header(1, 0, 0).save(tmp.resolve("v1")), "v1");
        rejected(new Raw().header(4, 0, 0).save(tmp.resolve("v4")), "version 4");
        rejected(new Raw().header(3, 0, 2).str("k").u32(8).str("a").str("k").u32(8).str("b")
                .save(tmp.resolve("dupkey")), "duplicate key 'k'");
        rejected(new Raw().header(3, 2, 0).f32Tensor("t", 1, 0).f32Tensor("t", 1, 32).padAndData(36)
                .save(tmp.resolve("dupname")), "duplicate tensor name 't'");
        rejected(new Raw().header(3, 2, 0).f32Tensor("a", 1, 0).f32Tensor("b", 1, 4).padAndData(36)
                .save(tmp.resolve("offset")), "tensor 'b' has offset 4, expected 32");
        rejected(new Raw().header(3, 1, 0).f32Tensor("a", 4, 0).padAndData(8)
                .save(tmp.resolve("truncated")), "tensor 'a' data runs past the end");
        rejected(new Raw().header(3, 1, 0).str("a").u32(5).u64(1).u64(1).u64(1).u64(1).u64(1).u32(0).u64(0)
                .padAndData(4).save(tmp.resolve("dims")), "5 dims");
        rejected(new Raw().header(3, 1, 0).f32Tensor("n".repeat(64), 1, 0).padAndData(4)
                .save(tmp.resolve("name")), "64 bytes or longer");
        rejected(new Raw().header(3, 0, 1).str("general.alignment").u32(4).u32(24).save(tmp.resolve("align")),
                "power of two");
        rejected(new Raw().header(3, 0, 1).str("k").u32(8).u64(1000).save(tmp.resolve("str")), "past the end");
        rejected(new Raw().header(3, 0, 1).str("k").u32(13).save(tmp.resolve("type")), "unknown value type 13");
        rejected(new Raw().header(3, 0, 1).save(tmp.resolve("short")), "truncated");
    }

    @Test
    void writerRefusesWhatReadersWouldReject() {
        GgufWriter w = new GgufWriter().putString("k", "v").addTensor("t", new long[] {1}, new float[1], GgmlType.F32);
        assertThatThrownBy(() -> w.putString("k", "again")).hasMessageContaining("duplicate GGUF key 'k'");
        assertThatThrownBy(() -> w.addTensor("t", new long[] {1}, new float[1], GgmlType.F32))
                .hasMessageContaining("duplicate tensor name 't'");
        assertThatThrownBy(() -> w.addTensor("x".repeat(64), new long[] {1}, new float[1], GgmlType.F32))
                .hasMessageContaining("64 bytes");
        assertThatThrownBy(() -> w.addTensor("q", new long[] {1}, new float[1], GgmlType.Q8_0))
                .hasMessageContaining("only F32, F16 and BF16");
    }
}
