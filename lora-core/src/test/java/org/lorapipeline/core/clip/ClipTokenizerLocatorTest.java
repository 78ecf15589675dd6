package org.lorapipeline.core.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerLocatorTest {
    @TempDir
    Path tmp;

    private static Path tokenizerIn(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("vocab.json"), "{}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        return dir;
    }

    private ClipTokenizerLocator locator(Map<String, String> env) {
        return new ClipTokenizerLocator(env, tmp.resolve("home"));
    }

    @Test
    void explicitFolderWinsOverTheModelFolder() throws Exception {
        Path explicit = tokenizerIn(tmp.resolve("mine"));
        Path model = tokenizerIn(tmp.resolve("clip"));
        assertThat(locator(Map.of()).locate(explicit, model)).isEqualTo(explicit);
        assertThat(locator(Map.of()).locate(null, model)).isEqualTo(model);
    }

    @Test
    void diffusersTokenizerFolderInsideOrBesideTheModel() throws Exception {
        Path pipeline = tmp.resolve("sd15");
        Path tok = tokenizerIn(pipeline.resolve("tokenizer"));
        Files.createDirectories(pipeline.resolve("text_encoder"));
        Path file = Files.writeString(pipeline.resolve("text_encoder/model.safetensors"), "x");
        assertThat(locator(Map.of()).locate(null, pipeline)).isEqualTo(tok);
        assertThat(locator(Map.of()).locate(null, pipeline.resolve("text_encoder")).toAbsolutePath())
                .isEqualTo(tok.toAbsolutePath());
        assertThat(locator(Map.of()).locate(null, file)).isEqualTo(tok.toAbsolutePath());
    }

    @Test
    void hubCacheSnapshotNamedByRefsMainUnderHfHome() throws Exception {
        Path repo = tmp.resolve("hf/hub/models--openai--clip-vit-large-patch14");
        tokenizerIn(repo.resolve("snapshots/aaa"));
        Path main = tokenizerIn(repo.resolve("snapshots/bbb"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "bbb\n");
        assertThat(locator(Map.of("HF_HOME", tmp.resolve("hf").toString())).locate(null, tmp.resolve("none")))
                .isEqualTo(main);
    }

    @Test
    void defaultHubCacheIsUnderTheUserHome() throws Exception {
        Path snap = tokenizerIn(tmp.resolve(
                "home/.cache/huggingface/hub/models--openai--clip-vit-large-patch14/snapshots/rev1"));
        assertThat(locator(Map.of()).locate(null, null)).isEqualTo(snap);
    }

    @Test
    void errorNamesEveryPlaceLooked() {
        Path model = tmp.resolve("model");
        assertThatThrownBy(() -> locator(Map.of("HF_HUB_CACHE", tmp.resolve("cache").toString()))
                .locate(tmp.resolve("explicit"), model))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(tmp.resolve("explicit").toString())
                .hasMessageContaining(model.resolve("tokenizer").toString())
                .hasMessageContaining(tmp.resolve("cache/models--openai--clip-vit-large-patch14/snapshots").toString())
                .hasMessageContaining(tmp.resolve(
                        "home/.cache/huggingface/hub/models--openai--clip-vit-large-patch14/snapshots").toString())
                .hasMessageContaining("Pass the tokenizer folder explicitly");
    }
}
