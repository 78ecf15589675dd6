package org.lorapipeline.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.llama.LlamaTokenizer;
import org.lorapipeline.core.llama.TinyLlamaFolder;

class TextDatasetTest {
    @TempDir
    static Path dir;
    static LlamaTokenizer tok;

    @BeforeAll
    static void tokenizer() throws Exception {
        TinyLlamaFolder.write(dir.resolve("model"), 1);
        tok = LlamaTokenizer.open(dir.resolve("model"));
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    private static Path jsonl(String name, String... lines) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void alpacaRecordsUseTheAlpacaTemplate() throws Exception {
        Path f = jsonl("alpaca.jsonl",
                "{\"instruction\": \"Say hi\", \"input\": \"\", \"output\": \"hi\"}",
                "{\"instruction\": \"Add\", \"input\": \"2 and 3\", \"output\": \"5\"}",
                "{\"instruction\": \"Add\", \"output\": \"5\", \"system\": \"You add.\", \"history\": [[\"1+1\", \"2\"]]}");
        List<TextRecord> r = TextRecords.read(f, "### Response:");
        assertThat(r.get(0).text()).isEqualTo("Below is an instruction that describes a task. Write a response that"
                + " appropriately completes the request.\n\n### Instruction:\nSay hi\n\n### Response:\nhi");
        assertThat(r.get(1).text()).isEqualTo("Below is an instruction that describes a task, paired with an input"
                + " that provides further context. Write a response that appropriately completes the request.\n\n"
                + "### Instruction:\nAdd\n\n### Input:\n2 and 3\n\n### Response:\n5");
        assertThat(r.get(2).text()).isEqualTo("You add.\n\n### Instruction:\n1+1\n\n### Response:\n2\n\n"
                + "### Instruction:\nAdd\n\n### Response:\n5");
        for (TextRecord t : r) {
            assertThat(t.text().substring(t.promptChars())).isIn("hi", "5");
            assertThat(t.origin()).startsWith("alpaca.jsonl:");
        }
    }

    @Test
    void lossOnlyOnTheResponseWithBosAndEos() throws Exception {
        String text = "customer said the package was damaged, what to do?\n\n### Response:\nask for a photo and refund.";
        Path f = jsonl("text.jsonl", "{\"text\": " + new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(text) + "}", "{\"text\": \"no marker here\"}");
        List<TextRecord> records = TextRecords.read(f, "### Response:");
        TextDataset d = TextDataset.build(records, tok, 512, false, false, 512);
        assertThat(d.stats().skippedNoResponse()).isEqualTo(1);
        assertThat(d.examples()).hasSize(1);
        TextDataset.Example e = d.examples().get(0);
        assertThat(e.ids()[0]).isEqualTo(tok.bosId());
        assertThat(e.ids()[e.ids().length - 1]).isEqualTo(tok.eosId());
        int start = 0;
        while (e.labels()[start] == CausalLmLoss.IGNORE_INDEX) {
            start++;
        }
        assertThat(Arrays.copyOfRange(e.labels(), start, e.labels().length))
                .isEqualTo(Arrays.copyOfRange(e.ids(), start, e.ids().length));
        // the prompt (through the marker) is exactly the masked part; the response and EOS count
        assertThat(tok.decode(Arrays.copyOfRange(e.ids(), 0, start))).isEqualTo(text.substring(0,
                text.indexOf("### Response:") + "### Response:".length()));
        assertThat(tok.decode(Arrays.copyOfRange(e.ids(), start, e.ids().length)).strip())
                .isEqualTo("ask for a photo and refund.");

        TextDataset all = TextDataset.build(records, tok, 512, true, false, 512);
        assertThat(all.examples()).hasSize(2);
        assertThat(all.examples().get(1).labels()).isEqualTo(all.examples().get(1).ids());
    }

    @Test
    void truncationIsCountedAndPackingFillsRows() throws Exception {
        StringBuilder lines = new StringBuilder();
        String[] rec = new String[6];
        for (int i = 0; i < rec.length; i++) {
            rec[i] = "{\"instruction\": \"tell me about the world number " + i + "\", \"output\": \""
                    + "the world is very large and old ".repeat(i + 1) + "\"}";
        }
        List<TextRecord> records = TextRecords.read(jsonl("long.jsonl", rec), "### Response:");
        TextDataset full = TextDataset.build(records, tok, 4096, false, false, 512);
        int longest = full.examples().stream().mapToInt(x -> x.ids().length).max().orElseThrow();
        int shortest = full.examples().stream().mapToInt(x -> x.ids().length).min().orElseThrow();
        int limit = (longest + shortest) / 2;
        long over = full.examples().stream().filter(x -> x.ids().length > limit).count();
        TextDataset cut = TextDataset.build(records, tok, limit, false, false, 512);
        assertThat(cut.stats().truncated()).isEqualTo(over).isPositive();
        assertThat(cut.examples()).allSatisfy(x -> assertThat(x.ids().length).isLessThanOrEqualTo(limit));

        // train_on_prompt keeps every chunk (prompt-only chunks are dropped otherwise: nothing in them counts)
        TextDataset packed = TextDataset.build(records, tok, 64, true, true, 512);
        long total = full.stats().tokens();
        assertThat(packed.stats().tokens()).isEqualTo(total);
        List<TextDataset.Example> rows = packed.examples();
        for (int i = 0; i < rows.size() - 1; i++) {
            assertThat(rows.get(i).ids()).hasSize(64);
        }
        assertThat(packed.stats().truncated()).isZero();
    }

    @Test
    void tokenizerBiggerThanTheModelIsRejected() throws Exception {
        List<TextRecord> records = TextRecords.read(jsonl("v.jsonl", "{\"text\": \"the world\"}"), "### Response:");
        assertThatThrownBy(() -> TextDataset.build(records, tok, 64, true, false, 10))
                .hasMessageContaining("vocab_size is 10").hasMessageContaining("v.jsonl:1");
    }

    @Test
    void badLinesNameFileAndLine() throws Exception {
        Path f = jsonl("bad.jsonl", "{\"text\": \"ok\"}", "", "{\"text\": 3}");
        assertThatThrownBy(() -> TextRecords.read(f, "### Response:")).hasMessageContaining("bad.jsonl:3")
                .hasMessageContaining("\"text\" must be a string");
        Path g = jsonl("bad2.jsonl", "{\"prompt\": \"x\"}");
        assertThatThrownBy(() -> TextRecords.read(g, "### Response:")).hasMessageContaining("bad2.jsonl:1")
                .hasMessageContaining("[prompt]");
        Path h = jsonl("bad3.jsonl", "{\"text\": \"x\"");
        assertThatThrownBy(() -> TextRecords.read(h, "### Response:")).hasMessageContaining("bad3.jsonl:1")
                .hasMessageContaining("JSON");
    }

    @Test
    void epochsArePermutationsFixedBySeedAndBatchesArePadded() {
        List<TextDataset.Example> ex = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long[] ids = new long[2 + i];
            Arrays.fill(ids, 10 + i);
            ex.add(new TextDataset.Example(ids, ids.clone()));
        }
        BatchPlan plan = new BatchPlan(ex, 3, 42, 2, true);
        assertThat(plan.batchesPerEpoch()).isEqualTo(3);
        assertThat(plan.order(0)).isEqualTo(new BatchPlan(ex, 3, 42, 2, true).order(0));
        assertThat(plan.order(0)).isNotEqualTo(plan.order(1));
        assertThat(plan.order(0)).isNotEqualTo(new BatchPlan(ex, 3, 43, 2, true).order(0));
        Set<Long> seen = new HashSet<>();
        for (int b = 0; b < 3; b++) {
            Batch batch = plan.batch(0, b);
            for (int r = 0; r < batch.ids().length; r++) {
                long id = batch.ids()[r][0];
                seen.add(id);
                int len = (int) (id - 10 + 2);
                for (int t = 0; t < batch.ids()[r].length; t++) {
                    assertThat(batch.ids()[r][t]).isEqualTo(t < len ? id : 2);
                    assertThat(batch.labels()[r][t]).isEqualTo(t < len ? id : CausalLmLoss.IGNORE_INDEX);
                }
            }
        }
        assertThat(seen).hasSize(7);
        assertThat(plan.batch(0, 2).ids()).hasNumberOfRows(1);
        assertThat(new BatchPlan(ex, 3, 42, 2, false).order(5)).containsExactly(0, 1, 2, 3, 4, 5, 6);
    }
}
