package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.AsiExtraField;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipShort;
import org.apache.commons.compress.utils.InputStreamStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts an uploaded zip into an empty directory, refusing anything that could write outside it or exhaust the
 * disk: {@code ../} and absolute names (zip-slip), symlinks and other special files (unix mode in the external
 * attributes, or the ASi extra field), too many entries, and entries that inflate past the size limits or the
 * compression ratio, counted on the bytes actually inflated. Names and types are checked for every entry before
 * the first byte is written; on any refusal everything written so far is deleted, so the target is left empty.
 * commons-compress is used because {@link java.util.zip} hides the external attributes that mark symlinks.
 */
public final class SafeArchive {
    private static final Logger LOG = LoggerFactory.getLogger(SafeArchive.class);
    private static final int TYPE_MASK = 0170000;
    private static final int REGULAR = 0100000;
    private static final int DIRECTORY = 0040000;
    private static final int SYMLINK = 0120000;
    private static final ZipShort ASI_HEADER = new ZipShort(0x756e); // Info-ZIP "ASi Unix" extra field

    private SafeArchive() {
    }

    /**
     * @param target an empty or not yet existing directory
     * @throws UnsafeArchiveException when the archive breaks a rule (the target is then left empty)
     */
    public static ExtractedArchive extract(Path zip, Path target, ArchiveLimits limits) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> existing = Files.list(target)) {
            if (existing.findAny().isPresent()) {
                throw new IllegalArgumentException("extraction target " + target + " must be empty");
            }
        }
        Path root = target.toRealPath();
        ZipFile zipFile;
        try {
            zipFile = ZipFile.builder().setPath(zip).get();
        } catch (IOException e) {
            throw new UnsafeArchiveException("", UnsafeArchiveException.Reason.NOT_A_ZIP,
                    "the upload is not a readable zip archive (" + e.getMessage() + "); upload a .zip file");
        }
        try (zipFile) {
            List<ZipArchiveEntry> entries = Collections.list(zipFile.getEntries());
            List<String> names = plan(zipFile, entries, limits);
            try {
                return write(zipFile, entries, names, root, zip, limits);
            } catch (IOException | RuntimeException e) {
                clear(root);
                throw e;
            }
        }
    }

    /** Validates every entry up front; returns the safe relative name per entry. */
    private static List<String> plan(ZipFile zipFile, List<ZipArchiveEntry> entries, ArchiveLimits limits)
            throws UnsafeArchiveException {
        if (entries.size() > limits.maxEntries()) {
            throw new UnsafeArchiveException(entries.get(limits.maxEntries()).getName(),
                    UnsafeArchiveException.Reason.TOO_MANY_ENTRIES, "the archive has " + entries.size()
                    + " entries, more than the limit of " + limits.maxEntries());
        }
        List<String> names = new ArrayList<>(entries.size());
        Set<String> seen = new HashSet<>();
        for (ZipArchiveEntry entry : entries) {
            String name = safeName(entry.getName());
            checkType(entry);
            if (!entry.isDirectory() && !zipFile.canReadEntryData(entry)) {
                throw new UnsafeArchiveException(entry.getName(), UnsafeArchiveException.Reason.UNSUPPORTED_ENTRY,
                        "encrypted or compressed with an unsupported method (" + entry.getMethod()
                                + "); re-create the zip without a password using deflate");
            }
            if (!entry.isDirectory() && !seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new UnsafeArchiveException(entry.getName(), UnsafeArchiveException.Reason.DUPLICATE_ENTRY,
                        "a file of this name (ignoring case) appears twice in the archive");
            }
            names.add(name);
        }
        return names;
    }

    static String safeName(String stored) throws UnsafeArchiveException {
        if (stored.isEmpty() || stored.indexOf('\0') >= 0) {
            throw new UnsafeArchiveException(stored, UnsafeArchiveException.Reason.BAD_NAME, "empty name or NUL byte");
        }
        String name = stored.replace('\\', '/');
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw new UnsafeArchiveException(stored, UnsafeArchiveException.Reason.ABSOLUTE_PATH,
                    "absolute paths are not allowed; zip the dataset folder's contents with relative names");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                throw new UnsafeArchiveException(stored, UnsafeArchiveException.Reason.PATH_TRAVERSAL,
                        "'..' would write outside the dataset folder");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw new UnsafeArchiveException(stored, UnsafeArchiveException.Reason.BAD_NAME, "the name is empty");
        }
        return String.join("/", parts);
    }

    private static void checkType(ZipArchiveEntry entry) throws UnsafeArchiveException {
        int mode = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() : 0;
        boolean asiLink = entry.getExtraField(ASI_HEADER) instanceof AsiExtraField asi && asi.isLink();
        if (entry.isUnixSymlink() || (mode & TYPE_MASK) == SYMLINK || asiLink) {
            throw new UnsafeArchiveException(entry.getName(), UnsafeArchiveException.Reason.LINK,
                    "symbolic links are not allowed; zip the files themselves (zip without -y)");
        }
        int type = mode & TYPE_MASK;
        if (type != 0 && type != REGULAR && type != DIRECTORY) {
            throw new UnsafeArchiveException(entry.getName(), UnsafeArchiveException.Reason.SPECIAL_FILE,
                    "device, FIFO or socket entries are not allowed (mode " + Integer.toOctalString(mode) + ")");
        }
    }

    private static ExtractedArchive write(ZipFile zipFile, List<ZipArchiveEntry> entries, List<String> names,
                                          Path root, Path zip, ArchiveLimits limits) throws IOException {
        long archiveBytes = Math.max(1, Files.size(zip));
        long total = 0;
        List<String> files = new ArrayList<>();
        byte[] buffer = new byte[1 << 16];
        for (int i = 0; i < entries.size(); i++) {
            ZipArchiveEntry entry = entries.get(i);
            Path path = root.resolve(names.get(i)).normalize();
            if (!path.startsWith(root)) { // defence in depth; safeName already forbids this
                throw new UnsafeArchiveException(entry.getName(), UnsafeArchiveException.Reason.PATH_TRAVERSAL,
                        "resolves outside the dataset folder");
            }
            if (entry.isDirectory()) {
                Files.createDirectories(path);
                continue;
            }
            Files.createDirectories(path.getParent());
            long written = 0;
            try (InputStream in = zipFile.getInputStream(entry);
                 OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (written + n > limits.maxEntryBytes()) {
                        throw new UnsafeArchiveException(entry.getName(),
                                UnsafeArchiveException.Reason.ENTRY_TOO_LARGE, "inflates to more than "
                                + limits.maxEntryBytes() + " bytes (the header claimed " + entry.getSize() + ")");
                    }
                    if (total + n > limits.maxTotalBytes()) {
                        throw new UnsafeArchiveException(entry.getName(),
                                UnsafeArchiveException.Reason.TOTAL_TOO_LARGE, "the archive inflates to more than "
                                + limits.maxTotalBytes() + " bytes in total");
                    }
                    written += n;
                    total += n;
                    checkRatio(entry, in, written, total, archiveBytes, limits);
                    out.write(buffer, 0, n);
                }
            }
            files.add(names.get(i));
        }
        LOG.info("extracted {} files, {} bytes from {}", files.size(), total, zip.getFileName());
        return new ExtractedArchive(root, files, total);
    }

    private static void checkRatio(ZipArchiveEntry entry, InputStream in, long written, long total,
                                   long archiveBytes, ArchiveLimits limits) throws UnsafeArchiveException {
        if (written > ArchiveLimits.RATIO_FLOOR_BYTES && in instanceof InputStreamStatistics stats) {
            double ratio = (double) written / Math.max(1, stats.getCompressedCount());
            if (ratio > limits.maxCompressionRatio()) {
                throw new UnsafeArchiveException(entry.getName(), UnsafeArchiveException.Reason.COMPRESSION_RATIO,
                        String.format(Locale.ROOT, "compression ratio %.0f:1 exceeds %.0f:1 (zip bomb?)", ratio,
                                limits.maxCompressionRatio()));
            }
        }
        if (total > ArchiveLimits.RATIO_FLOOR_BYTES && (double) total / archiveBytes > limits.maxCompressionRatio()) {
            throw new UnsafeArchiveException(entry.getName(), UnsafeArchiveException.Reason.COMPRESSION_RATIO,
                    String.format(Locale.ROOT, "the archive inflates %.0f times its size, over %.0f (zip bomb?)",
                            (double) total / archiveBytes, limits.maxCompressionRatio()));
        }
    }

    /** Deletes everything under {@code root} (which was empty before); extraction never creates links. */
    private static void clear(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (!dir.equals(root)) {
                    Files.delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
