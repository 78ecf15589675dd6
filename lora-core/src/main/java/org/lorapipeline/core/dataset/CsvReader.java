package org.lorapipeline.core.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV the way the seeds' metadata.csv needs: RFC 4180 quoted fields (doubled quotes, line breaks inside
 * quotes) are understood, but the last of {@code maxFields} fields takes the rest of the line verbatim, so
 * {@code img01.jpg,cyberpunk cityscape, neon lights} splits on the first comma only. A last field that opens a
 * quote but does not close it at the end of the record is also taken verbatim, with a warning, rather than
 * swallowing the following rows. Blank lines are skipped. Hand-written because no CSV library offers
 * "split on the first comma unless quoted" and the seeds' files need exactly that.
 */
public final class CsvReader {
    private final String text;
    private final int maxFields;
    private int pos;
    private int line = 1;
    private int lineStart;

    private CsvReader(String text, int maxFields) {
        this.text = text;
        this.maxFields = maxFields;
    }

    /** All records of {@code text}; {@code maxFields} >= 1 caps the fields per record (see class doc). */
    public static List<CsvRecord> read(String text, int maxFields) {
        if (maxFields < 1) {
            throw new IllegalArgumentException("maxFields must be >= 1, got " + maxFields);
        }
        return new CsvReader(text, maxFields).records();
    }

    private List<CsvRecord> records() {
        List<CsvRecord> out = new ArrayList<>();
        while (pos < text.length()) {
            if (atLineEnd()) {
                consumeLineEnd();
                continue;
            }
            out.add(record());
            consumeLineEnd();
        }
        return out;
    }

    private CsvRecord record() {
        int startLine = line;
        List<String> fields = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        String warning = null;
        while (true) {
            boolean last = fields.size() == maxFields - 1;
            int quote = quoteAfterSpaces();
            if (quote >= 0) {
                int savedPos = pos;
                int savedLine = line;
                int savedLineStart = lineStart;
                pos = quote;
                int column = pos - lineStart + 2;
                String quoted = quotedField();
                if (quoted != null) {
                    fields.add(quoted);
                    columns.add(column);
                } else {
                    pos = savedPos;
                    line = savedLine;
                    lineStart = savedLineStart;
                    if (!last) {
                        String error = "field " + (fields.size() + 1) + " opens a quote at column " + (column - 1)
                                + " that is not closed before a comma or the end of the record; "
                                + "double any quote inside a quoted field (\"\")";
                        pos = lineEnd();
                        return new CsvRecord(startLine, fields, columns, null, error);
                    }
                    warning = "the field starting at column " + (pos - lineStart + 1) + " is not RFC 4180 quoted "
                            + "(quote not closed at the end of the line); it was taken verbatim including quotes";
                    columns.add(pos - lineStart + 1);
                    fields.add(text.substring(pos, lineEnd()));
                    pos = lineEnd();
                }
            } else {
                int end = last ? lineEnd() : Math.min(lineEnd(), indexOrEnd(','));
                columns.add(pos - lineStart + 1);
                fields.add(text.substring(pos, end));
                pos = end;
            }
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            return new CsvRecord(startLine, fields, columns, warning, null);
        }
    }

    /** Position of a '"' that opens the current field after optional spaces, or -1. */
    private int quoteAfterSpaces() {
        int i = pos;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i < text.length() && text.charAt(i) == '"' ? i : -1;
    }

    /** Reads a quoted field at {@code pos}; null when it is not closed or not followed by ',' or a line end. */
    private String quotedField() {
        StringBuilder value = new StringBuilder();
        int i = pos + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    value.append('"');
                    i += 2;
                    continue;
                }
                int after = i + 1;
                while (after < text.length() && (text.charAt(after) == ' ' || text.charAt(after) == '\t')) {
                    after++;
                }
                if (after == text.length() || text.charAt(after) == ',' || text.charAt(after) == '\n'
                        || text.charAt(after) == '\r') {
                    pos = after;
                    return value.toString();
                }
                return null;
            }
            if (c == '\n') {
                line++;
                lineStart = i + 1;
            }
            value.append(c);
            i++;
        }
        return null;
    }

    private boolean atLineEnd() {
        char c = text.charAt(pos);
        return c == '\n' || c == '\r';
    }

    private void consumeLineEnd() {
        if (pos < text.length() && text.charAt(pos) == '\r') {
            pos++;
        }
        if (pos < text.length() && text.charAt(pos) == '\n') {
            pos++;
        }
        line++;
        lineStart = pos;
    }

    /** End of the current physical line, before any "\r\n" or "\n". */
    private int lineEnd() {
        int nl = indexOrEnd('\n');
        return nl > pos && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
    }

    private int indexOrEnd(char c) {
        int i = text.indexOf(c, pos);
        return i < 0 ? text.length() : i;
    }
}
