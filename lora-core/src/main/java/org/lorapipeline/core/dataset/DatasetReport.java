package org.lorapipeline.core.dataset;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Result of {@link DatasetInspector#inspect}: what was found and what is wrong with it.
 *
 * @param images   decodable images in path order (IMAGE datasets)
 * @param texts    JSONL files (TEXT datasets)
 * @param problems findings in discovery order
 */
public record DatasetReport(DatasetKind kind, DatasetLayout layout, List<ImageItem> images, List<TextItem> texts,
                            List<Problem> problems) {
    public DatasetReport {
        if (kind == null || layout == null) {
            throw new IllegalArgumentException("kind and layout must not be null");
        }
        images = List.copyOf(images);
        texts = List.copyOf(texts);
        problems = List.copyOf(problems);
    }

    /** True when nothing has severity ERROR: the dataset may be registered and trained on. */
    public boolean accepted() {
        return problems.stream().noneMatch(p -> p.severity() == Severity.ERROR);
    }

    public List<Problem> problems(Severity severity) {
        return problems.stream().filter(p -> p.severity() == severity).toList();
    }

    public List<Problem> problems(ProblemCode code) {
        return problems.stream().filter(p -> p.code() == code).toList();
    }

    /** Images, or valid text records. */
    public long itemCount() {
        return kind == DatasetKind.IMAGE ? images.size() : texts.stream().mapToLong(TextItem::records).sum();
    }

    /** kohya-style "images x repeats" total; the steps per epoch at batch size 1. */
    public long repeatedImageCount() {
        return images.stream().mapToLong(ImageItem::repeats).sum();
    }

    /**
     * How many images carry each tag (lower-cased, counted once per image), most frequent first, ties by tag:
     * the tag-frequency table kohya users read before training.
     */
    public Map<String, Long> tagFrequencies() {
        Map<String, Long> counts = new HashMap<>();
        for (ImageItem image : images) {
            new LinkedHashSet<>(image.structured().tags()).forEach(tag -> counts.merge(tag, 1L, Long::sum));
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** One line for logs and CLI output. */
    public String summary() {
        return String.format("%s %s: %d items, %d errors, %d warnings, %s", kind, layout, itemCount(),
                problems(Severity.ERROR).size(), problems(Severity.WARNING).size(),
                accepted() ? "accepted" : "rejected");
    }
}
