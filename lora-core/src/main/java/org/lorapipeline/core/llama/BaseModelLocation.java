package org.lorapipeline.core.llama;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Checks that a base-model path is a Hugging Face LLaMA folder ({@code config.json} + {@code *.safetensors}) and
 * turns the formats we cannot train on (old GGML {@code .bin} such as {@code llama-2-7b-chat.ggmlv3.q4_0.bin},
 * GGUF, PyTorch pickles) into a message that says what to supply instead.
 *
 * @param dir           the folder
 * @param configJson    its config.json
 * @param weightFiles   the single {@code model.safetensors}, or the shards named by the index
 * @param indexJson     {@code model.safetensors.index.json} when sharded, else null
 */
public record BaseModelLocation(Path dir, Path configJson, List<Path> weightFiles, Path indexJson) {

    static final String SUPPLY = "supply a Hugging Face LLaMA folder (config.json + *.safetensors, e.g. a download of"
            + " meta-llama/Llama-2-7b-chat-hf)";

    public BaseModelLocation {
        weightFiles = List.copyOf(weightFiles);
    }

    /** Validates {@code path}; every failure names the path and what to supply. */
    public static BaseModelLocation resolve(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("base model " + path + " does not exist; " + SUPPLY);
        }
        if (Files.isRegularFile(path)) {
            throw new IllegalArgumentException("base model " + path + " is a single " + describeFile(path)
                    + " file, which cannot be trained on; " + SUPPLY);
        }
        Path config = path.resolve("config.json");
        Path single = path.resolve("model.safetensors");
        Path index = path.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("base model folder " + path + " has no config.json; " + SUPPLY);
        }
        if (Files.isRegularFile(index)) {
            return new BaseModelLocation(path, config, List.of(), index);
        }
        if (Files.isRegularFile(single)) {
            return new BaseModelLocation(path, config, List.of(single), null);
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(path)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        boolean pickles = names.stream().anyMatch(n -> n.endsWith(".bin") || n.endsWith(".pth") || n.endsWith(".pt"));
        throw new IllegalArgumentException("base model folder " + path + " has no model.safetensors or"
                + " model.safetensors.index.json" + (pickles ? " (PyTorch pickle weights are not loaded: they can run"
                + " code; re-save them as safetensors)" : "") + "; " + SUPPLY);
    }

    /** Names the format of a single file from its magic bytes (GGUF, GGML ggml/ggmf/ggjt) or extension. */
    static String describeFile(Path file) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        String magic = n == 4 ? new String(head, StandardCharsets.ISO_8859_1) : "";
        String reversed = new StringBuilder(magic).reverse().toString(); // llama.cpp wrote the magic as a LE uint32
        if (magic.equals("GGUF")) {
            return "GGUF (llama.cpp)";
        }
        for (String m : new String[] {"ggml", "ggmf", "ggjt", "ggla"}) {
            if (magic.equals(m) || reversed.equals(m)) {
                return "old GGML '" + m + "' (pre-GGUF llama.cpp, quantized)";
            }
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return "safetensors (a folder with config.json is needed, not the weights alone)";
        }
        if (name.endsWith(".bin") || name.endsWith(".pth") || name.endsWith(".pt")) {
            return "PyTorch/GGML .bin";
        }
        return "unrecognised";
    }
}
