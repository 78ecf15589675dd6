package org.lorapipeline.core.sd.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplePromptTest {
    private static final SamplePrompt DEFAULTS = SamplePrompt.defaults(42);

    @Test
    void kohyaOptionsOverrideTheDefaults() {
        SamplePrompt p = SamplePrompt.parse("masterpiece, 1girl, rain --n low quality, blurry --w 768 --h 512 --s 20"
                + " --l 6.5 --d 1234", DEFAULTS);
        assertThat(p).isEqualTo(new SamplePrompt("masterpiece, 1girl, rain", "low quality, blurry", 768, 512, 20, 6.5,
                1234));
    }

    @Test
    void missingOptionsKeepKohyaDefaultsAndStepsAreClamped() {
        SamplePrompt p = SamplePrompt.parse("a cat --S 5000 --D 3", DEFAULTS);
        assertThat(p).isEqualTo(new SamplePrompt("a cat", "", 512, 512, 1000, 7.5, 3));
        assertThat(SamplePrompt.parse("  a dog  ", DEFAULTS)).isEqualTo(new SamplePrompt("a dog", "", 512, 512, 30,
                7.5, 42));
        // an unknown option is skipped, the rest still applies
        assertThat(SamplePrompt.parse("a dog --cfgr 0.5 --w 640", DEFAULTS).width()).isEqualTo(640);
    }

    @Test
    void badNumbersNameTheOption() {
        assertThatThrownBy(() -> SamplePrompt.parse("a cat --w wide", DEFAULTS))
                .hasMessageContaining("--w").hasMessageContaining("wide").hasMessageContaining("a cat");
        assertThatThrownBy(() -> SamplePrompt.parse("a cat --s 0x", DEFAULTS)).hasMessageContaining("--s");
    }
}
