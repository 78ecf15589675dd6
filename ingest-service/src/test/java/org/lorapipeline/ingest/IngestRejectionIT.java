package org.lorapipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.events.DatasetRejected;
import org.lorapipeline.events.DatasetSource;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.Problem;
import org.lorapipeline.events.Severity;
import org.lorapipeline.events.SourceKind;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/** Every kind of bad input is answered with a dataset.rejected event naming the file (and line) — never a crash. */
@RealStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestRejectionIT {
    private final TestStack stack;
    private IngestFixture ingest;

    @TempDir
    Path tmp;

    IngestRejectionIT(TestStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    void start() throws Exception {
        ingest = new IngestFixture(stack);
    }

    @AfterAll
    void stop() {
        ingest.close();
    }

    private static Problem firstError(DatasetRejected rej) {
        return rej.getReasons().stream().filter(p -> p.getSeverity() == Severity.ERROR).findFirst()
                .orElseThrow(() -> new AssertionError("no error in " + rej));
    }

    private Path images(String name, int count, int size) throws Exception {
        Path dir = tmp.resolve(name);
        SampleDatasets.writeImageDataset(dir, count, size, name.hashCode());
        return dir;
    }

    @Test
    void imagesBelowTheMinimumSizeAreRejectedByName() throws Exception {
        Path dir = images("small", 2, 256);
        DatasetRejected rej = ingest.rejected(ingest.submitFolder(dir, IngestFixture.SD_CONFIG).getRunId());
        Problem p = firstError(rej);
        assertThat(p.getCode()).isEqualTo("image_too_small");
        assertThat(p.getFile()).endsWith(".png");
        assertThat(p.getMessage()).contains("512");
    }

    @Test
    void aTruncatedImageIsRejected() throws Exception {
        Path dir = images("truncated", 2, 512);
        Path victim;
        try (var files = Files.list(dir)) {
            victim = files.filter(f -> f.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(victim);
        Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Problem p = firstError(ingest.rejected(ingest.submitFolder(dir, IngestFixture.SD_CONFIG).getRunId()));
        assertThat(p.getCode()).isIn("image_truncated", "image_corrupt");
        assertThat(p.getFile()).isEqualTo(victim.getFileName().toString());
    }

    @Test
    void metadataCsvWithoutTheHeaderIsRejectedAtLineOne() throws Exception {
        Path dir = images("noheader", 2, 512);
        List<String> lines = Files.readAllLines(dir.resolve("metadata.csv"));
        Files.write(dir.resolve("metadata.csv"), lines.subList(1, lines.size()));
        Problem p = firstError(ingest.rejected(ingest.submitFolder(dir, IngestFixture.SD_CONFIG).getRunId()));
        assertThat(p.getCode()).isEqualTo("csv_header");
        assertThat(p.getFile()).isEqualTo("metadata.csv");
        assertThat(p.getLine()).isEqualTo(1);
        assertThat(p.getMessage()).contains("filename,prompt");
    }

    @Test
    void nonUtf8CaptionsAreRejectedWithTheLine() throws Exception {
        Path dir = images("gbk", 2, 512);
        List<String> lines = Files.readAllLines(dir.resolve("metadata.csv"));
        String row = lines.get(2);
        String file = row.substring(0, row.indexOf(','));
        lines.set(2, file + ",赛博朋克 城市");
        Files.write(dir.resolve("metadata.csv"), lines, Charset.forName("GBK"));
        Problem p = firstError(ingest.rejected(ingest.submitFolder(dir, IngestFixture.SD_CONFIG).getRunId()));
        assertThat(p.getCode()).isEqualTo("not_utf8");
        assertThat(p.getFile()).isEqualTo("metadata.csv");
        assertThat(p.getLine()).isEqualTo(3);
    }

    @Test
    void badJsonlLinesAreRejectedWithLineNumbers() throws Exception {
        Path dir = tmp.resolve("badjson");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"ok\"}\n{\"text\": broken\n{\"text\": \"ok\"}\n");
        Problem p = firstError(ingest.rejected(ingest.submitFolder(dir, IngestFixture.LLM_CONFIG).getRunId()));
        assertThat(p.getCode()).isEqualTo("json_syntax");
        assertThat(p.getFile()).isEqualTo("train.jsonl");
        assertThat(p.getLine()).isEqualTo(2);
    }

    @Test
    void aBadRunConfigIsRejectedWithLineAndSuggestion() throws Exception {
        Path dir = images("badconfig", 2, 512);
        String yaml = IngestFixture.SD_CONFIG + "lora_rnak: 8\n";
        Problem p = firstError(ingest.rejected(ingest.submitFolder(dir, yaml).getRunId()));
        assertThat(p.getCode()).isEqualTo("config.invalid");
        assertThat(p.getFile()).isEqualTo("config.yaml");
        assertThat(p.getLine()).isEqualTo(10);
        assertThat(p.getMessage()).contains("lora_rank");
    }

    @Test
    void textDataForAnImageConfigIsRejected() throws Exception {
        Path dir = tmp.resolve("mismatch");
        Files.createDirectories(dir);
        SampleDatasets.writeTextDataset(dir.resolve("train.jsonl"), 5, 1);
        Problem p = firstError(ingest.rejected(ingest.submitFolder(dir, IngestFixture.SD_CONFIG).getRunId()));
        assertThat(p.getCode()).isEqualTo("dataset.kind_mismatch");
    }

    @Test
    void zipSlipIsRejectedAndNothingIsWrittenOutside() throws Exception {
        Path zip = tmp.resolve("slip.zip");
        try (var out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("../../evil.txt"));
            out.write("owned".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        DatasetRejected rej = ingest.rejected(ingest.submitZip(zip, IngestFixture.SD_CONFIG).getRunId());
        Problem p = firstError(rej);
        assertThat(p.getCode()).startsWith("archive.");
        assertThat(p.getFile()).isEqualTo("../../evil.txt");
    }

    @Test
    void symlinkEntriesAreRejected() throws Exception {
        Path zip = tmp.resolve("link.zip");
        try (var out = new ZipArchiveOutputStream(zip.toFile())) {
            ZipArchiveEntry link = new ZipArchiveEntry("data/passwd");
            link.setUnixMode(0120777);
            out.putArchiveEntry(link);
            out.write("/etc/passwd".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        Problem p = firstError(ingest.rejected(ingest.submitZip(zip, IngestFixture.SD_CONFIG).getRunId()));
        assertThat(p.getCode()).startsWith("archive.");
        assertThat(p.getFile()).isEqualTo("data/passwd");
    }

    @Test
    void aZipBombIsRejected() throws Exception {
        Path zip = tmp.resolve("bomb.zip");
        try (var out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("zeros.png"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                out.write(zeros);
            }
            out.closeEntry();
        }
        Problem p = firstError(ingest.rejected(ingest.submitZip(zip, IngestFixture.SD_CONFIG).getRunId()));
        assertThat(p.getCode()).startsWith("archive.");
        assertThat(p.getMessage()).containsIgnoringCase("ratio");
    }

    @Test
    void anUploadWhoseChecksumDoesNotMatchIsRejectedAndLeftInPlace() throws Exception {
        Path dir = images("corrupted-upload", 2, 512);
        Path zip = tmp.resolve("c.zip");
        try (OutputStream out = Files.newOutputStream(zip); var z = new ZipOutputStream(out); var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        ObjectRef real = ingest.store.putFile("uploads/" + stack.uniqueId("c") + "/dataset.zip", zip);
        ObjectRef wrong = ObjectRef.newBuilder(real).setSha256("0".repeat(64)).build();
        DatasetSource source = DatasetSource.newBuilder().setKind(SourceKind.ZIP_ARCHIVE).setBucket(real.getBucket())
                .setArchive(wrong).build();
        var sub = ingest.submit(stack.uniqueId("run"), stack.uniqueId("ds"), source, IngestFixture.SD_CONFIG);
        Problem p = firstError(ingest.rejected(sub.getRunId()));
        assertThat(p.getCode()).isEqualTo("source.checksum");
        assertThat(ingest.store.stat(real.getKey())).hasValue(real); // the upload is untouched
    }

    @Test
    void anEmptyPrefixIsRejectedWithWhatToDo() throws Exception {
        DatasetSource source = DatasetSource.newBuilder().setKind(SourceKind.S3_PREFIX).setBucket(ingest.store.bucket())
                .setPrefix("uploads/" + stack.uniqueId("nothing") + "/").build();
        var sub = ingest.submit(stack.uniqueId("run"), stack.uniqueId("ds"), source, IngestFixture.SD_CONFIG);
        Problem p = firstError(ingest.rejected(sub.getRunId()));
        assertThat(p.getCode()).isEqualTo("source.empty");
        assertThat(p.getMessage()).contains("lora dataset push");
    }
}
