package org.lorapipeline.core.llama;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.safetensors.SafetensorsFile;

class TinyLlamaFolderTest {
    @TempDir
    Path dir;

    @Test
    void writesAHuggingFaceFolderThatLoadsThroughTheFullModelPath() throws Exception {
        LlamaConfig written = TinyLlamaFolder.write(dir, 3);
        assertThat(dir.resolve("generation_config.json")).exists();
        assertThat(new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("architectures").get(0).asText())
                .isEqualTo("LlamaForCausalLM");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.names()).hasSize(TinyLlamaFolder.shapes(written).size());
        }
        assertThat(TinyLlamaFolder.parameterCount(written)).isEqualTo(TinyLlamaFolder.shapes(written).values().stream()
                .mapToLong(s -> java.util.Arrays.stream(s).reduce(1, (a, b) -> a * b)).sum());

        try (LlamaTokenizer tok = LlamaTokenizer.open(dir);
             NDManager m = TorchRuntime.open("cpu").newManager();
             LlamaModel model = LlamaCheckpoint.load(dir, m.newSubManager())) {
            assertThat(model.config()).isEqualTo(written);
            String text = "Below is an instruction.\n\n### Response:\n退货 refund, 42 €!";
            long[] ids = tok.encode(text);
            assertThat(ids[0]).isEqualTo(tok.bosId()).isEqualTo(1);
            assertThat(tok.eosId()).isEqualTo(2);
            assertThat(tok.padId()).as("no pad_token: pad with eos").isEqualTo(2);
            assertThat(tok.decode(ids)).isEqualTo(text);
            // learned merges: template words are single tokens; unknown characters fall back to bytes
            assertThat(tok.tokens("### Response:")).containsExactly("<s>", "▁###", "▁Response:");
            assertThat(tok.tokens("退")).containsExactly("<s>", "▁", "<0xE9>", "<0x80>", "<0x80>");
            assertThat(java.util.Arrays.stream(ids).max().getAsLong()).isLessThan(written.vocabSize());
            NDArray logits = model.forward(Tensors.ids(m, new long[][] {ids}), false);
            assertThat(logits.getShape().getShape()).containsExactly(1, ids.length, written.vocabSize());
        }
    }

    @Test
    void sameSeedSameFolder() throws Exception {
        TinyLlamaFolder.write(dir.resolve("a"), 5);
        TinyLlamaFolder.write(dir.resolve("b"), 5);
        for (String f : new String[] {"model.safetensors", "tokenizer.json", "config.json"}) {
            assertThat(Files.readAllBytes(dir.resolve("a").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(f)));
        }
    }
}
