package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Same-stem caption files next to images, as kohya reads them: {@code a.png} takes the first line of
 * {@code a.caption} (kohya's default extension) or else {@code a.txt}, decoded as UTF-8 and stripped. A configured
 * {@code caption_extension} (say {@code .cap}) is looked for first; {@code .caption} and {@code .txt} stay
 * fallbacks so a dataset the inspector accepted never trains without its captions.
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
        return read(root, files, classToken, repeats, null, log);
    }

    /** As {@link #read(Path, List, String, int, ProblemLog)}, trying {@code preferredExtension} first. */
    static List<CaptionEntry> read(Path root, List<String> files, String classToken, int repeats,
                                   String preferredExtension, ProblemLog log) {
        List<String> extensions = extensions(preferredExtension);
        Set<String> present = new HashSet<>(files);
        Set<String> usedCaptions = new HashSet<>();
        List<CaptionEntry> out = new ArrayList<>();
        for (String file : files) {
            if (!DatasetFiles.isImage(file)) {
                continue;
            }
            String stem = DatasetFiles.stem(file);
            List<String> candidates = extensions.stream().map(e -> stem + e).filter(present::contains).toList();
            String captionFile = candidates.isEmpty() ? null : candidates.get(0);
            for (String other : candidates.subList(Math.min(1, candidates.size()), candidates.size())) {
                log.add(ProblemCode.IGNORED_FILE, other, "both " + captionFile + " and this file exist; "
                        + "the " + extensions.get(0) + " file is used (caption_extension)");
                usedCaptions.add(other);
            }
            if (captionFile == null) {
                out.add(fallback(file, classToken, repeats, log, "has no " + extensions.stream()
                        .map(e -> leaf(stem) + e).collect(Collectors.joining(" or ")) + " caption file"));
                continue;
            }
            usedCaptions.add(captionFile);
            out.add(readCaption(root, file, captionFile, classToken, repeats, log));
        }
        for (String file : files) {
            if (DatasetFiles.isImage(file) || usedCaptions.contains(file)) {
                continue;
            }
            if (extensions.stream().anyMatch(file::endsWith)) {
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

    /** Caption extensions in order of preference, each with its dot. */
    private static List<String> extensions(String preferred) {
        List<String> out = new ArrayList<>();
        if (preferred != null && !preferred.isBlank()) {
            out.add(preferred.startsWith(".") ? preferred : "." + preferred);
        }
        for (String e : List.of(".caption", ".txt")) {
            if (!out.contains(e)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
