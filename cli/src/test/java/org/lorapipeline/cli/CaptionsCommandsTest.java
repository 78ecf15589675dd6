package org.lorapipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorapipeline.cli.TrainCommandsTest.lora;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.caption.CaptionFile;
import org.lorapipeline.core.caption.CaptionLinter;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.dataset.CsvReader;
import org.lorapipeline.core.dataset.CsvRecord;
import org.lorapipeline.core.label.LabelledMetadata;

class CaptionsCommandsTest {
    @TempDir
    Path dir;

    static void png(Path file, Color color) throws Exception {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 40, 30);
        g.setColor(Color.WHITE);
        g.fillOval(5, 5, 15, 15);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void lintPrintsLocatedFindingsAndExitsOneOnErrors() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        png(data.resolve("a.png"), Color.RED);
        Files.writeString(data.resolve("metadata.csv"), "filename,prompt\na.png,**city, rain\n");
        Path clip = dir.resolve("clip");
        assertThat(lora("tiny-model", "--arch", "clip", "--out", clip.toString()).code()).isZero();

        TrainCommandsTest.Run bad = lora("captions", "lint", data.toString(), "--tokenizer", clip.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("metadata.csv:2:7: error: '**' is never closed").contains("1 error(s)")
                .doesNotContain("length check skipped");

        Files.writeString(data.resolve("metadata.csv"), "filename,prompt\na.png,**city**, rain, Rain\n");
        TrainCommandsTest.Run warn = lora("captions", "lint", data.toString(), "--tokenizer", clip.toString());
        assertThat(warn.code()).as(warn.out() + warn.err()).isZero();
        assertThat(warn.out()).contains("metadata.csv:2:23: warning: tag 'rain' already appears at column 17");
        assertThat(lora("captions", "lint", data.toString(), "--tokenizer", clip.toString(), "--warnings-as-errors")
                .code()).isEqualTo(1);

        TrainCommandsTest.Run noTok = lora("captions", "lint", data.toString(), "--tokenizer",
                dir.resolve("nowhere").toString());
        assertThat(noTok.code()).isEqualTo(2);
        assertThat(noTok.err()).contains("no CLIP tokenizer");
    }

    @Test
    void reportPrintsATableAndWritesTheCsv() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("metadata.csv"), "filename,prompt\n"
                + "a.png,**city**, rain, *moody*\nb.png,rain, fog\n");
        Path csv = dir.resolve("report.csv");
        TrainCommandsTest.Run r = lora("captions", "report", data.toString(), "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("captions: 2", "with **core** group: 1 (50.0%)");
        assertThat(r.out()).containsPattern("rain +2 +2 +100\\.0%");
        List<CsvRecord> rows = CsvReader.read(Files.readString(csv), 5);
        assertThat(rows).extracting(x -> x.fields().get(1)).containsExactly("name", "captions", "core", "mood",
                "broken_markup", "rain", "city", "fog", "moody");
        assertThat(lora("captions", "report", dir.resolve("none").toString()).code()).isEqualTo(2);
    }

    @Test
    void labelWritesCleanCaptionsAndKeepsHandEdits() throws Exception {
        Path clip = dir.resolve("clip");
        assertThat(lora("tiny-model", "--arch", "clip", "--out", clip.toString(), "--seed", "3").code()).isZero();
        Path data = Files.createDirectories(dir.resolve("data"));
        png(data.resolve("a.png"), Color.ORANGE);
        png(data.resolve("b.png"), Color.BLUE);
        png(data.resolve("c.png"), Color.GREEN);
        Files.write(data.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});

        // a random tiny model scores near zero; -1 keeps each category's top-k whatever the scores
        String[] label = {"label", data.toString(), "--model", clip.toString(), "--threshold", "-1"};
        TrainCommandsTest.Run first = lora(label);
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(1);
        assertThat(first.out()).contains("[1/4] a.png: **", "broken.png: not labelled (");

        List<CsvRecord> rows = CsvReader.read(Files.readString(data.resolve("metadata.csv")), 2);
        assertThat(rows.get(0).fields()).containsExactly("filename", "prompt");
        assertThat(rows.subList(1, rows.size())).extracting(x -> x.fields().get(0))
                .containsExactly("a.png", "b.png", "c.png");
        for (CsvRecord row : rows.subList(1, rows.size())) {
            StructuredCaption c = StructuredCaption.parse(row.fields().get(1));
            assertThat(c.core()).isNotEmpty();
        }
        assertThat(new CaptionLinter(null).lint(data)).extracting(Object::toString)
                .allMatch(s -> s.startsWith("broken.png: warning: no row"));

        // a person edits b.png; relabelling keeps it, and regenerates the untouched rows
        String original = Files.readString(data.resolve("metadata.csv"));
        String bRow = original.lines().filter(l -> l.startsWith("b.png,")).findFirst().orElseThrow();
        String edited = original.replace(bRow, "b.png,\"**my own, words**, blue\"");
        Files.writeString(data.resolve("metadata.csv"), edited);
        LabelledMetadata state = LabelledMetadata.load(data);
        assertThat(state.editedByHand("b.png")).isTrue();
        assertThat(state.editedByHand("a.png")).isFalse();

        TrainCommandsTest.Run second = lora(label);
        assertThat(second.out()).contains("b.png: kept (edited by hand").doesNotContain("] b.png:");
        String after = Files.readString(data.resolve("metadata.csv"));
        assertThat(after).contains("b.png,\"**my own, words**, blue\"");
        assertThat(after.lines().filter(l -> l.startsWith("a.png,")).findFirst()).isEqualTo(
                original.lines().filter(l -> l.startsWith("a.png,")).findFirst());

        TrainCommandsTest.Run forced = lora(label[0], label[1], label[2], label[3], label[4], label[5], "--overwrite");
        assertThat(forced.out()).contains("] b.png: **");
        assertThat(Files.readString(data.resolve("metadata.csv"))).doesNotContain("my own")
                .isEqualTo(original);
        assertThat(Files.readString(data.resolve(LabelledMetadata.SIDECAR))).contains("\"a.png\"", "\"b.png\"");
        assertThat(CaptionFile.read(data).findings()).isEmpty();
    }
}
