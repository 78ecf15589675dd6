package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.lorapipeline.core.dataset.Fixtures.RULES;

import java.nio.charset.Charset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KohyaLayoutTest {
    @TempDir
    Path dir;

    @Test
    void foldersGiveRepeatsCaptionsAndClassTokenFallback() throws Exception {
        Path sks = dir.resolve("10_sks dog");
        Fixtures.png(sks, "a.png", 1);
        Fixtures.text(sks.resolve("a.caption"), "  **sks dog**, sitting, *warm light*\nsecond line is ignored\n");
        Fixtures.png(sks, "b.png", 2);
        Fixtures.text(sks.resolve("b.txt"), "sks dog running\n");
        Fixtures.png(sks, "c.png", 3);
        Fixtures.png(dir.resolve("3_style"), "d.png", 4);
        Fixtures.text(dir.resolve("3_style/d.caption"), "");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.layout()).isEqualTo(DatasetLayout.KOHYA_FOLDERS);
        assertThat(report.accepted()).isTrue();
        assertThat(report.images()).extracting(ImageItem::path, ImageItem::caption, ImageItem::captionSource,
                        ImageItem::repeats)
                .containsExactly(
                        tuple("10_sks dog/a.png", "**sks dog**, sitting, *warm light*",
                                CaptionSource.CAPTION_FILE, 10),
                        tuple("10_sks dog/b.png", "sks dog running",
                                CaptionSource.CAPTION_FILE, 10),
                        tuple("10_sks dog/c.png", "sks dog",
                                CaptionSource.CLASS_TOKEN, 10),
                        tuple("3_style/d.png", "style", CaptionSource.CLASS_TOKEN, 3));
        assertThat(report.images().get(0).structured().core()).containsExactly("sks dog");
        assertThat(report.repeatedImageCount()).isEqualTo(33);
        assertThat(report.problems(ProblemCode.CAPTION_MISSING)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("10_sks dog/c.png");
            assertThat(p.message()).contains("c.caption or c.txt").contains("class token 'sks dog'");
        });
        assertThat(report.problems(ProblemCode.CAPTION_EMPTY)).singleElement()
                .satisfies(p -> assertThat(p.file()).isEqualTo("3_style/d.caption"));
    }

    @Test
    void foldersWithoutRepeatsAndStrayFilesAreInfoOnly() throws Exception {
        Fixtures.png(dir.resolve("5_cat"), "a.png", 1);
        Fixtures.png(dir.resolve("reg_images"), "r.png", 2);
        Fixtures.png(dir, "top.png", 3);
        Fixtures.png(dir.resolve("5_cat/nested"), "n.png", 4);
        Fixtures.text(dir.resolve("5_cat/ghost.caption"), "no image\n");
        Fixtures.text(dir.resolve(".DS_Store"), "mac");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.images()).extracting(ImageItem::path).containsExactly("5_cat/a.png");
        assertThat(report.problems(ProblemCode.IGNORED_FOLDER)).extracting(Problem::file, Problem::severity)
                .containsExactlyInAnyOrder(
                        tuple("reg_images", Severity.INFO),
                        tuple("5_cat/nested", Severity.INFO));
        assertThat(report.problems(ProblemCode.IGNORED_FILE)).extracting(Problem::file).containsExactly("top.png");
        assertThat(report.problems(ProblemCode.ORPHAN_CAPTION)).extracting(Problem::file)
                .containsExactly("5_cat/ghost.caption");
        assertThat(report.accepted()).isTrue();
    }

    @Test
    void captionExtensionWinsOverTxtAndZeroRepeatsWarn() throws Exception {
        Path folder = dir.resolve("0_cat");
        Fixtures.png(folder, "a.png", 1);
        Fixtures.text(folder.resolve("a.caption"), "from caption");
        Fixtures.text(folder.resolve("a.txt"), "from txt");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.images()).singleElement().satisfies(i -> {
            assertThat(i.caption()).isEqualTo("from caption");
            assertThat(i.repeats()).isZero();
        });
        assertThat(report.problems(ProblemCode.ZERO_REPEATS)).hasSize(1);
        assertThat(report.problems(ProblemCode.IGNORED_FILE)).extracting(Problem::file).containsExactly("0_cat/a.txt");
    }

    @Test
    void nonUtf8CaptionFileRejectsWithLineAndColumn() throws Exception {
        Path folder = dir.resolve("2_cat");
        Fixtures.png(folder, "a.png", 1);
        Fixtures.write(folder.resolve("a.txt"), "猫, 你好".getBytes(Charset.forName("GBK")));

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.accepted()).isFalse();
        assertThat(report.problems(ProblemCode.NOT_UTF8)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("2_cat/a.txt");
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.column()).isGreaterThan(0);
        });
        assertThat(report.images()).singleElement()
                .satisfies(i -> assertThat(i.captionSource()).isEqualTo(CaptionSource.CLASS_TOKEN));
    }
}
