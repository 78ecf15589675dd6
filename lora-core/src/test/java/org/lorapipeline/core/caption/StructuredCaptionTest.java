package org.lorapipeline.core.caption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StructuredCaptionTest {
    private static final String SEED = "**cyberpunk cityscape, ink wash**, neon lights, rain, *moody, high contrast*";

    @Test
    void parsesTheSeedExampleIntoOrderedGroups() {
        StructuredCaption caption = StructuredCaption.parse(SEED);

        assertThat(caption.core()).containsExactly("cyberpunk cityscape", "ink wash");
        assertThat(caption.plain()).containsExactly("neon lights", "rain");
        assertThat(caption.mood()).containsExactly("moody", "high contrast");
        assertThat(caption.groups()).extracting(TagGroup::kind)
                .containsExactly(TagKind.CORE, TagKind.PLAIN, TagKind.MOOD);
        assertThat(caption.plainText())
                .isEqualTo("cyberpunk cityscape, ink wash, neon lights, rain, moody, high contrast");
    }

    @Test
    void renderRoundTripsCanonicalTextAndNormalisesSpacing() {
        assertThat(StructuredCaption.parse(SEED).render()).isEqualTo(SEED);

        StructuredCaption messy = StructuredCaption.parse("  neon ,*moody* ,  **city,  ink**,rain,, ");
        assertThat(messy.render()).isEqualTo("neon, *moody*, **city, ink**, rain");
        assertThat(StructuredCaption.parse(messy.render())).isEqualTo(messy);
    }

    @Test
    void keepsStructureOfRepeatedGroupsAndPlainRunsBetweenThem() {
        StructuredCaption caption = StructuredCaption.parse("a, **b**, c, d, **e**, *f*");

        assertThat(caption.groups()).containsExactly(
                new TagGroup(TagKind.PLAIN, List.of("a")),
                new TagGroup(TagKind.CORE, List.of("b")),
                new TagGroup(TagKind.PLAIN, List.of("c", "d")),
                new TagGroup(TagKind.CORE, List.of("e")),
                new TagGroup(TagKind.MOOD, List.of("f")));
        assertThat(caption.core()).containsExactly("b", "e");
    }

    @Test
    void tagsAreLowerCasedInOrderForFrequencyReports() {
        assertThat(StructuredCaption.parse("**Cyberpunk City**, Neon, *MOODY*").tags())
                .containsExactly("cyberpunk city", "neon", "moody");
    }

    @Test
    void plainCaptionsAndUnicodeAreAccepted() {
        StructuredCaption caption = StructuredCaption.parse("机器人僧侣, cherry blossoms");
        assertThat(caption.plain()).containsExactly("机器人僧侣", "cherry blossoms");
        assertThat(caption.core()).isEmpty();
        assertThat(StructuredCaption.parse("   ").isEmpty()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "**city, neon|1|never closed",
        "city, *moody|7|never closed",
        "**a, *b*, c**|6|nested",
        "*a, **b**, c*|5|nested",
        "***a***|1|at once",
        "**  **, a|1|empty",
        "*, *|1|empty",
        "ne*on, rain|3|inside the tag 'ne*on'",
        "**city** lights, rain|10|separated by a comma",
    })
    void brokenMarkupNamesTheColumnAndTheFix(String text, int column, String fragment) {
        assertThatThrownBy(() -> StructuredCaption.parse(text))
                .isInstanceOfSatisfying(CaptionSyntaxException.class, e -> {
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.getMessage()).startsWith("caption column " + column + ": ").contains(fragment);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"**a, b", "a*, b"})
    void lenientReadingKeepsWordsOfBrokenCaptions(String text) {
        assertThat(StructuredCaption.lenient(text).plain()).containsExactly("a", "b");
    }

    @Test
    void tagGroupRejectsTagsThatCouldNotRoundTrip() {
        assertThatThrownBy(() -> new TagGroup(TagKind.CORE, List.of("a, b")))
                .hasMessageContaining("'a, b'");
        assertThatThrownBy(() -> new TagGroup(TagKind.MOOD, List.of()))
                .hasMessageContaining("tags must not be empty");
    }
}
