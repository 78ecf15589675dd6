package org.lorapipeline.core.clip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.testing.SharedReference;

/** The real CLIP vocabulary against ids that transformers' CLIPTokenizer produced for the same prompts. */
class ClipTokenizerGoldenTest {
    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = ClipTokenizer.load(SharedReference.path("clip-tokenizer"));
    }

    @Test
    void everyGoldenPromptGivesExactlyTheReferenceIds() throws Exception {
        JsonNode golden = new ObjectMapper().readTree(Files.readString(SharedReference.path(
                "clip-tokenizer/golden_ids.json")));
        assertThat(golden.size()).isGreaterThan(0);
        for (JsonNode entry : golden) {
            String text = entry.get("text").asText();
            int[] expected = new int[entry.get("ids").size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = entry.get("ids").get(i).asInt();
            }
            assertThat(tokenizer.encode(text)).as(text).containsExactly(expected);
        }
    }

    @Test
    void specialIdsAndSizeAreClips() {
        assertThat(tokenizer.bosId()).isEqualTo(49406);
        assertThat(tokenizer.eosId()).isEqualTo(49407);
        assertThat(tokenizer.vocabSize()).isEqualTo(49408);
    }

    @Test
    void longTextIsTruncatedKeepingEosLastAndCounted() {
        String text = "red ".repeat(100);
        int[] ids = tokenizer.encode(text);
        assertThat(ids).hasSize(77);
        assertThat(ids[0]).isEqualTo(49406);
        assertThat(ids[76]).isEqualTo(49407);
        assertThat(ids[75]).isEqualTo(ids[1]).isNotEqualTo(49407);
        assertThat(tokenizer.countTokens(text)).isEqualTo(100);
        assertThat(tokenizer.exceedsContext(text)).isTrue();
        assertThat(tokenizer.exceedsContext("red ".repeat(75))).isFalse();
        assertThat(tokenizer.exceedsContext("red ".repeat(76))).isTrue();
    }

    @Test
    void decodeRoundTripsCleanedText() {
        String text = "Cyberpunk  cityscape, 赛博朋克 rain-soaked";
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo("cyberpunk cityscape , 赛 博 朋 克 rain - soaked");
    }

    @Test
    void specialTokensInTextMapToTheirIds() {
        assertThat(tokenizer.tokenize("a <|endoftext|>")).containsExactly(320, 49407);
    }

    @Test
    void mismatchedFilesFailNamingTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 1}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .hasMessageContaining("vocab.json").hasMessageContaining("<|startoftext|>");
        Files.writeString(dir.resolve("vocab.json"), "[1]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .hasMessageContaining("vocab.json").hasMessageContaining("JSON object");
    }
}
