package org.lorapipeline.core.caption;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipeline.core.dataset.CsvWriter;

/**
 * Tag frequencies and markup coverage of a set of captions. Tags are counted as kohya's {@code ss_tag_frequency}
 * does (split on {@code ,}, trim, lower-case, every occurrence counted), with the {@code *} markers removed first
 * so {@code **rain**} and {@code rain} are one tag.
 *
 * @param captions     captions counted (blank ones included)
 * @param withCore     captions whose markup parses and has a {@code **core**} group
 * @param withMood     captions whose markup parses and has a {@code *mood*} group
 * @param brokenMarkup captions whose markup does not parse (counted as having neither group)
 * @param tags         every tag, most frequent first, ties by tag
 */
public record CaptionReport(int captions, int withCore, int withMood, int brokenMarkup, List<TagCount> tags) {
    /**
     * @param count    occurrences over all captions (kohya's number)
     * @param captions captions containing the tag at least once
     */
    public record TagCount(String tag, long count, int captions) {
    }

    public CaptionReport {
        tags = List.copyOf(tags);
    }

    /** The report for the captions of {@code root/metadata.csv} (rows that could be read). */
    public static CaptionReport of(Path root) throws IOException {
        CaptionFile.Contents contents = CaptionFile.read(root);
        if (contents.header().isEmpty()) {
            throw new IOException(contents.findings().get(0).toString());
        }
        return of(contents.rows().stream().map(CaptionFile.Row::caption).toList());
    }

    public static CaptionReport of(List<String> captions) {
        int core = 0;
        int mood = 0;
        int broken = 0;
        Map<String, long[]> counts = new HashMap<>();
        for (String caption : captions) {
            try {
                StructuredCaption s = StructuredCaption.parse(caption);
                core += s.core().isEmpty() ? 0 : 1;
                mood += s.mood().isEmpty() ? 0 : 1;
            } catch (CaptionSyntaxException e) {
                broken++;
            }
            List<String> tags = kohyaTags(caption);
            tags.forEach(t -> counts.computeIfAbsent(t, k -> new long[2])[0]++);
            new LinkedHashSet<>(tags).forEach(t -> counts.get(t)[1]++);
        }
        List<TagCount> tags = new ArrayList<>();
        counts.forEach((tag, c) -> tags.add(new TagCount(tag, c[0], (int) c[1])));
        tags.sort((a, b) -> a.count() != b.count() ? Long.compare(b.count(), a.count()) : a.tag().compareTo(b.tag()));
        return new CaptionReport(captions.size(), core, mood, broken, tags);
    }

    /** A caption's tags as kohya counts them, markers removed. */
    public static List<String> kohyaTags(String caption) {
        List<String> out = new ArrayList<>();
        for (String part : caption.replace("*", "").split(",")) {
            String tag = part.strip();
            if (!tag.isEmpty()) {
                out.add(tag.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** kohya's {@code ss_tag_frequency} map for these captions: tag to occurrences. */
    public Map<String, Long> frequencies() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        tags.forEach(t -> out.put(t.tag(), t.count()));
        return out;
    }

    public double coreShare() {
        return share(withCore);
    }

    public double moodShare() {
        return share(withMood);
    }

    private double share(long n) {
        return captions == 0 ? 0 : (double) n / captions;
    }

    /** Coverage lines then the {@code top} most frequent tags as an aligned table (all tags when top < 1). */
    public String table(int top) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "captions: %d%n", captions));
        out.append(String.format(Locale.ROOT, "with **core** group: %d (%.1f%%)%n", withCore, 100 * coreShare()));
        out.append(String.format(Locale.ROOT, "with *mood* group:   %d (%.1f%%)%n", withMood, 100 * moodShare()));
        if (brokenMarkup > 0) {
            out.append(String.format(Locale.ROOT, "broken markup:       %d (run 'lora captions lint')%n",
                    brokenMarkup));
        }
        List<TagCount> shown = top < 1 ? tags : tags.subList(0, Math.min(top, tags.size()));
        int width = Math.max(3, shown.stream().mapToInt(t -> t.tag().length()).max().orElse(0));
        out.append(String.format(Locale.ROOT, "%n%-" + width + "s  %7s  %8s  %6s%n", "tag", "count", "captions",
                "share"));
        for (TagCount t : shown) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %7d  %8d  %5.1f%%%n", t.tag(), t.count(),
                    t.captions(), 100 * share(t.captions())));
        }
        if (shown.size() < tags.size()) {
            out.append(String.format(Locale.ROOT, "... %d more tags%n", tags.size() - shown.size()));
        }
        return out.toString();
    }

    /**
     * The same data as CSV, one table: {@code kind,name,count,captions,share} where coverage rows
     * ({@code kind=coverage}: captions, core, mood, broken_markup) come first, then one {@code kind=tag} row per tag.
     */
    public String csv() {
        StringBuilder out = new StringBuilder(CsvWriter.row(List.of("kind", "name", "count", "captions", "share")));
        coverage(out, "captions", captions);
        coverage(out, "core", withCore);
        coverage(out, "mood", withMood);
        coverage(out, "broken_markup", brokenMarkup);
        for (TagCount t : tags) {
            out.append(CsvWriter.row(List.of("tag", t.tag(), Long.toString(t.count()), Integer.toString(t.captions()),
                    fraction(share(t.captions())))));
        }
        return out.toString();
    }

    private void coverage(StringBuilder out, String name, int n) {
        out.append(CsvWriter.row(List.of("coverage", name, Integer.toString(n), Integer.toString(n),
                fraction(share(n)))));
    }

    private static String fraction(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
