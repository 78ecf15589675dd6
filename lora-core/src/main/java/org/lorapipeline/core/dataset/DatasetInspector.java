package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inspects a dataset folder (or a single JSONL file) and reports what a trainer would get from it.
 *
 * <p>Layout detection, first match wins: a {@code .jsonl} file → text; {@code metadata.csv} at the root → seed
 * ({@code filename,prompt}) or Hugging Face ({@code file_name,...}) CSV; {@code metadata.jsonl} → Hugging Face
 * imagefolder; {@code <repeats>_<name>/} folders → kohya; any images → plain image folder with optional same-stem
 * captions; otherwise {@code *.jsonl} files → text. Dot-files and {@code __MACOSX/} are never part of a dataset.
 *
 * <p>What rejects a dataset (severity ERROR, see {@link ProblemCode} for the full table): nothing to train on;
 * an image that cannot be read, is not an image, is truncated, corrupt, or over the pixel limit; metadata without
 * its header, rows that cannot be parsed or that name missing files or paths outside the dataset; text files that
 * are not UTF-8; JSONL lines that are not JSON, lack required fields or mix record shapes; both metadata.csv and
 * metadata.jsonl present. What only warns: exact and near duplicates (trained on twice, not broken), images under
 * the minimum size (upscaled, soft), missing or empty captions (kohya falls back to the class token; other layouts
 * leave the image for label-service to caption), broken caption markup (the caption is used without markers),
 * repeated rows, orphan caption files, 0-repeat kohya folders, empty text records. Skipped folders and files are
 * INFO. {@link InspectionRules#withSeverity} changes any of these.
 */
public final class DatasetInspector {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetInspector.class);

    private DatasetInspector() {
    }

    /**
     * The folder the dataset really starts in: zips made by right-clicking a folder wrap everything in one
     * top-level directory, so a lone directory (dot-files and {@code __MACOSX/} aside) that is not itself a kohya
     * {@code <repeats>_<name>} folder is descended into, repeatedly. Call it on an extracted upload before
     * {@link #inspect}; manifest paths are relative to the folder it returns.
     */
    public static Path findRoot(Path dir) throws IOException {
        Path current = dir;
        while (Files.isDirectory(current)) {
            List<Path> children = DatasetFiles.children(current);
            if (children.size() != 1 || !Files.isDirectory(children.get(0))
                    || KohyaLayout.FOLDER.matcher(children.get(0).getFileName().toString()).matches()) {
                return current;
            }
            current = children.get(0);
        }
        return current;
    }

    /** Inspects {@code root}: a dataset folder, or a single {@code .jsonl} text file. */
    public static DatasetReport inspect(Path root, InspectionRules rules) throws IOException {
        return inspect(root, null, null, rules);
    }

    /**
     * Inspects an image folder as a training run configures it.
     *
     * @param metadataFile     {@code metadata_path}: a {@code .csv} or {@code .jsonl} that may live outside
     *                         {@code root} (its file names are relative to {@code root}) and replaces layout detection;
     *                         null to detect the layout
     * @param captionExtension {@code caption_extension}: sidecar caption files with this extension are preferred
     *                         over {@code .caption}/{@code .txt}; null for the default order
     */
    public static DatasetReport inspect(Path root, Path metadataFile, String captionExtension, InspectionRules rules)
            throws IOException {
        ProblemLog log = new ProblemLog(rules);
        DatasetReport report = metadataFile == null ? detectAndCheck(root, captionExtension, rules, log)
                : withMetadata(root, metadataFile, rules, log);
        LOG.info("inspected {}: {}", root.getFileName(), report.summary());
        return report;
    }

    private static DatasetReport withMetadata(Path root, Path metadataFile, InspectionRules rules, ProblemLog log)
            throws IOException {
        Path abs = metadataFile.toAbsolutePath().normalize();
        Path absRoot = root.toAbsolutePath().normalize();
        String name = abs.startsWith(absRoot) ? DatasetFiles.relative(absRoot, abs) : metadataFile.toString();
        if (!Files.isDirectory(root)) {
            log.add(ProblemCode.NO_ITEMS, "", "dataset folder " + root.getFileName() + " does not exist");
            return empty(log);
        }
        if (!Files.isRegularFile(metadataFile)) {
            log.add(ProblemCode.FILE_MISSING, name, "metadata_path names no file; fix the path or remove the key "
                    + "to read captions from the dataset folder");
            return empty(log);
        }
        if (DatasetFiles.extension(abs.getFileName().toString()).equals("jsonl")) {
            return images(root, DatasetLayout.HF_IMAGEFOLDER, MetadataJsonlLayout.read(metadataFile, name,
                    allFiles(root), log), rules, log);
        }
        MetadataCsvLayout.Scan scan = MetadataCsvLayout.read(metadataFile, name, allFiles(root), log);
        return images(root, scan.layout(), scan.entries(), rules, log);
    }

    private static DatasetReport detectAndCheck(Path root, String captionExtension, InspectionRules rules,
                                                ProblemLog log) throws IOException {
        if (Files.isRegularFile(root)) {
            String name = root.getFileName().toString();
            if (DatasetFiles.extension(name).equals("jsonl")) {
                return text(root.toAbsolutePath().getParent(), List.of(name), log);
            }
            log.add(ProblemCode.NO_ITEMS, name, "expected a dataset folder or a .jsonl text file");
            return empty(log);
        }
        if (!Files.isDirectory(root)) {
            log.add(ProblemCode.NO_ITEMS, "", "dataset path " + root.getFileName() + " does not exist");
            return empty(log);
        }
        boolean csv = Files.isRegularFile(root.resolve(MetadataCsvLayout.FILE));
        boolean jsonl = Files.isRegularFile(root.resolve(MetadataJsonlLayout.FILE));
        if (csv && jsonl) {
            log.add(ProblemCode.AMBIGUOUS_LAYOUT, MetadataJsonlLayout.FILE, "both metadata.csv and metadata.jsonl "
                    + "exist; metadata.csv is used, delete the one you do not mean");
        }
        if (csv) {
            MetadataCsvLayout.Scan scan = MetadataCsvLayout.read(root, allFiles(root), log);
            return images(root, scan.layout(), scan.entries(), rules, log);
        }
        if (jsonl) {
            return images(root, DatasetLayout.HF_IMAGEFOLDER, MetadataJsonlLayout.read(root, allFiles(root), log),
                    rules, log);
        }
        if (KohyaLayout.matches(root)) {
            return images(root, DatasetLayout.KOHYA_FOLDERS, KohyaLayout.read(root, captionExtension, log), rules, log);
        }
        List<String> files = allFiles(root);
        if (files.stream().anyMatch(DatasetFiles::isImage)) {
            return images(root, DatasetLayout.IMAGE_FOLDER, SidecarCaptions.read(root, files, null, 1,
                    captionExtension, log),
                    rules, log);
        }
        List<String> jsonlFiles = files.stream().filter(f -> DatasetFiles.extension(f).equals("jsonl")).toList();
        if (!jsonlFiles.isEmpty()) {
            files.stream().filter(f -> !jsonlFiles.contains(f)).forEach(f -> log.add(ProblemCode.IGNORED_FILE, f,
                    f.endsWith(".json") ? "JSON arrays are not read; convert to JSONL (one object per line), "
                            + "e.g. jq -c '.[]' in.json > out.jsonl" : "not a .jsonl file; ignored"));
            return text(root, jsonlFiles, log);
        }
        log.add(ProblemCode.NO_ITEMS, "", "found no images (" + String.join(", ", DatasetFiles.IMAGE_EXTENSIONS)
                + ") and no .jsonl text files; upload images with captions, kohya <repeats>_<name>/ folders, "
                + "or a JSONL text dataset");
        return empty(log);
    }

    private static DatasetReport images(Path root, DatasetLayout layout, List<CaptionEntry> entries,
                                        InspectionRules rules, ProblemLog log) {
        List<ImageItem> items = ImageChecker.check(root, entries, rules, log);
        if (items.isEmpty()) {
            log.add(ProblemCode.NO_ITEMS, "", entries.isEmpty() ? "the " + layout + " layout names no images"
                    : "none of the " + entries.size() + " images could be used; see the errors above");
        }
        return new DatasetReport(DatasetKind.IMAGE, layout, items, List.of(), log.problems());
    }

    private static DatasetReport text(Path root, List<String> files, ProblemLog log) {
        TextChecker.Result result = TextChecker.check(root, files, log);
        if (result.items().stream().mapToLong(TextItem::records).sum() == 0) {
            log.add(ProblemCode.NO_ITEMS, "", "no valid JSONL records in " + String.join(", ", files));
        }
        DatasetLayout layout = result.format() == TextFormat.ALPACA ? DatasetLayout.ALPACA_JSONL
                : DatasetLayout.TEXT_JSONL;
        return new DatasetReport(DatasetKind.TEXT, layout, List.of(), result.items(), log.problems());
    }

    private static DatasetReport empty(ProblemLog log) {
        return new DatasetReport(DatasetKind.IMAGE, DatasetLayout.UNKNOWN, List.of(), List.of(), log.problems());
    }

    private static List<String> allFiles(Path root) throws IOException {
        return DatasetFiles.files(root, root, true);
    }
}
