package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.image.Sha256;

class TextDatasetTest {
    @TempDir
    Path dir;

    @Test
    void seedTextFormCountsRecordsAndResponseMarkers() throws Exception {
        Path file = Fixtures.text(dir.resolve("support.jsonl"), """
                {"text": "用户反馈商品发错货了,怎么办?\\n\\n### Response:\\n1. 确认订单号与发货记录"}
                {"text": "买家说收到的商品有破损,如何处理?\\n\\n### Response:\\n1. 请求提供照片证据"}
                {"text": "plain pre-training text"}
                """);

        DatasetReport report = DatasetInspector.inspect(file, InspectionRules.defaults());

        assertThat(report.problems()).isEmpty();
        assertThat(report.kind()).isEqualTo(DatasetKind.TEXT);
        assertThat(report.layout()).isEqualTo(DatasetLayout.TEXT_JSONL);
        assertThat(report.texts()).singleElement().satisfies(t -> {
            assertThat(t.path()).isEqualTo("support.jsonl");
            assertThat(t.records()).isEqualTo(3);
            assertThat(t.responseMarked()).isEqualTo(2);
            assertThat(t.sha256()).isEqualTo(Sha256.hex(file));
            assertThat(t.bytes()).isEqualTo(Files.size(file));
        });
        assertThat(report.itemCount()).isEqualTo(3);
    }

    @Test
    void alpacaRecordsWithSystemAndHistoryAreValidated() throws Exception {
        Fixtures.text(dir.resolve("data/alpaca.jsonl"), """
                {"instruction": "Refund?", "input": "", "output": "1. Check the order", "system": "You are support", "history": [["hi", "hello"]]}
                {"instruction": "No output"}
                {"instruction": "Bad history", "output": "x", "history": [["only one"]]}
                {"instruction": "Empty answer", "output": " "}
                {"instruction": 3, "output": "x"}
                {"text": "mixed in"}
                not json at all
                """);

        DatasetReport report = DatasetInspector.inspect(dir.resolve("data"), InspectionRules.defaults());

        assertThat(report.layout()).isEqualTo(DatasetLayout.ALPACA_JSONL);
        assertThat(report.texts()).singleElement().satisfies(t -> {
            assertThat(t.format()).isEqualTo(TextFormat.ALPACA);
            assertThat(t.records()).isEqualTo(2);
        });
        assertThat(report.problems(ProblemCode.JSON_FIELD)).extracting(Problem::line).containsExactly(2, 3, 5);
        assertThat(report.problems(ProblemCode.JSON_FIELD).get(0).message()).contains("'output'");
        assertThat(report.problems(ProblemCode.JSON_FIELD).get(1).message()).contains("history");
        assertThat(report.problems(ProblemCode.TEXT_EMPTY)).extracting(Problem::line).containsExactly(4);
        assertThat(report.problems(ProblemCode.TEXT_FORMAT_MIXED)).extracting(Problem::line).containsExactly(6);
        assertThat(report.problems(ProblemCode.JSON_SYNTAX)).extracting(Problem::line).containsExactly(7);
        assertThat(report.accepted()).isFalse();
    }

    @Test
    void nonUtf8LineIsRejectedWithItsNumberAndOtherLinesStillCount() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("{\"text\": \"ok\"}\r\n{\"text\": \"".getBytes(StandardCharsets.UTF_8));
        bytes.write("你好".getBytes(Charset.forName("GBK")));
        bytes.write("\"}\n{\"text\": \"ok again\"}".getBytes(StandardCharsets.UTF_8));
        Path file = Fixtures.write(dir.resolve("gbk.jsonl"), bytes.toByteArray());

        DatasetReport report = DatasetInspector.inspect(file, InspectionRules.defaults());

        assertThat(report.problems(ProblemCode.NOT_UTF8)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(11);
        });
        assertThat(report.texts().get(0).records()).isEqualTo(2);
        assertThat(report.accepted()).isFalse();
    }

    @Test
    void emptyFileHasNoItemsAndJsonArraysAreExplained() throws Exception {
        Fixtures.text(dir.resolve("empty.jsonl"), "\n\n");
        Fixtures.text(dir.resolve("alpaca_data.json"), "[]");

        DatasetReport report = DatasetInspector.inspect(dir, InspectionRules.defaults());

        assertThat(report.problems(ProblemCode.NO_ITEMS)).hasSize(1);
        assertThat(report.problems(ProblemCode.IGNORED_FILE)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("convert to JSONL"));
        assertThat(report.accepted()).isFalse();
    }

    @Test
    void floodsOfOneProblemAreCappedButStillReject() throws Exception {
        StringBuilder lines = new StringBuilder("{\"text\": \"ok\"}\n");
        for (int i = 0; i < 50; i++) {
            lines.append("{broken\n");
        }
        Path file = Fixtures.text(dir.resolve("bad.jsonl"), lines.toString());
        InspectionRules rules = new InspectionRules(InspectionRules.defaults().image(), 6, 10, null);

        DatasetReport report = DatasetInspector.inspect(file, rules);

        List<Problem> syntax = report.problems(ProblemCode.JSON_SYNTAX);
        assertThat(syntax).hasSize(11);
        assertThat(syntax.get(10).message()).startsWith("40 more JSON_SYNTAX problems").contains("50 in total");
        assertThat(syntax).allMatch(p -> p.severity() == Severity.ERROR);
    }

    @Test
    void sampleTextDatasetIsDeterministicAndInTheSeedForm() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Path c = dir.resolve("c.jsonl");
        SampleDatasets.writeTextDataset(a, 40, 11);
        SampleDatasets.writeTextDataset(b, 40, 11);
        SampleDatasets.writeTextDataset(c, 40, 12);

        DatasetReport report = DatasetInspector.inspect(a, InspectionRules.defaults());

        assertThat(Sha256.hex(a)).isEqualTo(Sha256.hex(b)).isNotEqualTo(Sha256.hex(c));
        assertThat(report.problems()).isEmpty();
        assertThat(report.texts().get(0).records()).isEqualTo(40);
        assertThat(report.texts().get(0).responseMarked()).isEqualTo(40);
        JsonNode first = new ObjectMapper().readTree(Files.readAllLines(a).get(0));
        assertThat(first.get("text").asText()).startsWith("### Instruction:\n").contains("\n\n### Response:\n1. ");
    }
}
