package org.lorapipeline.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.gguf.GgufLoraExport;
import org.lorapipeline.core.peft.AdapterConfig;
import org.lorapipeline.core.peft.LlamaProjection;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.peft.PeftKeys;
import org.lorapipeline.core.tensor.FloatTensor;

class ExportVerifierTest {
    @TempDir
    Path tmp;

    private static PeftAdapter adapter(float value) {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put(PeftKeys.loraA(0, LlamaProjection.Q_PROJ), new FloatTensor(new long[] {2, 8}, filled(16, 0.1f)));
        float[] b = filled(16, 0.2f);
        b[5] = value;
        t.put(PeftKeys.loraB(0, LlamaProjection.Q_PROJ), new FloatTensor(new long[] {8, 2}, b));
        return new PeftAdapter(AdapterConfig.causalLm("base", 2, 4, List.of("q_proj")), t);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void finitePeftAdapterPassesAndCountsTensors() {
        adapter(0.3f).write(tmp);
        assertThat(ExportVerifier.peft(tmp)).isEqualTo(2);
        assertThat(ExportVerifier.modules(adapter(0.3f))).containsExactly("model.layers.0.self_attn.q_proj");
    }

    @Test
    void nanInTheAdapterIsRefusedNamingTheTensorAndIndex() {
        adapter(Float.NaN).write(tmp);
        assertThatThrownBy(() -> ExportVerifier.peft(tmp)).isInstanceOf(ExportVerificationException.class)
                .hasMessageContaining(PeftKeys.loraB(0, LlamaProjection.Q_PROJ)).hasMessageContaining("index 5")
                .hasMessageContaining("adapter_model.safetensors");
    }

    @Test
    void ggufWithFewerTensorsThanTheAdapterIsRefused() {
        Path file = tmp.resolve("a.gguf");
        GgufLoraExport.build(adapter(0.3f), new GgufLoraExport.LlamaHeads(2, 2), "A").write(file);
        ExportVerifier.gguf(file, 2);
        assertThatThrownBy(() -> ExportVerifier.gguf(file, 4)).isInstanceOf(ExportVerificationException.class)
                .hasMessageContaining("2 tensors, expected 4");
    }

    @Test
    void ggufWithInfinityIsRefused() {
        Path file = tmp.resolve("b.gguf");
        GgufLoraExport.build(adapter(Float.POSITIVE_INFINITY), new GgufLoraExport.LlamaHeads(2, 2), "B").write(file);
        assertThatThrownBy(() -> ExportVerifier.gguf(file, 2)).isInstanceOf(ExportVerificationException.class)
                .hasMessageContaining("Infinity");
    }
}
