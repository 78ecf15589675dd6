package org.lorapipeline.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/config.md documents every key, with the aliases and model families the schema has. */
class ConfigDocsTest {
    private static final Pattern CODE_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static String docs;
    private static final Map<String, String[]> ROWS = new LinkedHashMap<>();

    @BeforeAll
    static void readDocs() throws IOException {
        Path file = null;
        // Surefire runs in the module dir; walk up to the repository root that holds docs/.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && file == null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/config.md"))) {
                file = dir.resolve("docs/config.md");
            }
        }
        assertThat(file).as("docs/config.md above the module dir").isNotNull();
        docs = Files.readString(file);
        for (String line : docs.split("\n")) {
            if (line.startsWith("| `")) {
                String[] cells = Arrays.stream(line.split("\\|", -1)).map(String::trim).toArray(String[]::new);
                // cells: "", key, type, default, aliases, models, meaning, ""
                ROWS.put(cells[1].replace("`", ""), cells);
            }
        }
    }

    @Test
    void everyKeyHasOneRowWithItsAliasesAndModels() {
        for (ConfigKey key : ConfigKeys.all()) {
            String[] row = ROWS.get(key.name());
            assertThat(row).as("row for `%s` in docs/config.md", key.name()).isNotNull();
            List<String> aliases = Arrays.stream(row[4].split(",")).map(s -> s.trim().replace("`", ""))
                    .filter(s -> !s.isEmpty()).toList();
            assertThat(aliases).as("aliases of %s", key.name()).isEqualTo(key.aliases());
            assertThat(row[5]).as("models of %s", key.name()).isEqualTo(key.applies().name().toLowerCase());
            for (String choice : key.choices()) {
                assertThat(row[2]).as("choices of %s", key.name()).contains("`" + choice + "`");
            }
        }
        assertThat(ROWS.keySet()).as("documented keys").containsExactlyElementsOf(
                ConfigKeys.all().stream().map(ConfigKey::name).toList());
    }

    @Test
    void everyYamlExampleInTheDocsLoads() {
        Matcher m = CODE_BLOCK.matcher(docs);
        int examples = 0;
        while (m.find()) {
            RunConfig c = RunConfig.parse(m.group(1), "docs/config.md example " + (++examples));
            assertThat(c.origin().written()).isNotEmpty();
        }
        assertThat(examples).isEqualTo(3);
    }
}
