package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes CSV with RFC 4180 quoting (fields with commas, quotes, line breaks or edge spaces are quoted). */
public final class CsvWriter {
    private CsvWriter() {
    }

    public static String field(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0 || (!value.isEmpty() && !value.equals(value.strip()));
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    public static String row(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            out.append(i == 0 ? "" : ",").append(field(fields.get(i)));
        }
        return out.append('\n').toString();
    }

    /** Writes a seed-style metadata.csv (header {@code filename,prompt}) in iteration order, UTF-8 without BOM. */
    public static void writeSeedMetadata(Path file, Map<String, String> promptsByFilename) throws IOException {
        StringBuilder out = new StringBuilder(row(List.of("filename", "prompt")));
        promptsByFilename.forEach((name, prompt) -> out.append(row(List.of(name, prompt))));
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }
}
