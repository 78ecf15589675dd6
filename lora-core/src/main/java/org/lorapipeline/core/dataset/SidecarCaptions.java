package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Same-stem caption files next to images, as kohya reads them: {@code a.png} takes the first line of
 * {@code a.caption} (kohya's default extension) or else {@code a.txt}, decoded as UTF-8 and stripped.
 */
final class SidecarCaptions {
    private SidecarCaptions() {
    }

    /**
     * Entries for the images among {@code files}; caption files without an image and other files are reported.
     *
     * @param classToken kohya's fallback caption for uncaptioned images, or null for no fallback
     */
    static List<CaptionEntry> read(Path root, List<String> files, String classToken, int repeats, ProblemLog log) {
        Set<String> present = new HashSet<>(files);
        Set<String> usedCaptions = new HashSet<>();
        List<CaptionEntry> out = new ArrayList<>();
        for (String file : files) {
            if (!DatasetFiles.isImage(file)) {
                continue;
            }
            String stem = DatasetFiles.stem(file);
            String captionFile = present.contains(stem + ".caption") ? stem + ".caption"
                    : present.contains(stem + ".txt") ? stem + ".txt" : null;
            if (captionFile != null && captionFile.endsWith(".caption") && present.contains(stem + ".txt")) {
                log.add(ProblemCode.IGNORED_FILE, stem + ".txt", "both " + captionFile + " and this file exist; "
                        + "the .caption file is used (kohya's default caption_extension)");
                usedCaptions.add(stem + ".txt");
            }
            if (captionFile == null) {
                out.add(fallback(file, classToken, repeats, log, "has no " + leaf(stem) + ".caption or "
                        + leaf(stem) + ".txt caption file"));
                continue;
            }
            usedCaptions.add(captionFile);
            out.add(readCaption(root, file, captionFile, classToken, repeats, log));
        }
        for (String file : files) {
            if (DatasetFiles.isImage(file) || usedCaptions.contains(file)) {
                continue;
            }
            if (DatasetFiles.CAPTION_EXTENSIONS.contains(DatasetFiles.extension(file))) {
                log.add(ProblemCode.ORPHAN_CAPTION, file, "caption file without a same-stem image ("
                        + String.join("/", DatasetFiles.IMAGE_EXTENSIONS) + "); rename it or add the image");
            } else {
                log.add(ProblemCode.IGNORED_FILE, file, "neither an image nor a caption file; ignored");
            }
        }
        return out;
    }

    private static CaptionEntry readCaption(Path root, String image, String captionFile, String classToken,
                                            int repeats, ProblemLog log) {
        String text;
        try {
            text = Utf8Text.decode(Files.readAllBytes(root.resolve(captionFile)));
        } catch (Utf8Text.NotUtf8Exception e) {
            log.add(ProblemCode.NOT_UTF8, captionFile, e.line(), e.column(), e.getMessage());
            return fallbackQuietly(image, classToken, repeats);
        } catch (IOException e) {
            log.add(ProblemCode.UNREADABLE_FILE, captionFile, "cannot read: " + e.getMessage());
            return fallbackQuietly(image, classToken, repeats);
        }
        int nl = text.indexOf('\n');
        String first = nl < 0 ? text : text.substring(0, nl);
        if (first.isBlank()) {
            log.add(ProblemCode.CAPTION_EMPTY, captionFile, 1, "the first line is empty (kohya reads only the "
                    + "first line)" + (classToken != null ? "; the class token '" + classToken + "' is used instead"
                    : "; write the caption on line 1"));
            return fallbackQuietly(image, classToken, repeats);
        }
        int column = first.length() - first.stripLeading().length() + 1;
        return new CaptionEntry(image, first.strip(), CaptionSource.CAPTION_FILE, captionFile, 1, column, repeats);
    }

    private static CaptionEntry fallback(String image, String classToken, int repeats, ProblemLog log,
                                         String what) {
        String consequence = classToken != null
                ? "; kohya falls back to the class token '" + classToken + "'"
                : "; it is uncaptioned (add the file or let label-service caption it)";
        log.add(ProblemCode.CAPTION_MISSING, image, "image " + what + consequence);
        return fallbackQuietly(image, classToken, repeats);
    }

    private static CaptionEntry fallbackQuietly(String image, String classToken, int repeats) {
        return classToken == null ? CaptionEntry.uncaptioned(image, repeats)
                : new CaptionEntry(image, classToken, CaptionSource.CLASS_TOKEN, "", 0, 0, repeats);
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
