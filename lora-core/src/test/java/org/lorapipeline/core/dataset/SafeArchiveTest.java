package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.AsiExtraField;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeArchiveTest {
    private static final ArchiveLimits LIMITS = ArchiveLimits.defaults();

    @TempDir
    Path dir;

    @Test
    void extractsFilesAndFoldersWithUnicodeNames() throws Exception {
        Path zip = zip(out -> {
            folder(out, "10_cat/");
            file(out, "10_cat/a.caption", "猫, sofa".getBytes(StandardCharsets.UTF_8));
            file(out, "metadata.csv", "filename,prompt\n".getBytes(StandardCharsets.UTF_8));
            file(out, "sub\\windows.txt", "x".getBytes(StandardCharsets.UTF_8));
        });

        ExtractedArchive result = SafeArchive.extract(zip, dir.resolve("out"), LIMITS);

        assertThat(result.files()).containsExactly("10_cat/a.caption", "metadata.csv", "sub/windows.txt");
        assertThat(Files.readString(dir.resolve("out/10_cat/a.caption"))).isEqualTo("猫, sofa");
        assertThat(result.bytes()).isEqualTo("猫, sofa".getBytes(StandardCharsets.UTF_8).length + 16 + 1);
    }

    @Test
    void zipSlipIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path zip = zip(out -> {
            file(out, "ok.txt", new byte[10]);
            file(out, "a/../../evil.txt", new byte[10]);
        });

        assertRefused(zip, LIMITS, "a/../../evil.txt", UnsafeArchiveException.Reason.PATH_TRAVERSAL);
        assertThat(dir.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void absolutePathsAreRefused() throws Exception {
        assertRefused(zip(out -> file(out, "/tmp/abs.txt", new byte[1])), LIMITS, "/tmp/abs.txt",
                UnsafeArchiveException.Reason.ABSOLUTE_PATH);
        assertRefused(zip(out -> file(out, "C:/boot.ini", new byte[1])), LIMITS, "C:/boot.ini",
                UnsafeArchiveException.Reason.ABSOLUTE_PATH);
    }

    @Test
    void backslashNamesFromWindowsZipsAreCheckedAsSeparators() throws Exception {
        // commons-compress' writer turns backslashes into '/'; names as other tools store them are checked here
        assertThat(SafeArchive.safeName("sub\\a.png")).isEqualTo("sub/a.png");
        assertThat(SafeArchive.safeName("./x//y.png")).isEqualTo("x/y.png");
        assertThatThrownBy(() -> SafeArchive.safeName("..\\evil.txt"))
                .isInstanceOfSatisfying(UnsafeArchiveException.class, e ->
                        assertThat(e.reason()).isEqualTo(UnsafeArchiveException.Reason.PATH_TRAVERSAL));
        assertThatThrownBy(() -> SafeArchive.safeName("\\\\server\\share"))
                .isInstanceOfSatisfying(UnsafeArchiveException.class, e ->
                        assertThat(e.reason()).isEqualTo(UnsafeArchiveException.Reason.ABSOLUTE_PATH));
    }

    @Test
    void symlinksFromUnixModeOrAsiFieldAreRefused() throws Exception {
        Path unix = zip(out -> {
            ZipArchiveEntry link = new ZipArchiveEntry("link.png");
            link.setUnixMode(0120777);
            out.putArchiveEntry(link);
            out.write("/etc/passwd".getBytes(StandardCharsets.US_ASCII));
            out.closeArchiveEntry();
        });
        Path asi = zip(out -> {
            ZipArchiveEntry link = new ZipArchiveEntry("asi.png");
            AsiExtraField field = new AsiExtraField();
            field.setLinkedFile("/etc/passwd");
            link.addExtraField(field);
            out.putArchiveEntry(link);
            out.write(new byte[1]);
            out.closeArchiveEntry();
        });

        assertRefused(unix, LIMITS, "link.png", UnsafeArchiveException.Reason.LINK);
        assertRefused(asi, LIMITS, "asi.png", UnsafeArchiveException.Reason.LINK);
    }

    @Test
    void tooManyEntriesAreRefused() throws Exception {
        Path zip = zip(out -> {
            for (int i = 0; i < 6; i++) {
                file(out, "f" + i + ".txt", new byte[1]);
            }
        });

        assertRefused(zip, new ArchiveLimits(5, 1 << 20, 1 << 20, 100), "f5.txt",
                UnsafeArchiveException.Reason.TOO_MANY_ENTRIES);
    }

    @Test
    void entryAndTotalSizeLimitsCountInflatedBytesAndCleanUp() throws Exception {
        Path zip = zip(out -> {
            file(out, "a.bin", random(600_000, 1));
            file(out, "b.bin", random(600_000, 2));
        });

        assertRefused(zip, new ArchiveLimits(10, 500_000, 10_000_000, 100), "a.bin",
                UnsafeArchiveException.Reason.ENTRY_TOO_LARGE);
        assertRefused(zip, new ArchiveLimits(10, 1_000_000, 1_000_000, 100), "b.bin",
                UnsafeArchiveException.Reason.TOTAL_TOO_LARGE);
    }

    @Test
    void headerThatUnderstatesTheSizeIsNotTrusted() throws Exception {
        Path zip = zip(out -> file(out, "liar.bin", random(2_000_000, 3)));
        patchUncompressedSizes(zip, 10);

        assertRefused(zip, new ArchiveLimits(10, 1_000_000, 10_000_000, 100), "liar.bin",
                UnsafeArchiveException.Reason.ENTRY_TOO_LARGE);
    }

    @Test
    void zipBombIsStoppedByItsCompressionRatio() throws Exception {
        Path zip = zip(out -> file(out, "zeros.bin", new byte[16 << 20]));
        assertThat(Files.size(zip)).isLessThan(100_000);

        UnsafeArchiveException e = assertRefused(zip, LIMITS, "zeros.bin",
                UnsafeArchiveException.Reason.COMPRESSION_RATIO);
        assertThat(e.getMessage()).contains("exceeds 100:1");
    }

    @Test
    void notAZipAndNonEmptyTargetsAreRefused() throws Exception {
        Path bogus = Files.writeString(dir.resolve("x.zip"), "not a zip");
        assertRefused(bogus, LIMITS, "", UnsafeArchiveException.Reason.NOT_A_ZIP);

        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        Path zip = zip(out -> file(out, "a.txt", new byte[1]));
        assertThatThrownBy(() -> SafeArchive.extract(zip, full, LIMITS)).hasMessageContaining("must be empty");
        assertThat(full.resolve("keep.txt")).hasContent("mine");
    }

    private UnsafeArchiveException assertRefused(Path zip, ArchiveLimits limits, String entry,
                                                 UnsafeArchiveException.Reason reason) throws IOException {
        Path target = dir.resolve("target-" + System.nanoTime());
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> SafeArchive.extract(zip, target,
                limits));
        assertThat(thrown).isInstanceOf(UnsafeArchiveException.class);
        UnsafeArchiveException e = (UnsafeArchiveException) thrown;
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.entry()).isEqualTo(entry);
        assertThat(e.getMessage()).contains("'" + entry + "'");
        try (Stream<Path> left = Files.walk(target)) {
            assertThat(left.filter(p -> !p.equals(target))).as("nothing left in the target").isEmpty();
        }
        return e;
    }

    private interface ZipContent {
        void write(ZipArchiveOutputStream out) throws IOException;
    }

    private Path zip(ZipContent content) throws IOException {
        Path zip = dir.resolve("upload-" + System.nanoTime() + ".zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            content.write(out);
        }
        return zip;
    }

    private static void file(ZipArchiveOutputStream out, String name, byte[] data) throws IOException {
        out.putArchiveEntry(new ZipArchiveEntry(name));
        out.write(data);
        out.closeArchiveEntry();
    }

    private static void folder(ZipArchiveOutputStream out, String name) throws IOException {
        out.putArchiveEntry(new ZipArchiveEntry(name));
        out.closeArchiveEntry();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Overwrites the uncompressed size in every local and central header, as a hostile zip would. */
    private static void patchUncompressedSizes(Path zip, int size) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= bytes.length; i++) {
            int signature = buf.getInt(i);
            if (signature == 0x04034b50) {
                buf.putInt(i + 22, size);
            } else if (signature == 0x02014b50) {
                buf.putInt(i + 24, size);
            }
        }
        try (OutputStream out = Files.newOutputStream(zip)) {
            out.write(bytes);
        }
    }
}
