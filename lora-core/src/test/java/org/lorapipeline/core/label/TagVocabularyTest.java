package org.lorapipeline.core.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.caption.TagKind;

class TagVocabularyTest {
    @TempDir
    Path tmp;

    @Test
    void builtInCategoriesHaveTheirKindsTemplatesAndRealTags() {
        TagVocabulary v = TagVocabulary.builtIn();
        assertThat(v.categories()).extracting(TagCategory::name)
                .containsExactly("subject", "style", "lighting", "colour", "composition", "mood");
        assertThat(v.categories()).extracting(TagCategory::kind).containsExactly(TagKind.CORE, TagKind.CORE,
                TagKind.MOOD, TagKind.PLAIN, TagKind.PLAIN, TagKind.MOOD);
        for (TagCategory c : v.categories()) {
            assertThat(c.tags()).as(c.name()).hasSizeGreaterThanOrEqualTo(18);
        }
        assertThat(v.category("style").tags()).containsKey("ink wash");
        assertThat(v.category("style").prompts("ink wash")).containsExactly("in the style of ink wash",
                "ink wash artwork");
        assertThat(v.category("subject").topK()).isEqualTo(2);
        assertThat(v.category("subject").threshold()).isEqualTo(0.21f);
    }

    @Test
    void userFilesExtendACategoryOverrideDirectivesAndAddNewOnes() throws Exception {
        Files.writeString(tmp.resolve("style.txt"), "# mine\n@threshold: 0.3\nink wash\nguohua | a traditional"
                + " chinese guohua painting\n");
        Files.writeString(tmp.resolve("weather.txt"), "@kind: mood\n@template: {} weather\nstormy\nsunny\n");
        TagVocabulary v = TagVocabulary.builtInPlus(tmp);
        TagCategory style = v.category("style");
        assertThat(style.threshold()).isEqualTo(0.3f);
        assertThat(style.templates()).containsExactly("in the style of {}", "{} artwork");
        assertThat(style.tagList()).contains("pixel art").endsWith("guohua");
        assertThat(style.tagList()).filteredOn("ink wash"::equals).hasSize(1);
        assertThat(style.prompts("guohua")).containsExactly("a traditional chinese guohua painting");
        TagCategory weather = v.category("weather");
        assertThat(weather.kind()).isEqualTo(TagKind.MOOD);
        assertThat(weather.prompts("stormy")).containsExactly("stormy weather");
        assertThat(v.categories().get(v.categories().size() - 1).name()).isEqualTo("weather");
    }

    @Test
    void mistakesNameTheFileAndLine() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.txt"), "cat\n@top_k: many\n");
        assertThatThrownBy(() -> TagVocabulary.builtIn().extendedBy(List.of(f)))
                .hasMessageContaining("bad.txt line 2").hasMessageContaining("'many' is not a number for @top_k");
        Files.writeString(f, "@kind: loud\ncat\n");
        assertThatThrownBy(() -> TagVocabulary.builtIn().extendedBy(List.of(f)))
                .hasMessageContaining("bad.txt line 1").hasMessageContaining("core, mood or plain");
        Files.writeString(f, "red, blue\n");
        assertThatThrownBy(() -> TagVocabulary.builtIn().extendedBy(List.of(f)))
                .hasMessageContaining("bad.txt line 1").hasMessageContaining("free of ','");
        Files.writeString(f, "@template: a photo\ncat\n");
        assertThatThrownBy(() -> TagVocabulary.builtIn().extendedBy(List.of(f)))
                .hasMessageContaining("bad.txt line 1").hasMessageContaining("{}");
        Files.writeString(f, "# only a comment\n");
        assertThatThrownBy(() -> TagVocabulary.builtIn().extendedBy(List.of(f)))
                .hasMessageContaining("bad.txt").hasMessageContaining("no tags");
        assertThatThrownBy(() -> TagVocabulary.builtInPlus(tmp.resolve("missing")))
                .hasMessageContaining("missing").hasMessageContaining("not found");
    }
}
