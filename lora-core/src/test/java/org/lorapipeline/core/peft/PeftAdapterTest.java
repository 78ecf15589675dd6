package org.lorapipeline.core.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.core.testing.SharedReference;

class PeftAdapterTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheReferenceAdapter() {
        PeftAdapter a = PeftAdapter.read(SharedReference.path("llama-tiny/peft"));
        AdapterConfig c = a.config();
        assertThat(c.r()).isEqualTo(4);
        assertThat(c.lora_alpha()).isEqualTo(8.0);
        assertThat(c.task_type()).isEqualTo("CAUSAL_LM");
        assertThat(c.base_model_name_or_path()).isEqualTo("../hf");
        assertThat(c.inference_mode()).isTrue();
        assertThat(c.targetModuleNames())
                .containsExactly("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
        assertThat(a.tensors()).hasSize(28);
        for (int layer = 0; layer < 2; layer++) {
            for (LlamaProjection p : LlamaProjection.values()) {
                assertThat(a.tensors().get(PeftKeys.loraA(layer, p)).shape()[0]).isEqualTo(4);
                assertThat(a.tensors().get(PeftKeys.loraB(layer, p)).shape()[1]).isEqualTo(4);
            }
        }
        // GQA: k/v project to 2 KV heads x 16 = 32 rows; A of down_proj reads the 128-wide FFN
        assertThat(a.tensors().get(PeftKeys.loraB(0, LlamaProjection.K_PROJ)).shape()).containsExactly(32, 4);
        assertThat(a.tensors().get(PeftKeys.loraA(1, LlamaProjection.DOWN_PROJ)).shape()).containsExactly(4, 128);
    }

    @Test
    void writesItBackUnchanged() throws IOException {
        Path ref = SharedReference.path("llama-tiny/peft");
        PeftAdapter a = PeftAdapter.read(ref);
        Path out = tmp.resolve("adapter");
        a.write(out);
        PeftAdapter b = PeftAdapter.read(out);
        assertThat(b.config()).isEqualTo(a.config());
        assertThat(b.tensors()).isEqualTo(a.tensors());
        assertThat(Files.readString(out.resolve(PeftAdapter.CONFIG_FILE))).startsWith("{\n  \"alpha_pattern\": {},");
        // the tensor data is the same bytes in the same order as the Python-written file
        try (SafetensorsFile x = SafetensorsFile.open(ref.resolve(PeftAdapter.WEIGHTS_FILE));
                SafetensorsFile y = SafetensorsFile.open(out.resolve(PeftAdapter.WEIGHTS_FILE))) {
            assertThat(y.infos()).isEqualTo(x.infos());
            assertThat(y.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void writesHalfPrecisionWeights() {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put(PeftKeys.loraA(0, LlamaProjection.Q_PROJ), FloatTensor.of(new float[] {0.5f, -1f}, 1, 2));
        t.put(PeftKeys.loraB(0, LlamaProjection.Q_PROJ), FloatTensor.of(new float[] {2f, 0.25f, 3f}, 3, 1));
        PeftAdapter a = new PeftAdapter(AdapterConfig.causalLm("m", 1, 1, List.of("q_proj")), t);
        a.write(tmp, DType.BF16);
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve(PeftAdapter.WEIGHTS_FILE))) {
            assertThat(f.info(PeftKeys.loraA(0, LlamaProjection.Q_PROJ)).dtype()).isEqualTo(DType.BF16);
        }
        assertThat(PeftAdapter.read(tmp).tensors()).isEqualTo(t);
    }

    @Test
    void rejectsUnpairedOrMismatchedTensors() {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put(PeftKeys.loraA(0, LlamaProjection.Q_PROJ), FloatTensor.of(new float[4], 2, 2));
        AdapterConfig c = AdapterConfig.causalLm("m", 2, 2, List.of("q_proj"));
        assertThatThrownBy(() -> new PeftAdapter(c, t).write(tmp)).hasMessageContaining("lora_B");
        t.put(PeftKeys.loraB(0, LlamaProjection.Q_PROJ), FloatTensor.of(new float[3], 3, 1));
        assertThatThrownBy(() -> new PeftAdapter(c, t).write(tmp)).hasMessageContaining("same r");
    }

    @Test
    void explainsAMissingDirectory() {
        assertThatThrownBy(() -> PeftAdapter.read(tmp.resolve("nothing")))
                .isInstanceOf(PeftFormatException.class).hasMessageContaining("adapter_config.json");
    }
}
