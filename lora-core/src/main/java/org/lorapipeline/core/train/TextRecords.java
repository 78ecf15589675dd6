package org.lorapipeline.core.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads LLM training records from a JSONL file or a folder of them (files sorted by name, so the order does not
 * depend on the file system). Two record shapes are accepted, as LLaMA-Factory documents them:
 * <ul>
 *   <li>{@code {"text": ...}}: the seed's convention; the response starts after the first {@code response_template}
 *       ({@code ### Response:});</li>
 *   <li>alpaca {@code {"instruction", "input", "output", "system"?, "history"?}}, rendered with the alpaca template
 *       (preamble, {@code ### Instruction:}, {@code ### Input:} only when non-empty, {@code ### Response:}); earlier
 *       {@code history} turns are part of the prompt.</li>
 * </ul>
 */
public final class TextRecords {
    /** Stanford alpaca's preamble without an input. */
    public static final String PREAMBLE = "Below is an instruction that describes a task. Write a response that"
            + " appropriately completes the request.";
    /** Stanford alpaca's preamble when the record has an input. */
    public static final String PREAMBLE_WITH_INPUT = "Below is an instruction that describes a task, paired with an"
            + " input that provides further context. Write a response that appropriately completes the request.";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TextRecords() {}

    /** Reads every record; errors name the file and line and say what a record must look like. */
    public static List<TextRecord> read(Path fileOrDir, String responseTemplate) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.list(fileOrDir)) {
                s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".jsonl") || p.toString().endsWith(".json")))
                        .sorted().forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("train_data_dir " + fileOrDir + " holds no .jsonl files; put the"
                        + " records there as JSON lines ({\"text\": ...} or alpaca instruction/input/output)");
            }
        } else if (Files.isRegularFile(fileOrDir)) {
            files.add(fileOrDir);
        } else {
            throw new IllegalArgumentException("train_data_dir " + fileOrDir + " does not exist");
        }
        List<TextRecord> out = new ArrayList<>();
        for (Path f : files) {
            readFile(f, responseTemplate, out);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("train_data_dir " + fileOrDir + ": no records found (empty files)");
        }
        return out;
    }

    private static void readFile(Path f, String responseTemplate, List<TextRecord> out) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (n == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String origin = f.getFileName() + ":" + n;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(f + ":" + n + ": not a JSON object on one line ("
                            + e.getOriginalMessage() + "); JSONL needs one record per line", e);
                }
                out.add(parse(node, origin, f + ":" + n, responseTemplate));
            }
        }
    }

    /** One JSON record to a rendered text with its prompt length. */
    static TextRecord parse(JsonNode node, String origin, String where, String responseTemplate) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": each line must be a JSON object");
        }
        if (node.has("text")) {
            String text = string(node, "text", where);
            int at = responseTemplate == null || responseTemplate.isEmpty() ? -1 : text.indexOf(responseTemplate);
            return new TextRecord(origin, text, at < 0 ? -1 : at + responseTemplate.length());
        }
        if (node.has("instruction") && node.has("output")) {
            return alpaca(node, origin, where);
        }
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        throw new IllegalArgumentException(where + ": record has keys " + keys + "; expected {\"text\": ...} or"
                + " alpaca {\"instruction\", \"input\", \"output\"}");
    }

    private static TextRecord alpaca(JsonNode node, String origin, String where) {
        String instruction = string(node, "instruction", where);
        String input = node.hasNonNull("input") ? string(node, "input", where) : "";
        String output = string(node, "output", where);
        String system = node.hasNonNull("system") ? string(node, "system", where) : null;
        StringBuilder prompt = new StringBuilder();
        prompt.append(system != null ? system : input.isEmpty() ? PREAMBLE : PREAMBLE_WITH_INPUT).append("\n\n");
        JsonNode history = node.get("history");
        if (history != null && !history.isNull()) {
            if (!history.isArray()) {
                throw new IllegalArgumentException(where + ": history must be a list of [instruction, response] pairs");
            }
            for (JsonNode turn : history) {
                if (!turn.isArray() || turn.size() != 2 || !turn.get(0).isTextual() || !turn.get(1).isTextual()) {
                    throw new IllegalArgumentException(where + ": history must be a list of [instruction, response]"
                            + " string pairs");
                }
                prompt.append("### Instruction:\n").append(turn.get(0).asText()).append("\n\n### Response:\n")
                        .append(turn.get(1).asText()).append("\n\n");
            }
        }
        prompt.append("### Instruction:\n").append(instruction).append("\n\n");
        if (!input.isEmpty()) {
            prompt.append("### Input:\n").append(input).append("\n\n");
        }
        prompt.append("### Response:\n");
        return new TextRecord(origin, prompt + output, prompt.length());
    }

    private static String string(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(where + ": \"" + key + "\" must be a string, got "
                    + (v == null ? "nothing" : v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        return v.asText();
    }
}
