package org.lorapipeline.core.sd.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.caption.StructuredCaption;

class CaptionProcessorTest {
    private static final StructuredCaption SEED_STYLE =
            StructuredCaption.parse("**cyberpunk cityscape, ink wash**, neon lights, rain, fog, *moody, high contrast*");

    @Test
    void plainPutsCoreThenMoodThenPlainWithoutMarkers() {
        assertThat(CaptionProcessor.plain(SEED_STYLE))
                .isEqualTo("cyberpunk cityscape, ink wash, moody, high contrast, neon lights, rain, fog");
        assertThat(CaptionProcessor.plain(StructuredCaption.empty())).isEmpty();
    }

    @Test
    void withoutShuffleOrDropoutRenderEqualsPlain() {
        CaptionProcessor p = new CaptionProcessor(SdDataFixtures.image(512, true, false, true, false, 0, 0));
        assertThat(p.render(SEED_STYLE, new SplittableRandom(1))).isEqualTo(CaptionProcessor.plain(SEED_STYLE));
    }

    @Test
    void shuffleMovesOnlyPlainTagsAndCoreAndMoodStayFirstOverManySeeds() {
        CaptionProcessor p = new CaptionProcessor(true, 0, 0);
        Set<String> orders = new HashSet<>();
        for (long seed = 0; seed < 500; seed++) {
            String out = p.render(SEED_STYLE, new SplittableRandom(seed));
            List<String> tags = Arrays.asList(out.split(", "));
            assertThat(out).doesNotContain("*");
            assertThat(tags.subList(0, 4)).containsExactly("cyberpunk cityscape", "ink wash", "moody", "high contrast");
            assertThat(tags.subList(4, 7)).containsExactlyInAnyOrder("neon lights", "rain", "fog");
            orders.add(String.join("|", tags.subList(4, 7)));
        }
        assertThat(orders).hasSize(6); // all 3! orders of the plain tags occur
    }

    @Test
    void keepTokensCountsCoreAndMoodFirstThenFixesLeadingPlainTags() {
        StructuredCaption c = StructuredCaption.parse("**sks dog**, a, b, c, d, *warm*");
        // core (1) + mood (1) = 2 fixed; keep_tokens 3 also fixes plain 'a'
        CaptionProcessor keep3 = new CaptionProcessor(true, 3, 0);
        // keep_tokens 1 is already covered by the core tag: every plain tag may move
        CaptionProcessor keep1 = new CaptionProcessor(true, 1, 0);
        Set<String> firstPlainKeep1 = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            List<String> tags3 = Arrays.asList(keep3.render(c, new SplittableRandom(seed)).split(", "));
            assertThat(tags3.subList(0, 3)).containsExactly("sks dog", "warm", "a");
            assertThat(tags3.subList(3, 6)).containsExactlyInAnyOrder("b", "c", "d");
            List<String> tags1 = Arrays.asList(keep1.render(c, new SplittableRandom(seed)).split(", "));
            assertThat(tags1.subList(0, 2)).containsExactly("sks dog", "warm");
            firstPlainKeep1.add(tags1.get(2));
        }
        assertThat(firstPlainKeep1).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void keepTokensOnAnUnmarkedCaptionIsKohyas() {
        StructuredCaption c = StructuredCaption.parse("sks, dog, on grass, sunny, close-up");
        CaptionProcessor p = new CaptionProcessor(true, 2, 0);
        for (long seed = 0; seed < 100; seed++) {
            assertThat(p.render(c, new SplittableRandom(seed))).startsWith("sks, dog, ");
        }
    }

    @Test
    void dropoutEmptiesTheWholeCaptionAtAboutTheRate() {
        CaptionProcessor p = new CaptionProcessor(true, 0, 0.3);
        SplittableRandom rng = new SplittableRandom(42);
        int n = 20_000;
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            String out = p.render(SEED_STYLE, rng);
            if (out.isEmpty()) {
                dropped++;
            } else {
                assertThat(out).startsWith("cyberpunk cityscape, ink wash, moody, high contrast, ");
            }
        }
        // binomial sd = sqrt(0.3 * 0.7 / 20000) = 0.0032; 0.02 is more than 6 sd
        assertThat((double) dropped / n).isBetween(0.28, 0.32);
    }

    @Test
    void rateOneAlwaysDropsAndZeroNever() {
        for (long seed = 0; seed < 50; seed++) {
            assertThat(new CaptionProcessor(false, 0, 1.0).render(SEED_STYLE, new SplittableRandom(seed))).isEmpty();
            assertThat(new CaptionProcessor(true, 0, 0.0).render(SEED_STYLE, new SplittableRandom(seed))).isNotEmpty();
        }
    }

    @Test
    void sameSeedSameRender() {
        CaptionProcessor p = new CaptionProcessor(true, 0, 0.2);
        for (long seed = 0; seed < 50; seed++) {
            assertThat(p.render(SEED_STYLE, new SplittableRandom(seed)))
                    .isEqualTo(p.render(SEED_STYLE, new SplittableRandom(seed)));
        }
    }
}
