package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.lorapipeline.core.dataset.Fixtures.RULES;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfImagefolderLayoutTest {
    @TempDir
    Path dir;

    @Test
    void metadataJsonlAcceptsTextCaptionAndPromptKeys() throws Exception {
        Fixtures.png(dir, "0001.png", 1);
        Fixtures.png(dir.resolve("train"), "0002.png", 2);
        Fixtures.png(dir, "0003.png", 3);
        Fixtures.text(dir.resolve("metadata.jsonl"), """
                {"file_name": "0001.png", "text": "**koi pond**, ripples"}
                {"file_name": "train/0002.png", "caption": "lantern"}

                {"file_name": "./0003.png", "prompt": "bridge", "extra": 1}
                """);

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.problems()).isEmpty();
        assertThat(report.layout()).isEqualTo(DatasetLayout.HF_IMAGEFOLDER);
        assertThat(report.images()).extracting(ImageItem::path, ImageItem::trainingText).containsExactly(
                tuple("0001.png", "koi pond, ripples"),
                tuple("train/0002.png", "lantern"),
                tuple("0003.png", "bridge"));
    }

    @Test
    void badJsonAndMissingFieldsAreReportedWithLineNumbers() throws Exception {
        Fixtures.png(dir, "0001.png", 1);
        Fixtures.png(dir, "0002.png", 2);
        Fixtures.text(dir.resolve("metadata.jsonl"), """
                {"file_name": "0001.png", "text": "ok"}
                {"file_name": "0002.png", "text": "unterminated}
                {"text": "no file name"}
                {"file_name": "0002.png", "text": 5}
                """);

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.accepted()).isFalse();
        assertThat(report.problems(ProblemCode.JSON_SYNTAX)).extracting(Problem::line).containsExactly(2);
        assertThat(report.problems(ProblemCode.JSON_FIELD)).extracting(Problem::line).containsExactly(3, 4);
        assertThat(report.problems(ProblemCode.JSON_FIELD).get(0).message()).contains("'file_name'");
        assertThat(report.problems(ProblemCode.CAPTION_MISSING)).extracting(Problem::file)
                .containsExactly("0002.png");
    }

    @Test
    void huggingFaceCsvHeaderIsRecognised() throws Exception {
        Fixtures.png(dir, "a.png", 1);
        Fixtures.text(dir.resolve("metadata.csv"), "file_name,text,source\na.png,\"neon, rain\",web\n");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.layout()).isEqualTo(DatasetLayout.HF_IMAGEFOLDER);
        assertThat(report.problems()).isEmpty();
        assertThat(report.images().get(0).structured().plain()).containsExactly("neon", "rain");
    }

    @Test
    void bothMetadataFilesAreAmbiguous() throws Exception {
        Fixtures.png(dir, "a.png", 1);
        Fixtures.text(dir.resolve("metadata.csv"), "filename,prompt\na.png,x\n");
        Fixtures.text(dir.resolve("metadata.jsonl"), "{\"file_name\": \"a.png\", \"text\": \"y\"}\n");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.problems(ProblemCode.AMBIGUOUS_LAYOUT)).hasSize(1);
        assertThat(report.accepted()).isFalse();
    }

    @Test
    void plainImageFolderUsesSidecarCaptionsAndWarnsForTheRest() throws Exception {
        Fixtures.png(dir, "a.png", 1);
        Fixtures.text(dir.resolve("a.txt"), "neon");
        Fixtures.png(dir.resolve("sub"), "b.png", 2);

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.layout()).isEqualTo(DatasetLayout.IMAGE_FOLDER);
        assertThat(report.images()).extracting(ImageItem::path, ImageItem::captionSource).containsExactly(
                tuple("a.png", CaptionSource.CAPTION_FILE),
                tuple("sub/b.png", CaptionSource.NONE));
        assertThat(report.problems(ProblemCode.CAPTION_MISSING)).extracting(Problem::file).containsExactly("sub/b.png");
        assertThat(report.accepted()).isTrue();
    }

    @Test
    void emptyFolderHasNoItems() throws Exception {
        Fixtures.text(dir.resolve("README.md"), "hello");

        DatasetReport report = DatasetInspector.inspect(dir, RULES);

        assertThat(report.layout()).isEqualTo(DatasetLayout.UNKNOWN);
        assertThat(report.problems(ProblemCode.NO_ITEMS)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("no images").contains(".jsonl"));
        assertThat(report.accepted()).isFalse();
    }
}
