package org.lorapipeline.core.label;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagEmbeddingCacheTest {
    @TempDir
    Path tmp;

    /** Deterministic prompt embeddings from the prompt's characters, counting prompts embedded. */
    private static TextEmbedder counting(AtomicInteger calls) {
        return texts -> {
            float[][] out = new float[texts.size()][8];
            for (int i = 0; i < texts.size(); i++) {
                calls.incrementAndGet();
                String t = texts.get(i);
                for (int c = 0; c < t.length(); c++) {
                    out[i][c % 8] += t.charAt(c) % 13 - 6;
                }
                out[i][0] += 0.5f;
            }
            return out;
        };
    }

    @Test
    void secondRunReadsTheFileAndAnyChangeRecomputes() throws Exception {
        Path file = tmp.resolve("cache/tags.safetensors");
        AtomicInteger calls = new AtomicInteger();
        TagVocabulary v = TagRankerTest.VOCAB;
        TagEmbeddings first = TagEmbeddingCache.loadOrCompute(file, v, "tiny@1", counting(calls), 7);
        assertThat(calls.get()).isEqualTo(30);
        assertThat(file).exists();

        TagEmbeddings again = TagEmbeddingCache.loadOrCompute(file, v, "tiny@1", counting(calls), 7);
        assertThat(calls.get()).isEqualTo(30);
        for (TagCategory c : v.categories()) {
            assertThat(again.vectors(c.name())).isDeepEqualTo(first.vectors(c.name()));
        }

        TagEmbeddingCache.loadOrCompute(file, v, "tiny@2", counting(calls), 7);
        assertThat(calls.get()).isEqualTo(60);

        List<TagCategory> more = new ArrayList<>(v.categories());
        more.set(0, TagRankerTest.category("subject", more.get(0).kind(), 0.2f, 2, "cyberpunk cityscape", "cat",
                "forest", "dog"));
        TagEmbeddingCache.loadOrCompute(file, new TagVocabulary(more), "tiny@2", counting(calls), 7);
        assertThat(calls.get()).isEqualTo(60 + 32);
    }

    @Test
    void aCorruptCacheIsReplaced() throws Exception {
        Path file = Files.writeString(tmp.resolve("tags.safetensors"), "garbage");
        AtomicInteger calls = new AtomicInteger();
        TagEmbeddingCache.loadOrCompute(file, TagRankerTest.VOCAB, "m", counting(calls), 64);
        assertThat(calls.get()).isEqualTo(30);
        TagEmbeddingCache.loadOrCompute(file, TagRankerTest.VOCAB, "m", counting(calls), 64);
        assertThat(calls.get()).isEqualTo(30);
    }
}
