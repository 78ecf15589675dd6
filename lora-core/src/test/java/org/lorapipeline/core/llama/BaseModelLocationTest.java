package org.lorapipeline.core.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.testing.SharedReference;

class BaseModelLocationTest {

    @Test
    void rejectsTheSeedGgmlBinWithAHint(@TempDir Path dir) throws Exception {
        // ggjt v3 as llama.cpp wrote it: magic 0x67676a74 as a little-endian uint32, then version 3
        Path bin = dir.resolve("llama-2-7b-chat.ggmlv3.q4_0.bin");
        Files.write(bin, new byte[] {'t', 'j', 'g', 'g', 3, 0, 0, 0});
        assertThatThrownBy(() -> BaseModelLocation.resolve(bin))
                .hasMessageContaining(bin.toString())
                .hasMessageContaining("old GGML 'ggjt'")
                .hasMessageContaining("config.json + *.safetensors");
        Path plain = dir.resolve("weights.bin");
        Files.write(plain, new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> BaseModelLocation.resolve(plain)).hasMessageContaining("PyTorch/GGML .bin");
    }

    @Test
    void rejectsGgufFromTheReferenceSet() {
        Path gguf = SharedReference.path("llama-tiny/base.gguf");
        assertThatThrownBy(() -> BaseModelLocation.resolve(gguf)).hasMessageContaining("GGUF (llama.cpp)")
                .hasMessageContaining("Hugging Face LLaMA folder");
    }

    @Test
    void acceptsHfFoldersAndExplainsIncompleteOnes(@TempDir Path dir) throws Exception {
        BaseModelLocation ok = BaseModelLocation.resolve(SharedReference.path("llama-tiny/hf"));
        assertThat(ok.weightFiles()).hasSize(1);
        assertThat(ok.weightFiles().get(0).getFileName().toString()).isEqualTo("model.safetensors");
        assertThat(ok.indexJson()).isNull();

        assertThatThrownBy(() -> BaseModelLocation.resolve(dir)).hasMessageContaining("has no config.json");
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.write(dir.resolve("pytorch_model.bin"), new byte[8]);
        assertThatThrownBy(() -> BaseModelLocation.resolve(dir)).hasMessageContaining("re-save them as safetensors");
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{}");
        assertThat(BaseModelLocation.resolve(dir).indexJson()).isNotNull();
    }
}
