package org.lorapipeline.core.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.testing.SharedReference;

class LlamaConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LlamaConfig parse(String json) throws Exception {
        return LlamaConfig.fromJson(JSON.readTree(json));
    }

    @Test
    void bindsTheTinyReferenceConfig() throws Exception {
        LlamaConfig c = LlamaConfig.read(SharedReference.path("llama-tiny/hf/config.json"));
        assertThat(c).isEqualTo(new LlamaConfig(64, 128, 4, 2, 2, 16, 1e-5, 10000.0, null, 300, 256, false));
        assertThat(c.kvGroups()).isEqualTo(2);
    }

    @Test
    void appliesHfDefaults() throws Exception {
        LlamaConfig c = parse("{\"hidden_size\":4096,\"intermediate_size\":11008,\"num_attention_heads\":32,"
                + "\"num_hidden_layers\":32,\"vocab_size\":32000}");
        assertThat(c.numKeyValueHeads()).isEqualTo(32);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(2048);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.ropeScaling()).isNull();
    }

    @Test
    void readsLlama3RopeScaling() throws Exception {
        LlamaConfig c = parse("{\"hidden_size\":64,\"intermediate_size\":128,\"num_attention_heads\":4,"
                + "\"num_hidden_layers\":1,\"vocab_size\":10,\"head_dim\":16,\"rope_scaling\":{\"rope_type\":"
                + "\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
                + "\"original_max_position_embeddings\":64}}");
        assertThat(c.ropeScaling()).isEqualTo(RopeScaling.llama3(8, 1, 4, 64));
        // hand-computed: i=0 wavelength 2pi < 16 kept; i=1 wavelength 19.87 in the smooth band; i>=3 divided by 8
        float[] inv = new Rope(c).invFreq();
        assertThat(inv[0]).isEqualTo(1.0f);
        double f1 = Math.pow(10000, -2.0 / 16);
        double smooth = (64 / (2 * Math.PI / f1) - 1) / 3;
        assertThat((double) inv[1]).isCloseTo((1 - smooth) * f1 / 8 + smooth * f1, within(1e-7));
        assertThat((double) inv[3]).isCloseTo(Math.pow(10000, -6.0 / 16) / 8, within(1e-8));
    }

    @Test
    void errorsNameTheKeyAndFile(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> parse("{\"hidden_size\":64}")).hasMessageContaining("'num_attention_heads'");
        assertThatThrownBy(() -> parse("{\"hidden_size\":64,\"intermediate_size\":128,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":3,\"num_hidden_layers\":1,\"vocab_size\":10}"))
                .hasMessageContaining("multiple of num_key_value_heads (3)");
        assertThatThrownBy(() -> parse("{\"model_type\":\"mistral\"}")).hasMessageContaining("model_type 'mistral'");
        assertThatThrownBy(() -> parse("{\"hidden_size\":64,\"intermediate_size\":128,\"num_attention_heads\":4,"
                + "\"num_hidden_layers\":1,\"vocab_size\":10,\"rope_scaling\":{\"type\":\"yarn\",\"factor\":2}}"))
                .hasMessageContaining("'yarn' is not supported");
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"hidden_size\":\"big\"}");
        assertThatThrownBy(() -> LlamaConfig.read(f)).hasMessageContaining(f.toString())
                .hasMessageContaining("'hidden_size' must be an integer");
    }
}
