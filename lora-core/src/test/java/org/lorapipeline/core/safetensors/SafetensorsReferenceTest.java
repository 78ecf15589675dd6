package org.lorapipeline.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.testing.SharedReference;

/** Reads files written by the Python safetensors library (tiny LLaMA reference set). */
class SafetensorsReferenceTest {
    @TempDir
    Path tmp;

    @Test
    void readsHuggingFaceCheckpoint() {
        try (SafetensorsFile f = SafetensorsFile.open(SharedReference.path("llama-tiny/hf/model.safetensors"))) {
            // embed, lm_head, final norm + 9 tensors per layer x 2 layers
            assertThat(f.names()).hasSize(21).contains("model.embed_tokens.weight", "lm_head.weight", "model.norm.weight");
            assertThat(f.metadata()).containsEntry("format", "pt");
            TensorInfo k = f.info("model.layers.1.self_attn.k_proj.weight");
            assertThat(k.dtype()).isEqualTo(DType.F32);
            assertThat(k.shape()).containsExactly(32, 64); // 2 KV heads x head_dim 16, hidden 64
            assertThat(f.info("model.embed_tokens.weight").shape()).containsExactly(300, 64);
            float[] v = f.floats(k.name());
            // values read with Python's struct.unpack straight from the file
            assertThat(v).hasSize(32 * 64);
            assertThat(v[0]).isEqualTo(0.2853229343891144f);
            assertThat(v[1]).isEqualTo(0.01788501814007759f);
            assertThat(v[v.length - 1]).isEqualTo(-0.19915781915187836f);
            double sum = 0;
            for (float x : v) {
                sum += x;
            }
            assertThat(sum).isCloseTo(13.010136932920432, offset(1e-9));
        }
    }

    @Test
    void readsPeftAdapter() {
        try (TensorSource f = TensorSource.open(SharedReference.path("llama-tiny/peft/adapter_model.safetensors"))) {
            assertThat(f.names()).hasSize(28); // 7 modules x A/B x 2 layers
            String b = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";
            assertThat(f.info(b).shape()).containsExactly(64, 4);
            float[] v = f.floats(b);
            assertThat(v[0]).isEqualTo(-0.07977235317230225f);
            assertThat(v[255]).isEqualTo(-0.11413788795471191f);
        }
    }

    @Test
    void rewritingTheCheckpointReproducesItsDataAndHeader() throws IOException {
        Path src = SharedReference.path("llama-tiny/hf/model.safetensors");
        Path out = tmp.resolve("copy.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(src)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (String name : f.names()) {
                w.add(name, f.info(name).shape(), f.floats(name), DType.F32);
            }
            w.write(out);
            try (SafetensorsFile g = SafetensorsFile.open(out)) {
                assertThat(g.infos()).isEqualTo(f.infos());
                assertThat(g.metadata()).isEqualTo(f.metadata());
                for (String name : f.names()) {
                    assertThat(g.floats(name)).isEqualTo(f.floats(name));
                }
                // the Python writer puts __metadata__ last in this file, we put it first (as the current crate
                // does), so the header bytes differ, but the data buffer must be identical byte for byte
                byte[] a = Files.readAllBytes(src);
                byte[] b = Files.readAllBytes(out);
                long na = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).getLong();
                long nb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
                assertThat(na).isEqualTo(nb); // same length: same entries, same padding
                assertThat(Arrays.copyOfRange(b, (int) (8 + nb), b.length))
                        .isEqualTo(Arrays.copyOfRange(a, (int) (8 + na), a.length));
            }
        }
    }
}
