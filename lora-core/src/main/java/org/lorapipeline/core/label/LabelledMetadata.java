package org.lorapipeline.core.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.lorapipeline.core.caption.CaptionFile;
import org.lorapipeline.core.caption.CaptionFinding;
import org.lorapipeline.core.dataset.CsvWriter;
import org.lorapipeline.core.dataset.DatasetFiles;
import org.lorapipeline.core.image.Sha256;
import org.lorapipeline.core.tensor.AtomicFiles;

/**
 * A dataset's {@code metadata.csv} as the auto-labeller updates it. Beside it, {@link #SIDECAR} maps each file
 * name to the SHA-256 of the caption the labeller last wrote; a row whose caption no longer has that hash (or
 * that the labeller never wrote) was written or edited by a person and is protected from relabelling.
 */
public final class LabelledMetadata {
    public static final String SIDECAR = ".lora-labels.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final List<String> header;
    private final Map<String, String> rows;
    private final Map<String, String> hashes;

    private LabelledMetadata(Path root, List<String> header, Map<String, String> rows, Map<String, String> hashes) {
        this.root = root;
        this.header = header;
        this.rows = rows;
        this.hashes = hashes;
    }

    /**
     * Reads {@code root/metadata.csv} (absent: empty) and the sidecar.
     *
     * @throws IOException when metadata.csv has problems a rewrite would destroy (not UTF-8, broken rows or
     *                     header, more than two columns); the message names the line
     */
    public static LabelledMetadata load(Path root) throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        List<String> header = List.of("filename", "prompt");
        if (CaptionFile.exists(root)) {
            CaptionFile.Contents c = CaptionFile.read(root);
            if (!c.findings().isEmpty()) {
                CaptionFinding f = c.findings().get(0);
                throw new IOException(f + " (fix " + CaptionFile.FILE + " before labelling: rewriting it now would"
                        + " lose data; 'lora captions lint' lists every problem)");
            }
            if (c.header().size() != 2) {
                throw new IOException(CaptionFile.FILE + " has " + c.header().size() + " columns " + c.header()
                        + "; the labeller only updates two-column files (filename,prompt)");
            }
            header = c.header();
            for (CaptionFile.Row row : c.rows()) {
                String name = DatasetFiles.insideRoot(row.filename()).orElse(row.filename().strip());
                rows.putIfAbsent(name, row.caption().strip());
            }
        }
        Map<String, String> hashes = new TreeMap<>();
        Path sidecar = root.resolve(SIDECAR);
        if (Files.isRegularFile(sidecar)) {
            JsonNode captions = JSON.readTree(sidecar.toFile()).path("captions");
            captions.fields().forEachRemaining(e -> hashes.put(e.getKey(), e.getValue().asText()));
        }
        return new LabelledMetadata(root, header, rows, hashes);
    }

    public static String hash(String caption) {
        return Sha256.hex(caption.getBytes(StandardCharsets.UTF_8));
    }

    /** The caption of a file's row, if any. */
    public Optional<String> caption(String filename) {
        return Optional.ofNullable(rows.get(filename));
    }

    /** True when the file has a row that the labeller did not write as it stands (a person wrote or edited it). */
    public boolean editedByHand(String filename) {
        String caption = rows.get(filename);
        return caption != null && !hash(caption).equals(hashes.get(filename));
    }

    /** Sets a generated caption (the row keeps its place; a new file is appended) and remembers its hash. */
    public void putGenerated(String filename, String caption) {
        String clean = caption.strip();
        rows.put(filename, clean);
        hashes.put(filename, hash(clean));
    }

    /** Writes metadata.csv (RFC 4180 quoting) and the sidecar, each atomically; the sidecar lists present rows. */
    public void save() throws IOException {
        StringBuilder csv = new StringBuilder(CsvWriter.row(header));
        rows.forEach((name, caption) -> csv.append(CsvWriter.row(List.of(name, caption))));
        AtomicFiles.write(root.resolve(CaptionFile.FILE), out -> out.write(
                csv.toString().getBytes(StandardCharsets.UTF_8)));
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", "lora-pipeline labels v1");
        ObjectNode captions = doc.putObject("captions");
        hashes.forEach((name, h) -> {
            if (rows.containsKey(name)) {
                captions.put(name, h);
            }
        });
        byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        AtomicFiles.write(root.resolve(SIDECAR), out -> out.write(json));
    }
}
