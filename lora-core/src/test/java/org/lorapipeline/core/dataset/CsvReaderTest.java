package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {
    @Test
    void seedRowsSplitOnTheFirstComma() {
        String csv = "filename,prompt\n"
                + "img01.jpg,cyberpunk cityscape, neon lights, rain-soaked streets, Chinese ink style\n"
                + "img02.jpg,robot monk meditating under cherry blossoms, ink wash texture, soft glow\n";

        List<CsvRecord> records = CsvReader.read(csv, 2);

        assertThat(records).hasSize(3);
        assertThat(records.get(1).fields()).containsExactly("img01.jpg",
                "cyberpunk cityscape, neon lights, rain-soaked streets, Chinese ink style");
        assertThat(records.get(1).columns()).containsExactly(1, 11);
        assertThat(records.get(2).line()).isEqualTo(3);
    }

    @Test
    void rfc4180QuotedFieldsAreUnquoted() {
        String csv = "\"my file, 1.png\",\"city, \"\"neon\"\", rain\"\r\n"
                + "b.png,  \"spaced quote\"\r\n";

        List<CsvRecord> records = CsvReader.read(csv, 2);

        assertThat(records.get(0).fields()).containsExactly("my file, 1.png", "city, \"neon\", rain");
        assertThat(records.get(0).columns()).containsExactly(2, 19);
        assertThat(records.get(0).warning()).isNull();
        assertThat(records.get(1).fields()).containsExactly("b.png", "spaced quote");
        assertThat(records.get(1).line()).isEqualTo(2);
    }

    @Test
    void quotedLineBreaksKeepLaterLineNumbersRight() {
        String csv = "a.png,\"two\nlines\"\n\n\nb.png,after\n";

        List<CsvRecord> records = CsvReader.read(csv, 2);

        assertThat(records).extracting(CsvRecord::line).containsExactly(1, 5);
        assertThat(records.get(0).fields().get(1)).isEqualTo("two\nlines");
    }

    @Test
    void badlyQuotedLastFieldIsTakenVerbatimWithAWarning() {
        String csv = "a.png,\"quoted phrase\" then more, rain\nb.png,\"never closed, fog\nc.png,ok\n";

        List<CsvRecord> records = CsvReader.read(csv, 2);

        assertThat(records).hasSize(3);
        assertThat(records.get(0).fields().get(1)).isEqualTo("\"quoted phrase\" then more, rain");
        assertThat(records.get(0).warning()).contains("column 7");
        assertThat(records.get(1).fields().get(1)).isEqualTo("\"never closed, fog");
        assertThat(records.get(2).fields()).containsExactly("c.png", "ok");
    }

    @Test
    void badQuoteInAMiddleFieldIsAnError() {
        List<CsvRecord> records = CsvReader.read("a.png,\"broken, x,y\nb.png,t,c\n", 3);

        assertThat(records.get(0).error()).contains("field 2").contains("column 7");
        assertThat(records.get(1).fields()).containsExactly("b.png", "t", "c");
    }

    @Test
    void writerQuotesOnlyWhatNeedsItAndRoundTrips() {
        List<String> fields = List.of("plain.png", "a, b", "say \"hi\"", "two\nlines", " padded ", "机器人");

        String row = CsvWriter.row(fields);

        assertThat(row).isEqualTo("plain.png,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \",机器人\n");
        assertThat(CsvReader.read(row, fields.size()).get(0).fields()).isEqualTo(fields);
    }
}
