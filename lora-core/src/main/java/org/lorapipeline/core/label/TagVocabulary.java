package org.lorapipeline.core.label;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.lorapipeline.core.caption.TagKind;

/**
 * The tag categories auto-labelling ranks, read from plain text files (one per category, the file stem is the
 * category name). The built-in files live in this package's {@code tags/} resources; users add their own
 * {@code *.txt} files: a file named like a built-in category adds tags and may override its directives, any
 * other name makes a new category.
 *
 * <p>File format: one tag per line; {@code #} starts a comment line; {@code tag | prompt} gives a tag its own
 * prompt; directives {@code @kind: core|mood|plain}, {@code @template: a photo of {}} (repeatable; the first
 * one in a user file replaces the inherited list), {@code @threshold: 0.2}, {@code @top_k: 2}.
 */
public record TagVocabulary(List<TagCategory> categories) {
    private static final String RESOURCES = "/org/lorapipeline/core/label/tags/";
    private static final List<String> DEFAULT_TEMPLATES = List.of("a photo of {}", "{}");
    private static final float DEFAULT_THRESHOLD = 0.2f;
    private static final int DEFAULT_TOP_K = 3;

    public TagVocabulary {
        if (categories == null || categories.isEmpty()) {
            throw new IllegalArgumentException("a tag vocabulary needs at least one category");
        }
        categories = List.copyOf(categories);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (TagCategory c : categories) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("category '" + c.name() + "' appears twice");
            }
        }
    }

    /** The built-in categories: subject, style, lighting, colour, composition, mood. */
    public static TagVocabulary builtIn() {
        Map<String, Draft> drafts = new LinkedHashMap<>();
        for (String name : resourceLines("categories.txt")) {
            Draft d = new Draft(name);
            d.read(resourceLines(name + ".txt"), "built-in " + name + ".txt", false);
            drafts.put(name, d);
        }
        return build(drafts);
    }

    /** The built-in categories extended by every {@code *.txt} in {@code dir} (sorted by name). */
    public static TagVocabulary builtInPlus(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": tag folder not found; create it or leave the setting out");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
        return builtIn().extendedBy(files);
    }

    /** This vocabulary with user files applied in order. */
    public TagVocabulary extendedBy(List<Path> files) throws IOException {
        Map<String, Draft> drafts = new LinkedHashMap<>();
        for (TagCategory c : categories) {
            drafts.put(c.name(), Draft.of(c));
        }
        for (Path f : files) {
            String stem = f.getFileName().toString().replaceFirst("\\.txt$", "").toLowerCase(Locale.ROOT);
            Draft d = drafts.computeIfAbsent(stem, Draft::new);
            d.read(Files.readAllLines(f, StandardCharsets.UTF_8), f.toString(), true);
        }
        return build(drafts);
    }

    /** The same vocabulary with one score threshold for every category (models whose scores sit elsewhere). */
    public TagVocabulary withThreshold(float threshold) {
        List<TagCategory> replaced = new java.util.ArrayList<>();
        categories.forEach(c -> replaced.add(new TagCategory(c.name(), c.kind(), c.templates(), threshold, c.topK(), c.tags())));
        return new TagVocabulary(replaced);
    }

    public TagCategory category(String name) {
        return categories.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tag category '" + name + "'"));
    }

    /** Number of tags over all categories. */
    public int size() {
        return categories.stream().mapToInt(c -> c.tags().size()).sum();
    }

    private static TagVocabulary build(Map<String, Draft> drafts) {
        List<TagCategory> out = new ArrayList<>();
        drafts.values().forEach(d -> out.add(d.build()));
        return new TagVocabulary(out);
    }

    private static List<String> resourceLines(String name) {
        try (InputStream in = TagVocabulary.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("built-in tag resource " + RESOURCES + name + " is missing");
            }
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .toList();
            return name.equals("categories.txt")
                    ? lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()
                    : lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A category being assembled from one or more files. */
    private static final class Draft {
        final String name;
        TagKind kind = TagKind.PLAIN;
        List<String> templates = new ArrayList<>(DEFAULT_TEMPLATES);
        boolean templatesInherited = true;
        float threshold = DEFAULT_THRESHOLD;
        int topK = DEFAULT_TOP_K;
        final Map<String, String> tags = new LinkedHashMap<>();
        String origin;

        Draft(String name) {
            this.name = name;
        }

        static Draft of(TagCategory c) {
            Draft d = new Draft(c.name());
            d.kind = c.kind();
            d.templates = new ArrayList<>(c.templates());
            d.threshold = c.threshold();
            d.topK = c.topK();
            d.tags.putAll(c.tags());
            return d;
        }

        void read(List<String> lines, String origin, boolean userFile) {
            this.origin = origin;
            templatesInherited = true;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                String where = origin + " line " + (i + 1);
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("@")) {
                    directive(line, where);
                    continue;
                }
                String tag = line;
                String prompt = null;
                int bar = line.indexOf('|');
                if (bar >= 0) {
                    tag = line.substring(0, bar).strip();
                    prompt = line.substring(bar + 1).strip();
                    if (prompt.isEmpty()) {
                        throw new IllegalArgumentException(where + ": empty prompt after '|'");
                    }
                }
                if (tag.isEmpty() || tag.indexOf(',') >= 0 || tag.indexOf('*') >= 0) {
                    throw new IllegalArgumentException(where + ": tag '" + tag + "' must be non-empty and free of ','"
                            + " and '*' (they are caption syntax)");
                }
                tags.put(tag, prompt);
            }
        }

        private void directive(String line, String where) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(where + ": directive '" + line + "' needs a ':' and a value");
            }
            String key = line.substring(1, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            try {
                switch (key) {
                    case "kind" -> kind = TagKind.valueOf(value.toUpperCase(Locale.ROOT));
                    case "template" -> {
                        if (templatesInherited) {
                            templates = new ArrayList<>();
                            templatesInherited = false;
                        }
                        if (!value.contains("{}")) {
                            throw new IllegalArgumentException("template has no {} for the tag");
                        }
                        templates.add(value);
                    }
                    case "threshold" -> threshold = Float.parseFloat(value);
                    case "top_k" -> topK = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown directive @" + key
                            + " (known: @kind, @template, @threshold, @top_k)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + (e instanceof NumberFormatException
                        ? "'" + value + "' is not a number for @" + key : e.getMessage().startsWith("No enum")
                        ? "@kind must be core, mood or plain, got '" + value + "'" : e.getMessage()), e);
            }
        }

        TagCategory build() {
            try {
                return new TagCategory(name, kind, templates, threshold, topK, tags);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((origin == null ? "" : origin + ": ") + e.getMessage(), e);
            }
        }
    }
}
