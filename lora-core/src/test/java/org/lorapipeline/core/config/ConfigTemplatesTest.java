package org.lorapipeline.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The `lora init` templates list every key of their family with its real default, so they cannot drift. */
class ConfigTemplatesTest {
    private static final Pattern KEY_LINE = Pattern.compile("^(# )?([a-z_0-9]+):", Pattern.MULTILINE);

    static ModelFamily family(String template) {
        return template.equals("llm") ? ModelFamily.LLM : ModelFamily.SD;
    }

    /** The template's own paths and model type with nothing else: pure defaults. */
    static String minimal(RunConfig c) {
        return "model_type: " + c.model().modelType().yamlName() + "\n"
                + "base_model: \"" + c.model().baseModel() + "\"\n"
                + "train_data_dir: \"" + c.data().trainDataDir() + "\"\n"
                + "output_dir: \"" + c.output().outputDir() + "\"\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"llm", "sd"})
    void templateParsesAndShowsExactlyTheDefaults(String name) {
        RunConfig fromTemplate = RunConfig.parse(ConfigTemplates.text(name), name + ".yaml");

        assertThat(fromTemplate.family()).isEqualTo(family(name));
        assertThat(fromTemplate).isEqualTo(RunConfig.parse(minimal(fromTemplate), "minimal.yaml"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"llm", "sd"})
    void templateListsEveryKeyOfItsFamilyAndNoOther(String name) {
        String text = ConfigTemplates.text(name);
        List<String> listed = KEY_LINE.matcher(text).results().map(m -> m.group(2)).toList();

        for (ConfigKey key : ConfigKeys.all()) {
            if (key.applies().to(family(name))) {
                assertThat(listed).as("key %s in %s.yaml", key.name(), name).containsOnlyOnce(key.name());
            } else {
                assertThat(listed).as("foreign key %s in %s.yaml", key.name(), name).doesNotContain(key.name());
            }
        }
        assertThat(listed).allSatisfy(k -> assertThat(ConfigKeys.byName(k)).as(k).isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llm", "sd"})
    void everyCommentedExampleIsValidWhenUncommented(String name) {
        String text = ConfigTemplates.text(name);
        String minimal = minimal(RunConfig.parse(text, name + ".yaml"));
        Matcher m = Pattern.compile("^# ([a-z_0-9]+:.*)$", Pattern.MULTILINE).matcher(text);
        int examples = 0;
        while (m.find()) {
            String line = m.group(1);
            String extra = line.startsWith("text_encoder_lr:") ? "train_text_encoder: true\n" : "";
            RunConfig c = RunConfig.parse(minimal + extra + line + "\n", name + ".yaml (uncommented)");
            assertThat(c.origin().written()).containsKey(line.substring(0, line.indexOf(':')));
            examples++;
        }
        assertThat(examples).isGreaterThanOrEqualTo(6);
    }

    @Test
    void unknownTemplateNameSaysWhichExist() {
        assertThatThrownBy(() -> ConfigTemplates.text("sdxl"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[llm, sd]");
        assertThat(ConfigTemplates.names()).containsExactly("llm", "sd");
    }
}
