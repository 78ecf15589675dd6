package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorapipeline.core.dataset.Fixtures.RULES;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.image.TestImages;

class SeedCsvLayoutTest {
    @TempDir
    Path dir;

    @Test
    void sampleDatasetIsAcceptedWithStructuredCaptionsAndNoFindings() throws Exception {
        Map<String, String> captions = SampleDatasets.writeImageDataset(dir, 5, Fixtures.SIZE, 7);

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.problems()).isEmpty();
        assertThat(report.accepted()).isTrue();
        assertThat(report.layout()).isEqualTo(DatasetLayout.SEED_METADATA_CSV);
        assertThat(report.kind()).isEqualTo(DatasetKind.IMAGE);
        assertThat(report.images()).extracting(ImageItem::path).containsExactlyElementsOf(captions.keySet());
        ImageItem first = report.images().get(0);
        assertThat(first.structured()).isEqualTo(StructuredCaption.parse(captions.get("0000.png")));
        assertThat(first.structured().core()).hasSize(2);
        assertThat(first.captionSource()).isEqualTo(CaptionSource.CSV);
        assertThat(first.width()).isEqualTo(Fixtures.SIZE);
        assertThat(first.repeats()).isEqualTo(1);
    }

    @Test
    void seedRowsWithUnquotedCommasAndQuotedRowsBothRead() throws Exception {
        Fixtures.png(dir, "img01.png", 1);
        Fixtures.png(dir, "img02.png", 2);
        Fixtures.text(dir.resolve("metadata.csv"), "filename,prompt\n"
                + "img01.png,**cyberpunk cityscape, ink wash**, neon lights, rain, *moody, high contrast*\n"
                + "img02.png,\"robot monk, \"\"zen\"\", soft glow\"\n");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.problems()).isEmpty();
        assertThat(report.images().get(0).structured().mood()).containsExactly("moody", "high contrast");
        assertThat(report.images().get(1).caption()).isEqualTo("robot monk, \"zen\", soft glow");
    }

    @Test
    void missingHeaderIsAnErrorNamingTheExpectedHeader() throws Exception {
        Fixtures.png(dir, "img01.png", 1);
        Fixtures.text(dir.resolve("metadata.csv"), "img01.png,neon lights\n");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.accepted()).isFalse();
        assertThat(report.problems(ProblemCode.CSV_HEADER)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("metadata.csv");
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).contains("'filename,prompt'").contains("found 'img01.png,neon lights'");
        });
    }

    @Test
    void rowsNamingMissingOrOutsideFilesAreErrorsWithLines() throws Exception {
        Fixtures.png(dir, "Img01.png", 1);
        Fixtures.text(dir.resolve("metadata.csv"), "filename,prompt\nimg01.png,a\n../secret.png,b\n");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.accepted()).isFalse();
        assertThat(report.problems(ProblemCode.FILE_MISSING)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("did you mean 'Img01.png'");
        });
        assertThat(report.problems(ProblemCode.PATH_OUTSIDE_DATASET)).singleElement()
                .satisfies(p -> assertThat(p.line()).isEqualTo(3));
        assertThat(report.problems(ProblemCode.CAPTION_MISSING)).singleElement()
                .satisfies(p -> assertThat(p.file()).isEqualTo("Img01.png"));
    }

    @Test
    void brokenMarkupIsAWarningAtFileLineAndColumnAndTheItemStays() throws Exception {
        Fixtures.png(dir, "a.png", 1);
        Fixtures.text(dir.resolve("metadata.csv"), "filename,prompt\na.png,  neon, **city, rain\n");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.accepted()).isTrue();
        assertThat(report.problems(ProblemCode.CAPTION_MARKUP)).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
            assertThat(p.file()).isEqualTo("metadata.csv");
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(15); // a.png,__neon,_** -> the '**' sits at column 15
            assertThat(p.message()).contains("a.png").contains("never closed");
        });
        assertThat(report.images()).singleElement().satisfies(item ->
                assertThat(item.structured().plain()).containsExactly("neon", "city", "rain"));
    }

    @Test
    void nonUtf8MetadataIsRejectedWithItsLine() throws Exception {
        Fixtures.png(dir, "a.png", 1);
        byte[] gbk = "filename,prompt\na.png,你好\n".getBytes(Charset.forName("GBK"));
        Fixtures.write(dir.resolve("metadata.csv"), gbk);

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.accepted()).isFalse();
        assertThat(report.problems(ProblemCode.NOT_UTF8)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(7);
        });
    }

    @Test
    void duplicatesWarnWithBothNamesAndBadImagesReject() throws Exception {
        Fixtures.write(dir.resolve("a.png"), TestImages.png(120, 120, 1));
        Files.copy(dir.resolve("a.png"), dir.resolve("a-copy.png"));
        Fixtures.write(dir.resolve("a-near.png"),
                TestImages.encode(TestImages.nearCopy(TestImages.scene(120, 120, 1), 96, 96, 10), "png"));
        Fixtures.png(dir, "b.png", 2);
        byte[] full = TestImages.png(Fixtures.SIZE, Fixtures.SIZE, 3);
        Fixtures.write(dir.resolve("cut.png"), TestImages.cut(full, full.length / 2));
        Fixtures.text(dir.resolve("metadata.csv"), "filename,prompt\na.png,x\na-copy.png,x\na-near.png,x\n"
                + "b.png,y\ncut.png,z\n");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.problems(ProblemCode.DUPLICATE_IMAGE)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("a-copy.png");
            assertThat(p.message()).contains("a.png");
        });
        assertThat(report.problems(ProblemCode.NEAR_DUPLICATE)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("a-near.png");
            assertThat(p.message()).contains("a.png");
        });
        assertThat(report.problems(ProblemCode.IMAGE_TRUNCATED)).singleElement()
                .satisfies(p -> assertThat(p.file()).isEqualTo("cut.png"));
        assertThat(report.images()).extracting(ImageItem::path)
                .containsExactly("a.png", "a-copy.png", "a-near.png", "b.png");
        assertThat(report.accepted()).isFalse();
    }

    @Test
    void smallImagesWarnByDefaultAndRejectWhenTheRulesSaySo() throws Exception {
        Fixtures.png(dir, "a.png", 1);
        Fixtures.text(dir.resolve("metadata.csv"), "filename,prompt\na.png,x\n");

        DatasetReport lenient = DatasetInspector.inspect(dir, InspectionRules.defaults());
        DatasetReport strict = DatasetInspector.inspect(dir,
                InspectionRules.defaults().withSeverity(ProblemCode.IMAGE_TOO_SMALL, Severity.ERROR));

        assertThat(lenient.problems(ProblemCode.IMAGE_TOO_SMALL)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("96x96").contains("below 512"));
        assertThat(lenient.accepted()).isTrue();
        assertThat(strict.accepted()).isFalse();
    }

    @Test
    void pixelBombIsRejectedWithoutDecoding() throws Exception {
        Fixtures.png(dir, "a.png", 1);
        Fixtures.text(dir.resolve("metadata.csv"), "filename,prompt\na.png,x\n");

        DatasetReport report = DatasetInspector.inspect(dir, RULES.withMaxPixels(Fixtures.SIZE * Fixtures.SIZE - 1));

        assertThat(report.problems(ProblemCode.IMAGE_TOO_LARGE)).hasSize(1);
        assertThat(report.problems(ProblemCode.NO_ITEMS)).hasSize(1);
        assertThat(report.accepted()).isFalse();
    }
}
