package org.lorapipeline.core.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hugging Face imagefolder {@code metadata.jsonl}: one object per line with {@code file_name} and the caption in
 * {@code text} (diffusers' default {@code --caption_column}), or {@code caption} / {@code prompt}.
 */
final class MetadataJsonlLayout {
    static final String FILE = "metadata.jsonl";
    private static final List<String> CAPTION_KEYS = List.of("text", "caption", "prompt");
    private static final ObjectMapper JSON = Json.STRICT;

    private MetadataJsonlLayout() {
    }

    static List<CaptionEntry> read(Path root, List<String> files, ProblemLog log) {
        return read(root.resolve(FILE), FILE, files, log);
    }

    /** Reads a metadata.jsonl that may live outside the dataset folder; {@code name} is how findings name it. */
    static List<CaptionEntry> read(Path file, String name, List<String> files, ProblemLog log) {
        MetadataRows rows = new MetadataRows(name, files, log);
        try (InputStream in = Files.newInputStream(file)) {
            JsonLines.forEach(in, name, log, (line, text) -> row(name, rows, log, line, text));
        } catch (IOException e) {
            log.add(ProblemCode.UNREADABLE_FILE, name, "cannot read: " + e.getMessage());
            return rows.finish(false);
        }
        return rows.finish(true);
    }

    private static void row(String source, MetadataRows rows, ProblemLog log, int line, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            log.add(ProblemCode.JSON_SYNTAX, source, line, e.getLocation() == null ? 0
                    : e.getLocation().getColumnNr(), "invalid JSON: " + e.getOriginalMessage()
                    + "; each line must be one JSON object");
            return;
        }
        if (!node.isObject()) {
            log.add(ProblemCode.JSON_FIELD, source, line, "expected a JSON object like "
                    + "{\"file_name\": \"0001.png\", \"text\": \"...\"}, found " + node.getNodeType());
            return;
        }
        JsonNode name = node.get("file_name");
        if (name == null || !name.isTextual()) {
            log.add(ProblemCode.JSON_FIELD, source, line, "missing string field 'file_name' (the image path "
                    + "relative to this file)");
            return;
        }
        String caption = null;
        for (String key : CAPTION_KEYS) {
            JsonNode value = node.get(key);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    log.add(ProblemCode.JSON_FIELD, source, line, "'" + key + "' must be a string, found "
                            + value.getNodeType());
                    return;
                }
                caption = value.asText();
                break;
            }
        }
        if (caption == null) {
            log.add(ProblemCode.CAPTION_MISSING, source, line, "no caption key (" + String.join(", ", CAPTION_KEYS)
                    + ") for '" + name.asText() + "'");
        }
        rows.add(name.asText(), line, 0, caption, CaptionSource.JSONL, 0);
    }
}
