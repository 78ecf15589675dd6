package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kohya-ss DreamBooth-style folders: {@code <repeats>_<class token>/} directly under the root, images and
 * same-stem captions inside (not recursive, as kohya's default). Folders without a leading integer and files at
 * the root are skipped, as kohya skips them.
 */
final class KohyaLayout {
    static final Pattern FOLDER = Pattern.compile("^(\\d+)_(.*)$");

    private KohyaLayout() {
    }

    /** True when {@code root} has at least one {@code <digits>_<name>} folder. */
    static boolean matches(Path root) throws IOException {
        return DatasetFiles.children(root).stream()
                .anyMatch(p -> Files.isDirectory(p) && FOLDER.matcher(p.getFileName().toString()).matches());
    }

    static List<CaptionEntry> read(Path root, String captionExtension, ProblemLog log) throws IOException {
        List<CaptionEntry> out = new ArrayList<>();
        for (Path child : DatasetFiles.children(root)) {
            String name = child.getFileName().toString();
            if (!Files.isDirectory(child)) {
                log.add(ProblemCode.IGNORED_FILE, name, "kohya reads images only inside <repeats>_<name>/ folders; "
                        + "this file at the top level is ignored");
                continue;
            }
            Matcher m = FOLDER.matcher(name);
            Integer repeats = m.matches() ? parseRepeats(m.group(1)) : null;
            if (repeats == null) {
                log.add(ProblemCode.IGNORED_FOLDER, name, "folder name has no leading repeat count "
                        + "('<repeats>_<name>', e.g. '10_" + name + "'); kohya ignores it");
                continue;
            }
            if (repeats == 0) {
                log.add(ProblemCode.ZERO_REPEATS, name, "0 repeats: kohya trains on none of these images; "
                        + "use at least 1");
            }
            out.addAll(readFolder(root, child, m.group(2), repeats, captionExtension, log));
        }
        return out;
    }

    private static List<CaptionEntry> readFolder(Path root, Path folder, String classToken, int repeats,
                                                 String captionExtension, ProblemLog log) throws IOException {
        List<String> files = new ArrayList<>();
        for (Path p : DatasetFiles.children(folder)) {
            if (Files.isDirectory(p)) {
                log.add(ProblemCode.IGNORED_FOLDER, DatasetFiles.relative(root, p), "kohya does not look into "
                        + "sub-folders of a <repeats>_<name> folder; move its images up or into their own folder");
            } else {
                files.add(DatasetFiles.relative(root, p));
            }
        }
        return SidecarCaptions.read(root, files, classToken.isBlank() ? null : classToken, repeats, captionExtension,
                log);
    }

    private static Integer parseRepeats(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return null; // more digits than an int holds: not a repeat count
        }
    }
}
