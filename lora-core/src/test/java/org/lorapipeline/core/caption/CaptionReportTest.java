package org.lorapipeline.core.caption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.dataset.CsvReader;
import org.lorapipeline.core.dataset.CsvRecord;

class CaptionReportTest {
    @TempDir
    Path dir;

    static final List<String> CAPTIONS = List.of(
            "**Cyberpunk cityscape, ink wash**, neon lights, rain, *moody*",
            "**cyberpunk cityscape**, Rain, rain",
            "neon lights, *moody, high contrast*",
            "**broken, rain");

    @Test
    void countsLikeKohyaWithMarkersStripped() {
        CaptionReport r = CaptionReport.of(CAPTIONS);
        // kohya: every occurrence after split(','), strip(), lower()
        assertThat(r.frequencies()).containsExactly(Map.entry("rain", 4L), Map.entry("cyberpunk cityscape", 2L),
                Map.entry("moody", 2L), Map.entry("neon lights", 2L), Map.entry("broken", 1L),
                Map.entry("high contrast", 1L), Map.entry("ink wash", 1L));
        assertThat(r.tags().get(0)).isEqualTo(new CaptionReport.TagCount("rain", 4, 3));
        assertThat(r.captions()).isEqualTo(4);
        assertThat(r.withCore()).isEqualTo(2);
        assertThat(r.withMood()).isEqualTo(2);
        assertThat(r.brokenMarkup()).isEqualTo(1);
        assertThat(r.coreShare()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void tableAndCsvCarryTheSameNumbers() throws Exception {
        Files.writeString(dir.resolve("metadata.csv"), "filename,prompt\n" + "a.png," + CAPTIONS.get(0) + "\n"
                + "b.png,\"" + CAPTIONS.get(1) + "\"\n" + "c.png," + CAPTIONS.get(2) + "\n");
        CaptionReport r = CaptionReport.of(dir);
        assertThat(r.captions()).isEqualTo(3);
        String table = r.table(2);
        assertThat(table).contains("with **core** group: 2 (66.7%)", "with *mood* group:   2 (66.7%)",
                "... 4 more tags");
        assertThat(table).containsPattern("rain +3 +2 +66\\.7%");
        List<CsvRecord> rows = CsvReader.read(r.csv(), 5);
        assertThat(rows.get(0).fields()).containsExactly("kind", "name", "count", "captions", "share");
        assertThat(rows.get(2).fields()).containsExactly("coverage", "core", "2", "2", "0.6667");
        assertThat(rows).filteredOn(x -> x.fields().get(0).equals("tag")).hasSize(r.tags().size())
                .first().satisfies(x -> assertThat(x.fields()).containsExactly("tag", "rain", "3", "2", "0.6667"));
    }
}
