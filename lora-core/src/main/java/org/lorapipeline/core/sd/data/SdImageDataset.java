package org.lorapipeline.core.sd.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.caption.TagGroup;
import org.lorapipeline.core.caption.TagKind;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.dataset.CaptionSource;
import org.lorapipeline.core.dataset.DatasetInspector;
import org.lorapipeline.core.dataset.DatasetKind;
import org.lorapipeline.core.dataset.DatasetReport;
import org.lorapipeline.core.dataset.ImageItem;
import org.lorapipeline.core.dataset.InspectionRules;
import org.lorapipeline.core.dataset.Manifest;
import org.lorapipeline.core.dataset.Problem;
import org.lorapipeline.core.dataset.ProblemCode;
import org.lorapipeline.core.dataset.Severity;
import org.lorapipeline.core.image.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images and captions a Stable Diffusion run trains on.
 *
 * <p>Where they come from, first match wins: {@code metadata_path} when given (a seed {@code filename,prompt} or
 * Hugging Face CSV, or a {@code metadata.jsonl}, anywhere; file names relative to {@code train_data_dir}); an
 * ingest manifest (label-service's {@code ../captions/manifest.json}, then {@code ../manifest.json}, when
 * {@code train_data_dir} is the {@code files/} folder of a registered dataset; or {@code manifest.json} in
 * {@code train_data_dir}); otherwise the layout {@link DatasetInspector} detects: {@code metadata.csv},
 * {@code metadata.jsonl}, kohya {@code <repeats>_<name>/} folders or a plain folder with sidecar captions
 * ({@code caption_extension} first, then {@code .caption}, {@code .txt}).
 *
 * <p>Refused, with every offending file (and metadata line) named: anything the inspector counts as an error
 * (unreadable or corrupt images, rows naming missing files, bad metadata), images without any caption, and a
 * manifest whose files are missing or changed. Allowed with a warning: an empty caption (the image trains as an
 * unconditional example) and every inspector warning.
 */
public final class SdImageDataset {
    private static final Logger LOG = LoggerFactory.getLogger(SdImageDataset.class);
    private static final int MAX_LISTED_ERRORS = 20;
    private final String source;
    private final List<SdImage> images;
    private final List<String> warnings;

    private SdImageDataset(String source, List<SdImage> images, List<String> warnings) {
        this.source = source;
        this.images = List.copyOf(images);
        this.warnings = List.copyOf(warnings);
    }

    public static SdImageDataset load(Path trainDataDir, Path metadataPathOrNull, String captionExtension)
            throws IOException {
        return load(trainDataDir, metadataPathOrNull, captionExtension, InspectionRules.defaults());
    }

    /** As {@link #load(Path, Path, String)}, checking images with {@code rules} (e.g. {@code min_resolution}). */
    public static SdImageDataset load(Path trainDataDir, Path metadataPathOrNull, String captionExtension,
                                      InspectionRules rules) throws IOException {
        if (!Files.isDirectory(trainDataDir)) {
            throw new IOException("train_data_dir " + trainDataDir + " is not a folder; point it at the folder "
                    + "that holds the images");
        }
        if (metadataPathOrNull == null) {
            for (Path manifest : manifestCandidates(trainDataDir)) {
                if (Files.isRegularFile(manifest)) {
                    LOG.info("reading dataset {} from its ingest manifest {}", trainDataDir.getFileName(), manifest);
                    return fromManifest(trainDataDir, Manifest.read(manifest), manifest.getFileName().toString());
                }
            }
        }
        DatasetReport report = DatasetInspector.inspect(trainDataDir, metadataPathOrNull, captionExtension, rules);
        return fromReport(trainDataDir, report);
    }

    private static List<Path> manifestCandidates(Path dir) {
        List<Path> out = new ArrayList<>();
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.getFileName() != null && abs.getFileName().toString().equals("files") && abs.getParent() != null) {
            out.add(abs.getParent().resolve("captions").resolve("manifest.json"));
            out.add(abs.getParent().resolve("manifest.json"));
        }
        out.add(dir.resolve("manifest.json"));
        return out;
    }

    /** The dataset of an inspection report, refusing it when the report has errors or uncaptioned images. */
    static SdImageDataset fromReport(Path root, DatasetReport report) throws IOException {
        String where = root.getFileName() == null ? root.toString() : root.getFileName().toString();
        if (report.kind() != DatasetKind.IMAGE) {
            throw new IOException("dataset " + where + " is a " + report.layout() + " text dataset; a Stable "
                    + "Diffusion run needs images with captions");
        }
        List<String> errors = new ArrayList<>();
        report.problems(Severity.ERROR).forEach(p -> errors.add(p.toString()));
        List<String> warnings = new ArrayList<>();
        report.problems(Severity.WARNING).forEach(p -> warnings.add(p.toString()));
        List<SdImage> images = new ArrayList<>();
        for (ImageItem item : report.images()) {
            if (item.captionSource() == CaptionSource.NONE && !emptyCaptionFile(report, item.path())) {
                errors.add(uncaptioned(report, item.path()));
                continue;
            }
            if (item.structured().isEmpty()) {
                warnings.add(item.path() + ": empty caption; it trains as an unconditional example");
            }
            images.add(new SdImage(item.path(), root.resolve(item.path()), item.sha256(), item.width(),
                    item.height(), item.structured(), item.repeats()));
        }
        return finish(where + " (" + report.layout() + ")", images, errors, warnings);
    }

    /**
     * The dataset a registered manifest lists, files under {@code filesDir} (the {@code files/} folder of
     * {@code datasets/<datasetId>/}); every file must exist and still have its checksum.
     */
    public static SdImageDataset fromManifest(Path filesDir, Manifest manifest) throws IOException {
        return fromManifest(filesDir, manifest, "manifest.json");
    }

    private static SdImageDataset fromManifest(Path root, Manifest manifest, String manifestName) throws IOException {
        if (manifest.kind() != DatasetKind.IMAGE) {
            throw new IOException(manifestName + " describes a " + manifest.layout() + " text dataset; a Stable "
                    + "Diffusion run needs images with captions");
        }
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<SdImage> images = new ArrayList<>();
        for (Manifest.Image m : manifest.images()) {
            Path file = root.resolve(m.path());
            if (!Files.isRegularFile(file)) {
                errors.add(m.path() + ": listed in " + manifestName + " but missing; download the dataset again");
                continue;
            }
            String sha = Sha256.hex(file);
            if (!sha.equals(m.sha256())) {
                errors.add(m.path() + ": content differs from " + manifestName + " (sha256 " + sha.substring(0, 12)
                        + "..., expected " + m.sha256().substring(0, 12) + "...); download the dataset again");
                continue;
            }
            StructuredCaption caption = caption(m);
            if (m.captionSource() == CaptionSource.NONE && m.caption() == null) {
                errors.add(m.path() + ": has no caption in " + manifestName + "; caption it (auto_label: true lets "
                        + "label-service do it) before training");
                continue;
            }
            if (caption.isEmpty()) {
                warnings.add(m.path() + ": empty caption; it trains as an unconditional example");
            }
            images.add(new SdImage(m.path(), file, m.sha256(), m.width(), m.height(), caption, m.repeats()));
        }
        return finish(manifestName + " (" + manifest.layout() + ")", images, errors, warnings);
    }

    /** Groups in training order (core, mood, plain); the manifest keeps the tags per kind, not their interleaving. */
    private static StructuredCaption caption(Manifest.Image m) {
        List<TagGroup> groups = new ArrayList<>();
        if (!m.coreTags().isEmpty()) {
            groups.add(new TagGroup(TagKind.CORE, m.coreTags()));
        }
        if (!m.moodTags().isEmpty()) {
            groups.add(new TagGroup(TagKind.MOOD, m.moodTags()));
        }
        if (!m.plainTags().isEmpty()) {
            groups.add(new TagGroup(TagKind.PLAIN, m.plainTags()));
        }
        return new StructuredCaption(groups);
    }

    private static SdImageDataset finish(String source, List<SdImage> images, List<String> errors,
                                         List<String> warnings) throws IOException {
        if (images.isEmpty() && errors.isEmpty()) {
            errors.add("no images found; add images with captions");
        }
        if (!errors.isEmpty()) {
            List<String> listed = errors.subList(0, Math.min(errors.size(), MAX_LISTED_ERRORS));
            throw new IOException("dataset " + source + " cannot be trained on (" + errors.size() + " problem"
                    + (errors.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", listed)
                    + (errors.size() > listed.size() ? "\n  ... and " + (errors.size() - listed.size()) + " more"
                    : ""));
        }
        warnings.forEach(w -> LOG.warn("dataset {}: {}", source, w));
        SdImageDataset dataset = new SdImageDataset(source, images, warnings);
        LOG.info("dataset {}", dataset.stats());
        return dataset;
    }

    /** A sidecar caption file exists but its first line is empty: an empty caption, not a missing one. */
    private static boolean emptyCaptionFile(DatasetReport report, String image) {
        String stem = image.contains(".") ? image.substring(0, image.lastIndexOf('.')) : image;
        return report.problems(ProblemCode.CAPTION_EMPTY).stream()
                .anyMatch(p -> p.file().startsWith(stem + ".") && !p.file().equals(image));
    }

    private static String uncaptioned(DatasetReport report, String image) {
        return report.problems(ProblemCode.CAPTION_MISSING).stream().filter(p -> p.file().equals(image))
                .findFirst().map(Problem::toString)
                .orElse(image + ": has no caption")
                + "; training needs a caption for every image (auto_label: true captions them first)";
    }

    public List<SdImage> images() {
        return images;
    }

    /** Warnings found while loading (also logged), each naming its file. */
    public List<String> warnings() {
        return warnings;
    }

    /** One line: where the data came from, images, examples with repeats, repeat counts, empty captions. */
    public String stats() {
        long examples = images.stream().mapToLong(SdImage::repeats).sum();
        Map<Integer, Integer> byRepeats = new TreeMap<>();
        images.forEach(i -> byRepeats.merge(i.repeats(), 1, Integer::sum));
        List<String> repeats = new ArrayList<>();
        byRepeats.forEach((r, n) -> repeats.add(n + " x" + r));
        long empty = images.stream().filter(i -> i.caption().isEmpty()).count();
        return source + ": " + images.size() + " images, " + examples + " examples with repeats (images x repeats: "
                + String.join(", ", repeats) + "), " + empty + " empty captions, " + warnings.size() + " warnings";
    }

    /**
     * Captions that CLIP cuts off: {@code "<key>: N tokens > 75"} for each image whose prompt (markup stripped,
     * {@link CaptionProcessor#plain}) has more content tokens than fit between BOS and EOS.
     */
    public List<String> longCaptions(ClipTokenizer tok) {
        int limit = tok.contextLength() - 2;
        List<String> out = new ArrayList<>();
        for (SdImage img : images) {
            int n = tok.countTokens(CaptionProcessor.plain(img.caption()));
            if (n > limit) {
                out.add(img.key() + ": " + n + " tokens > " + limit);
            }
        }
        return out;
    }
}
