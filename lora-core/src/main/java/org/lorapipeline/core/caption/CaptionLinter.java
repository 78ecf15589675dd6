package org.lorapipeline.core.caption;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.lorapipeline.core.caption.CaptionFinding.Code;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.dataset.DatasetFiles;
import org.lorapipeline.core.dataset.Severity;

/**
 * Checks a dataset folder's {@code metadata.csv} the way a person preparing captions needs: broken
 * {@code **core**}/{@code *mood*} markup with its column, duplicate tags, captions CLIP would truncate, lines that
 * are not UTF-8, rows naming missing files and images without a row.
 *
 * <p>Severities: ERROR when the caption or row does not mean what was written (broken markup, lost bytes,
 * missing files, unreadable rows); WARNING when training works but probably not as intended.
 */
public final class CaptionLinter {
    /** CLIP's 77-token context minus BOS and EOS. */
    public static final int MAX_CONTENT_TOKENS = ClipTokenizer.CONTEXT_LENGTH - 2;

    private final ClipTokenizer tokenizer;

    /** @param tokenizer counts CLIP tokens for the length check; null skips that check */
    public CaptionLinter(ClipTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public boolean checksLength() {
        return tokenizer != null;
    }

    /** Every finding for the dataset folder {@code root}, metadata.csv findings in line order first. */
    public List<CaptionFinding> lint(Path root) throws IOException {
        CaptionFile.Contents contents = CaptionFile.read(root);
        List<CaptionFinding> out = new ArrayList<>(contents.findings());
        if (contents.header().isEmpty() && !contents.findings().isEmpty()
                && contents.findings().get(0).code() == Code.NO_METADATA) {
            return out;
        }
        Set<String> images = new LinkedHashSet<>();
        Map<String, String> byLowerCase = new HashMap<>();
        for (String f : DatasetFiles.files(root, root, true)) {
            if (DatasetFiles.isImage(f)) {
                images.add(f);
            }
            byLowerCase.put(f.toLowerCase(Locale.ROOT), f);
        }
        Map<String, Integer> seenRows = new HashMap<>();
        for (CaptionFile.Row row : contents.rows()) {
            Optional<String> name = DatasetFiles.insideRoot(row.filename());
            if (name.isEmpty()) {
                out.add(finding(Severity.ERROR, Code.PATH_OUTSIDE_DATASET, row.line(), row.nameColumn(),
                        "'" + row.filename() + "' is empty, absolute or outside the dataset folder; name the "
                                + "image relative to the folder of " + CaptionFile.FILE));
            } else if (!images.contains(name.get())) {
                String similar = byLowerCase.get(name.get().toLowerCase(Locale.ROOT));
                out.add(finding(Severity.ERROR, Code.FILE_MISSING, row.line(), row.nameColumn(), "'"
                        + name.get() + "' does not exist"
                        + (similar != null && !similar.equals(name.get())
                        ? "; did you mean '" + similar + "' (names are case-sensitive)?"
                        : "; add the image or delete the row")));
            } else {
                Integer first = seenRows.putIfAbsent(name.get(), row.line());
                if (first != null) {
                    out.add(finding(Severity.WARNING, Code.DUPLICATE_ROW, row.line(), row.nameColumn(), "'"
                            + name.get() + "' already has a row on line " + first
                            + "; only the first is used, merge the captions and delete this row"));
                }
            }
            out.addAll(lintCaption(row.caption(), row.line(), row.captionColumn()));
        }
        for (String image : images) {
            if (!seenRows.containsKey(image)) {
                out.add(new CaptionFinding(Severity.WARNING, Code.NO_ROW, image, 0, 0, "no row in "
                        + CaptionFile.FILE + " names this image, so it trains without a caption; add a row or run"
                        + " 'lora label' to caption it"));
            }
        }
        return out;
    }

    /**
     * Findings for one caption as written on {@code line} of metadata.csv, its first character at
     * {@code column}.
     */
    public List<CaptionFinding> lintCaption(String caption, int line, int column) {
        List<CaptionFinding> out = new ArrayList<>();
        if (caption.isBlank()) {
            out.add(finding(Severity.WARNING, Code.CAPTION_EMPTY, line, column,
                    "empty caption; the image trains unconditioned, write its tags or delete the row"));
            return out;
        }
        StructuredCaption structured;
        try {
            structured = StructuredCaption.parse(caption);
        } catch (CaptionSyntaxException e) {
            // the parser reads "****" as "***" + "*"; the person almost surely meant an empty core group
            String reason = caption.startsWith("****", e.column() - 1)
                    ? "empty **core** group '****'; put the key tags between the markers or remove them"
                    : e.reason();
            out.add(finding(Severity.ERROR, Code.MARKUP, line, column + e.column() - 1, reason));
            structured = StructuredCaption.lenient(caption);
        }
        out.addAll(duplicateTags(caption, line, column));
        if (tokenizer != null) {
            int tokens = tokenizer.countTokens(structured.plainText());
            if (tokens > MAX_CONTENT_TOKENS) {
                out.add(finding(Severity.WARNING, Code.TOO_LONG, line, column, "caption has " + tokens
                        + " CLIP tokens, more than " + MAX_CONTENT_TOKENS + "; everything after token "
                        + MAX_CONTENT_TOKENS + " is cut off unless you train with kohya's --max_token_length 150"
                        + " or 225; shorten it or drop weak tags"));
            }
        }
        return out;
    }

    /** A tag repeated in one caption (case- and marker-insensitive), reported at the repetition. */
    private static List<CaptionFinding> duplicateTags(String caption, int line, int column) {
        List<CaptionFinding> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        int start = 0;
        while (start <= caption.length()) {
            int end = caption.indexOf(',', start);
            if (end < 0) {
                end = caption.length();
            }
            String part = caption.substring(start, end);
            int offset = 0;
            while (offset < part.length() && (part.charAt(offset) == '*' || Character.isWhitespace(
                    part.charAt(offset)))) {
                offset++;
            }
            String tag = part.replace("*", "").strip().toLowerCase(Locale.ROOT);
            if (!tag.isEmpty()) {
                int at = column + start + offset;
                Integer first = seen.putIfAbsent(tag, at);
                if (first != null) {
                    out.add(finding(Severity.WARNING, Code.DUPLICATE_TAG, line, at, "tag '" + tag
                            + "' already appears at column " + first + "; delete the repetition"));
                }
            }
            start = end + 1;
        }
        return out;
    }

    private static CaptionFinding finding(Severity severity, Code code, int line, int column, String message) {
        return new CaptionFinding(severity, code, CaptionFile.FILE, line, column, message);
    }
}
