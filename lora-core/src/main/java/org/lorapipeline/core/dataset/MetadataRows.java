package org.lorapipeline.core.dataset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bookkeeping shared by metadata.csv and metadata.jsonl: resolves the file a row names against the images on
 * disk, reports unsafe, missing and repeated names, and at the end lists the images that no row mentions.
 */
final class MetadataRows {
    private final String metadataFile;
    private final Set<String> images;
    private final Set<String> allFiles;
    private final Map<String, String> byLowerCase = new HashMap<>();
    private final Map<String, CaptionEntry> entries = new LinkedHashMap<>();
    private final ProblemLog log;

    MetadataRows(String metadataFile, List<String> files, ProblemLog log) {
        this.metadataFile = metadataFile;
        this.allFiles = new TreeSet<>(files);
        this.images = new TreeSet<>();
        for (String f : files) {
            if (DatasetFiles.isImage(f)) {
                images.add(f);
            }
            byLowerCase.put(f.toLowerCase(Locale.ROOT), f);
        }
        this.log = log;
    }

    /** Records a row naming {@code written}; problems are logged and the row dropped when the name is unusable. */
    void add(String written, int line, int nameColumn, String caption, CaptionSource source, int captionColumn) {
        if (written == null || written.isBlank()) {
            log.add(ProblemCode.CSV_ROW, metadataFile, line, nameColumn,
                    "the row has an empty file name; put the image's path relative to the dataset folder first");
            return;
        }
        var inside = DatasetFiles.insideRoot(written);
        if (inside.isEmpty()) {
            log.add(ProblemCode.PATH_OUTSIDE_DATASET, metadataFile, line, nameColumn, "'" + written
                    + "' is absolute or leaves the dataset folder; use a path relative to the folder of "
                    + metadataFile);
            return;
        }
        String image = inside.get();
        if (!images.contains(image)) {
            String message;
            if (allFiles.contains(image)) {
                message = "'" + image + "' is not an image (expected one of " + DatasetFiles.IMAGE_EXTENSIONS + ")";
                log.add(ProblemCode.IMAGE_UNSUPPORTED, metadataFile, line, nameColumn, message);
                return;
            }
            String similar = byLowerCase.get(image.toLowerCase(Locale.ROOT));
            message = "'" + image + "' does not exist in the dataset"
                    + (similar != null ? "; did you mean '" + similar + "' (names are case-sensitive)?"
                    : "; add the image or delete the row");
            log.add(ProblemCode.FILE_MISSING, metadataFile, line, nameColumn, message);
            return;
        }
        CaptionEntry first = entries.get(image);
        if (first != null) {
            log.add(ProblemCode.DUPLICATE_ROW, metadataFile, line, nameColumn, "'" + image
                    + "' already has a caption on line " + first.line() + "; that one is used, delete this row");
            return;
        }
        int column = caption != null && captionColumn > 0
                ? captionColumn + caption.length() - caption.stripLeading().length() : captionColumn;
        entries.put(image, new CaptionEntry(image, caption == null ? null : caption.strip(),
                caption == null ? CaptionSource.NONE : source, metadataFile, line, column, 1));
    }

    /** Entries in row order, then every image without a row (reported as uncaptioned). */
    List<CaptionEntry> finish(boolean reportUncaptioned) {
        List<CaptionEntry> out = new ArrayList<>(entries.values());
        for (String image : images) {
            if (!entries.containsKey(image)) {
                if (reportUncaptioned) {
                    log.add(ProblemCode.CAPTION_MISSING, image, "no row in " + metadataFile
                            + " names this image, so it has no caption; add a row or let label-service caption it");
                }
                out.add(CaptionEntry.uncaptioned(image, 1));
            }
        }
        for (String file : allFiles) {
            if (!images.contains(file) && !file.equals(metadataFile)) {
                log.add(ProblemCode.IGNORED_FILE, file, "not an image and not " + metadataFile + "; ignored");
            }
        }
        return out;
    }
}
