package org.lorapipeline.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Reads a Hugging Face {@code config.json} and binds it, naming the file in every error. */
public final class ConfigFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigFiles() {}

    /** Parses {@code file} and hands it to {@code binder}; a binding error is re-thrown with the file prefixed. */
    public static <T> T read(Path file, Function<JsonNode, T> binder) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException(file + ": not readable JSON (" + e.getMessage() + ")", e);
        }
        return bind(file, root, binder);
    }

    /** Binds an already parsed {@code file}; a binding error is re-thrown with the file prefixed. */
    public static <T> T bind(Path file, JsonNode root, Function<JsonNode, T> binder) {
        try {
            return binder.apply(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
