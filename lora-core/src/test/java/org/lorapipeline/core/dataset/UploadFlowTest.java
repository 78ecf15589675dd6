package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest path end to end: zip of a folder -> safe extraction -> root discovery -> inspection -> manifest. */
class UploadFlowTest {
    @TempDir
    Path dir;

    @Test
    void zippedFolderIsUnwrappedInspectedAndManifested() throws Exception {
        Path source = dir.resolve("my_style");
        SampleDatasets.writeImageDataset(source, 3, Fixtures.SIZE, 9);
        Path zip = dir.resolve("upload.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip);
             Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putArchiveEntry(new ZipArchiveEntry("my_style/" + source.relativize(file)));
                out.write(Files.readAllBytes(file));
                out.closeArchiveEntry();
            }
            out.putArchiveEntry(new ZipArchiveEntry("__MACOSX/my_style/._0000.png"));
            out.write(new byte[] {0, 5, 22, 7});
            out.closeArchiveEntry();
        }

        ExtractedArchive extracted = SafeArchive.extract(zip, dir.resolve("extracted"), ArchiveLimits.defaults());
        Path root = DatasetInspector.findRoot(extracted.root());
        DatasetReport report = DatasetInspector.inspect(root, Fixtures.RULES);

        assertThat(root.getFileName().toString()).isEqualTo("my_style");
        assertThat(report.problems()).isEmpty();
        assertThat(Manifest.of(report).images()).extracting(Manifest.Image::path)
                .containsExactly("0000.png", "0001.png", "0002.png");
        assertThat(report.tagFrequencies().values().stream().mapToLong(Long::longValue).max().orElse(0))
                .isBetween(1L, 3L);
    }

    @Test
    void kohyaFolderIsNotMistakenForAWrapper() throws IOException {
        Fixtures.png(dir.resolve("img/10_cat"), "a.png", 1);

        assertThat(DatasetInspector.findRoot(dir)).isEqualTo(dir.resolve("img"));
    }

    @Test
    void tagFrequenciesCountImagesPerTagMostFrequentFirst() throws Exception {
        Fixtures.png(dir, "a.png", 1);
        Fixtures.png(dir, "b.png", 2);
        Fixtures.text(dir.resolve("metadata.csv"), "filename,prompt\na.png,**Neon**, rain, neon\nb.png,neon, fog\n");

        DatasetReport report = DatasetInspector.inspect(dir, Fixtures.RULES);

        assertThat(report.tagFrequencies()).containsExactly(
                java.util.Map.entry("neon", 2L), java.util.Map.entry("fog", 1L), java.util.Map.entry("rain", 1L));
    }
}
