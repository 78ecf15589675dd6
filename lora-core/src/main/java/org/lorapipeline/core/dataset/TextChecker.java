package org.lorapipeline.core.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.lorapipeline.core.image.Sha256;

/**
 * Checks JSONL text datasets in LLaMA-Factory's shapes: {@code {"text": ...}} or alpaca
 * {@code instruction}/{@code input}/{@code output} with optional {@code system} and {@code history}
 * ({@code [[query, answer], ...]}). The first valid record fixes the shape of the whole dataset.
 */
final class TextChecker {
    static final String RESPONSE_MARKER = "### Response:";

    private TextFormat format;
    private final ProblemLog log;

    private TextChecker(ProblemLog log) {
        this.log = log;
    }

    record Result(TextFormat format, List<TextItem> items) {
    }

    static Result check(Path root, List<String> files, ProblemLog log) {
        TextChecker checker = new TextChecker(log);
        List<TextItem> items = new ArrayList<>();
        for (String file : files) {
            TextItem item = checker.checkFile(root, file);
            if (item != null) {
                items.add(item);
            }
        }
        return new Result(checker.format == null ? TextFormat.TEXT : checker.format, items);
    }

    private TextItem checkFile(Path root, String file) {
        long[] counts = new long[2]; // valid records, records with a response marker
        MessageDigest sha = Sha256.digest();
        TextFormat[] fileFormat = new TextFormat[1];
        try (InputStream in = new DigestInputStream(Files.newInputStream(root.resolve(file)), sha)) {
            JsonLines.forEach(in, file, log, (line, text) -> {
                TextFormat recordFormat = record(file, line, text);
                if (recordFormat == null) {
                    return;
                }
                if (fileFormat[0] == null) {
                    fileFormat[0] = recordFormat;
                }
                counts[0]++;
                if (recordFormat == TextFormat.TEXT && text.contains(RESPONSE_MARKER)) {
                    counts[1]++;
                }
            });
            return new TextItem(file, Sha256.hex(sha), Files.size(root.resolve(file)),
                    fileFormat[0] == null ? (format == null ? TextFormat.TEXT : format) : fileFormat[0],
                    counts[0], counts[1]);
        } catch (IOException e) {
            log.add(ProblemCode.UNREADABLE_FILE, file, "cannot read: " + e.getMessage());
            return null;
        }
    }

    /** The record's shape when it is valid, else null after logging why. */
    private TextFormat record(String file, int line, String text) {
        JsonNode node;
        try {
            node = Json.STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            log.add(ProblemCode.JSON_SYNTAX, file, line, e.getLocation() == null ? 0 : e.getLocation().getColumnNr(),
                    "invalid JSON: " + e.getOriginalMessage() + "; each line must be one complete JSON object");
            return null;
        }
        if (!node.isObject()) {
            log.add(ProblemCode.JSON_FIELD, file, line, "expected a JSON object, found " + node.getNodeType());
            return null;
        }
        TextFormat shape = node.has("text") ? TextFormat.TEXT
                : node.has("instruction") || node.has("output") ? TextFormat.ALPACA : null;
        if (shape == null) {
            log.add(ProblemCode.JSON_FIELD, file, line, "record has neither 'text' nor alpaca 'instruction'/'output' "
                    + "(keys " + fieldNames(node) + "); expected {\"text\": ...} or "
                    + "{\"instruction\": ..., \"input\": ..., \"output\": ...}");
            return null;
        }
        if (format == null) {
            format = shape;
        } else if (shape != format) {
            log.add(ProblemCode.TEXT_FORMAT_MIXED, file, line, "a " + shape + " record in a dataset whose first "
                    + "record is " + format + "; use one shape for the whole dataset");
            return null;
        }
        boolean valid = shape == TextFormat.TEXT ? textRecord(file, line, node) : alpacaRecord(file, line, node);
        return valid ? shape : null;
    }

    private boolean textRecord(String file, int line, JsonNode node) {
        if (!string(file, line, node, "text", true)) {
            return false;
        }
        if (node.get("text").asText().isBlank()) {
            log.add(ProblemCode.TEXT_EMPTY, file, line, "'text' is empty; the record teaches nothing, remove it");
        }
        return true;
    }

    private boolean alpacaRecord(String file, int line, JsonNode node) {
        boolean valid = string(file, line, node, "instruction", true) & string(file, line, node, "output", true)
                & string(file, line, node, "input", false) & string(file, line, node, "system", false)
                & history(file, line, node);
        if (valid && node.get("output").asText().isBlank()) {
            log.add(ProblemCode.TEXT_EMPTY, file, line, "'output' is empty; the model would learn to answer "
                    + "with nothing, fill it in or remove the record");
        }
        return valid;
    }

    private boolean string(String file, int line, JsonNode node, String key, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || (!required && value.isNull())) {
            if (required) {
                log.add(ProblemCode.JSON_FIELD, file, line, "missing required string field '" + key + "'");
            }
            return !required;
        }
        if (!value.isTextual()) {
            log.add(ProblemCode.JSON_FIELD, file, line, "'" + key + "' must be a string, found " + value.getNodeType());
            return false;
        }
        return true;
    }

    private boolean history(String file, int line, JsonNode node) {
        JsonNode history = node.get("history");
        if (history == null || history.isNull()) {
            return true;
        }
        boolean ok = history.isArray();
        for (int i = 0; ok && i < history.size(); i++) {
            JsonNode turn = history.get(i);
            ok = turn.isArray() && turn.size() == 2 && turn.get(0).isTextual() && turn.get(1).isTextual();
        }
        if (!ok) {
            log.add(ProblemCode.JSON_FIELD, file, line, "'history' must be a list of [query, answer] string pairs, "
                    + "e.g. [[\"hi\", \"hello\"]]");
        }
        return ok;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
