package org.lorapipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.lorapipeline.events.ObjectRef;

/**
 * A folder stored in S3 under one prefix, with an {@code index.json} listing every file's relative path, size and
 * sha256. The index is written last, so its presence means the whole folder is there: checkpoints, adapters and base
 * models are uploaded this way and an interrupted upload is never mistaken for a complete one. Events carry the
 * index's {@link ObjectRef}.
 */
public final class ObjectTree {
    public static final String INDEX = "index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file of a tree. */
    public record Entry(String path, ObjectRef ref) {}

    private ObjectTree() {}

    /** Uploads every regular file under {@code dir} to {@code prefix + relative path}, then the index. */
    public static ObjectRef upload(ObjectStore store, Path dir, String prefix) {
        String base = prefix.endsWith("/") ? prefix : prefix + "/";
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir.toAbsolutePath(), e);
        }
        ObjectNode index = JSON.createObjectNode();
        ArrayNode list = index.putArray("files");
        for (Path file : files) {
            String rel = dir.relativize(file).toString().replace('\\', '/');
            if (rel.equals(INDEX)) {
                continue; // the index describes the tree; a stale one in the folder is replaced below
            }
            ObjectRef ref = store.putFile(base + rel, file);
            list.addObject().put("path", rel).put("sha256", ref.getSha256()).put("size", ref.getSizeBytes());
        }
        try {
            return store.putBytes(base + INDEX, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index),
                    "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index of the tree under {@code prefix}, if a complete upload exists there. */
    public static Optional<ObjectRef> find(ObjectStore store, String prefix) {
        return store.stat((prefix.endsWith("/") ? prefix : prefix + "/") + INDEX);
    }

    /** The files an index lists, each with its expected checksum. */
    public static List<Entry> entries(ObjectStore store, ObjectRef index) {
        String key = index.getKey();
        if (!key.endsWith("/" + INDEX) && !key.equals(INDEX)) {
            throw new IllegalArgumentException("s3://" + index.getBucket() + "/" + key + " is not a folder index ("
                    + INDEX + ")");
        }
        String base = key.substring(0, key.length() - INDEX.length());
        JsonNode root;
        try {
            root = JSON.readTree(store.getBytes(index));
        } catch (IOException e) {
            throw new PoisonEventException("s3://" + index.getBucket() + "/" + key + " is not a valid folder index: "
                    + e.getMessage());
        }
        List<Entry> out = new ArrayList<>();
        for (JsonNode f : root.path("files")) {
            String path = f.path("path").asText("");
            if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || List.of(path.split("/")).contains("..")) {
                throw new PoisonEventException("s3://" + index.getBucket() + "/" + key + " lists an unsafe path '"
                        + path + "'");
            }
            out.add(new Entry(path, ObjectRef.newBuilder().setBucket(index.getBucket()).setKey(base + path)
                    .setSha256(f.path("sha256").asText()).setSizeBytes(f.path("size").asLong()).build()));
        }
        return out;
    }

    /**
     * Downloads the tree into {@code dir}, verifying every file; files already there with the right bytes are kept.
     * A checksum mismatch throws {@link ChecksumMismatchException} and leaves files already in {@code dir} as they were.
     */
    public static Path download(ObjectStore store, ObjectRef index, Path dir) {
        for (Entry e : entries(store, index)) {
            store.getToFile(e.ref(), dir.resolve(e.path()));
        }
        return dir;
    }
}
