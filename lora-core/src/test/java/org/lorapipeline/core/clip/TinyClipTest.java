package org.lorapipeline.core.clip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.engine.TorchRuntime;

class TinyClipTest {
    @TempDir
    Path tmp;

    @Test
    void sameSeedWritesTheSameBytesAndAnotherSeedDifferentWeights() throws Exception {
        TinyClip.write(tmp.resolve("a"), 7);
        TinyClip.write(tmp.resolve("b"), 7);
        TinyClip.write(tmp.resolve("c"), 8);
        for (String f : List.of("config.json", "model.safetensors", "vocab.json", "merges.txt",
                "preprocessor_config.json")) {
            assertThat(Files.readAllBytes(tmp.resolve("a").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(f)));
        }
        assertThat(Files.readAllBytes(tmp.resolve("a/model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(tmp.resolve("c/model.safetensors")));
        assertThat(Files.size(tmp.resolve("a/model.safetensors"))).isLessThan(400_000);
    }

    @Test
    void theTinyTokenizerLoadsWithTheSameCodeAndUsesItsMerges() throws Exception {
        TinyClip.write(tmp, 1);
        ClipTokenizer tok = ClipTokenizer.load(tmp);
        int merges = Files.readAllLines(tmp.resolve("merges.txt")).size() - 1;
        assertThat(merges).isBetween(50, TinyClip.MERGES);
        assertThat(tok.vocabSize()).isEqualTo(512 + merges + 2);
        assertThat(tok.tokenStrings("a photo of")).containsExactly("a</w>", "photo</w>", "of</w>");
        assertThat(tok.countTokens("neon lights")).isLessThan("neonlights".length());
        // a word outside the corpus still encodes, as byte symbols and learned fragments
        assertThat(tok.decode(tok.encode("zebra xylophone"))).isEqualTo("zebra xylophone");
        int[] ids = tok.encode("a photo");
        assertThat(ids[0]).isEqualTo(tok.bosId());
        assertThat(ids[76]).isEqualTo(tok.eosId());
    }

    @Test
    void theTinyModelLoadsAndGivesUnitEmbeddings() throws Exception {
        TinyClip.write(tmp, 3);
        ClipTokenizer tok = ClipTokenizer.load(tmp);
        try (ClipModel model = ClipModel.load(tmp, TorchRuntime.open("cpu").newManager())) {
            assertThat(model.config().text().vocabSize()).isEqualTo(tok.vocabSize());
            float[][] t = model.embedTexts(tok, List.of("a photo of a cat", "neon lights"));
            assertThat(t).hasNumberOfRows(2);
            assertThat(t[0]).hasSize(TinyClip.PROJECTION_DIM);
            assertThat(norm(t[0])).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
            assertThat(t[0]).isNotEqualTo(t[1]);
            assertThat(model.logitScale()).isCloseTo((float) (1 / 0.07), org.assertj.core.api.Assertions.within(1e-3f));
            ClipImageProcessor proc = ClipImageProcessor.forModel(tmp, model.config().vision());
            assertThat(proc.cropSize()).isEqualTo(TinyClip.IMAGE_SIZE);
            float[] px = new float[3 * 32 * 32];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) Math.sin(i * 0.01);
            }
            float[][] img = model.embedImages(List.of(px));
            assertThat(norm(img[0])).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f * f;
        }
        return Math.sqrt(s);
    }
}
