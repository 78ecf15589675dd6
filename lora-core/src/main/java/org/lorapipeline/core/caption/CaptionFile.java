package org.lorapipeline.core.caption;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lorapipeline.core.caption.CaptionFinding.Code;
import org.lorapipeline.core.dataset.CsvReader;
import org.lorapipeline.core.dataset.CsvRecord;
import org.lorapipeline.core.dataset.Severity;
import org.lorapipeline.core.dataset.Utf8Text;

/**
 * A dataset's {@code metadata.csv} read for the caption tools. Unlike the dataset inspector, which rejects the
 * whole file at the first non-UTF-8 byte, every physical line is decoded on its own so that one line saved in
 * GBK yields one finding and the other rows are still checked (the bad line is read with replacement characters).
 */
public final class CaptionFile {
    public static final String FILE = "metadata.csv";
    private static final List<String> NAME_COLUMNS = List.of("filename", "file_name");
    private static final List<String> CAPTION_COLUMNS = List.of("prompt", "text", "caption");

    /**
     * One row.
     *
     * @param filename      the file name as written (not yet normalised)
     * @param caption       the caption field as written (for unquoted fields, including edge spaces)
     * @param line          1-based line of the row
     * @param nameColumn    1-based column of the file name
     * @param captionColumn 1-based column of the caption's first character
     */
    public record Row(String filename, String caption, int line, int nameColumn, int captionColumn) {
    }

    /**
     * @param header   the header's column names as written (empty when the file is missing or has no header)
     * @param rows     readable rows in file order
     * @param findings encoding and CSV structure problems
     */
    public record Contents(List<String> header, List<Row> rows, List<CaptionFinding> findings) {
        public Contents {
            header = List.copyOf(header);
            rows = List.copyOf(rows);
            findings = List.copyOf(findings);
        }
    }

    private CaptionFile() {
    }

    public static boolean exists(Path root) {
        return Files.isRegularFile(root.resolve(FILE));
    }

    /** Reads {@code root/metadata.csv}; a missing file yields one NO_METADATA finding and no rows. */
    public static Contents read(Path root) throws IOException {
        List<CaptionFinding> findings = new ArrayList<>();
        if (!exists(root)) {
            findings.add(new CaptionFinding(Severity.ERROR, Code.NO_METADATA, FILE, 0, 0, "no " + FILE + " in "
                    + root + "; write one with the header 'filename,prompt' or run 'lora label' to create it"));
            return new Contents(List.of(), List.of(), findings);
        }
        String text = decodeByLine(Files.readAllBytes(root.resolve(FILE)), findings);
        List<CsvRecord> headerOnly = CsvReader.read(firstLine(text), Integer.MAX_VALUE);
        List<String> header = headerOnly.isEmpty() ? List.of() : headerOnly.get(0).fields();
        List<String> lower = header.stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList();
        int name = NAME_COLUMNS.stream().mapToInt(lower::indexOf).filter(i -> i >= 0).findFirst().orElse(-1);
        int caption = CAPTION_COLUMNS.stream().mapToInt(lower::indexOf).filter(i -> i >= 0).findFirst().orElse(-1);
        if (name < 0 || caption < 0) {
            findings.add(new CaptionFinding(Severity.ERROR, Code.CSV_HEADER, FILE, 1, 1, "expected the header "
                    + "'filename,prompt' (or Hugging Face's 'file_name,text') on line 1, found '"
                    + firstLine(text) + "'; add or fix the header line"));
            return new Contents(header, List.of(), findings);
        }
        List<Row> rows = new ArrayList<>();
        List<CsvRecord> records = CsvReader.read(text, header.size());
        for (CsvRecord record : records.subList(1, records.size())) {
            if (record.error() != null) {
                findings.add(new CaptionFinding(Severity.ERROR, Code.CSV_ROW, FILE, record.line(), 1,
                        record.error()));
            } else if (record.fields().size() <= Math.max(name, caption)) {
                findings.add(new CaptionFinding(Severity.ERROR, Code.CSV_ROW, FILE, record.line(), 1, "the row has "
                        + record.fields().size() + " field(s) but the header has " + header.size()
                        + "; write 'image.png,caption'"));
            } else {
                rows.add(new Row(record.fields().get(name), record.fields().get(caption), record.line(),
                        record.columns().get(name), record.columns().get(caption)));
            }
        }
        return new Contents(header, rows, findings);
    }

    /** Strict UTF-8 per physical line; a bad line becomes a finding and is read with U+FFFD in its place. */
    private static String decodeByLine(byte[] bytes, List<CaptionFinding> findings) {
        StringBuilder out = new StringBuilder(bytes.length);
        int start = 0;
        int line = 1;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            try {
                out.append(Utf8Text.decode(bytes, start, end - start, line));
            } catch (Utf8Text.NotUtf8Exception e) {
                findings.add(new CaptionFinding(Severity.ERROR, Code.NOT_UTF8, FILE, e.line(), e.column(),
                        e.getMessage().substring(e.getMessage().indexOf(": ") + 2)));
                out.append(new String(bytes, start, end - start, StandardCharsets.UTF_8));
            }
            if (end < bytes.length) {
                out.append('\n');
            }
            start = end + 1;
            line++;
        }
        return out.toString();
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
    }
}
