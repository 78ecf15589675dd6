package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code metadata.csv} beside the images. Header {@code filename,prompt} is the seed convention; a header with
 * {@code file_name} is the Hugging Face imagefolder convention (caption column {@code text}, {@code caption} or
 * {@code prompt}). With two columns the prompt is everything after the first comma (the seeds' rows carry unquoted
 * commas); with more columns fields are RFC 4180 and the last one takes the rest of the line.
 */
final class MetadataCsvLayout {
    static final String FILE = "metadata.csv";
    private static final List<String> CAPTION_COLUMNS = List.of("prompt", "text", "caption");

    private MetadataCsvLayout() {
    }

    record Scan(DatasetLayout layout, List<CaptionEntry> entries) {
    }

    static Scan read(Path root, List<String> files, ProblemLog log) {
        return read(root.resolve(FILE), FILE, files, log);
    }

    /**
     * Reads a seed/Hugging Face CSV that may live outside the dataset folder ({@code metadata_path}); file names in
     * it are relative to the dataset root, {@code name} is how findings name the CSV.
     */
    static Scan read(Path file, String name, List<String> files, ProblemLog log) {
        MetadataRows rows = new MetadataRows(name, files, log);
        String text;
        try {
            text = Utf8Text.decode(Files.readAllBytes(file));
        } catch (Utf8Text.NotUtf8Exception e) {
            log.add(ProblemCode.NOT_UTF8, name, e.line(), e.column(), e.getMessage());
            return new Scan(DatasetLayout.SEED_METADATA_CSV, rows.finish(false));
        } catch (IOException e) {
            log.add(ProblemCode.UNREADABLE_FILE, name, "cannot read: " + e.getMessage());
            return new Scan(DatasetLayout.SEED_METADATA_CSV, rows.finish(false));
        }
        List<CsvRecord> headerOnly = CsvReader.read(firstLine(text), Integer.MAX_VALUE);
        List<String> header = headerOnly.isEmpty() ? List.of()
                : headerOnly.get(0).fields().stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList();
        int nameColumn = header.indexOf("filename") >= 0 ? header.indexOf("filename") : header.indexOf("file_name");
        if (nameColumn < 0) {
            String found = headerOnly.isEmpty() ? "an empty file" : "'" + abbreviate(firstLine(text)) + "'";
            log.add(ProblemCode.CSV_HEADER, name, 1, 1, "expected the header 'filename,prompt' (seed convention) "
                    + "or 'file_name,text' (Hugging Face imagefolder) on line 1, found " + found
                    + "; add the header line");
            return new Scan(DatasetLayout.SEED_METADATA_CSV, rows.finish(false));
        }
        DatasetLayout layout = header.get(nameColumn).equals("filename")
                ? DatasetLayout.SEED_METADATA_CSV : DatasetLayout.HF_IMAGEFOLDER;
        int captionColumn = CAPTION_COLUMNS.stream().mapToInt(header::indexOf).filter(i -> i >= 0).findFirst()
                .orElse(-1);
        if (captionColumn < 0) {
            log.add(ProblemCode.CAPTION_MISSING, name, 1, 0, "header " + header + " has no caption column ("
                    + String.join(", ", CAPTION_COLUMNS) + "); every image is uncaptioned");
        }
        List<CsvRecord> records = CsvReader.read(text, header.size());
        for (CsvRecord record : records.subList(1, records.size())) {
            if (record.error() != null) {
                log.add(ProblemCode.CSV_ROW, name, record.line(), 0, record.error());
                continue;
            }
            if (record.warning() != null) {
                log.add(ProblemCode.CAPTION_QUOTING, name, record.line(), 0, record.warning());
            }
            if (record.fields().size() <= Math.max(nameColumn, captionColumn)) {
                log.add(ProblemCode.CSV_ROW, name, record.line(), 0, "row has " + record.fields().size()
                        + " field(s) but the header has " + header.size() + "; expected "
                        + String.join(",", header));
                continue;
            }
            String caption = captionColumn < 0 ? null : record.fields().get(captionColumn);
            int column = captionColumn < 0 ? 0 : record.columns().get(captionColumn);
            rows.add(record.fields().get(nameColumn), record.line(), record.columns().get(nameColumn), caption,
                    CaptionSource.CSV, column);
        }
        return new Scan(layout, rows.finish(true));
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
