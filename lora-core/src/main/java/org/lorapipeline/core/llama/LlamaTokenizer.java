package org.lorapipeline.core.llama;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face fast tokenizer read from a local {@code tokenizer.json} through DJL's binding of the Rust
 * tokenizers library (its native library ships inside the DJL jar; nothing is downloaded). Special tokens follow
 * {@code tokenizer_config.json} beside it when present ({@code bos_token}, {@code eos_token}, {@code pad_token}),
 * else LLaMA's {@code <s>}/{@code </s>}. {@link #encode} runs the file's own post-processor, so BOS is added
 * exactly as transformers adds it for that model.
 */
public final class LlamaTokenizer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LlamaTokenizer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final long bosId;
    private final long eosId;
    private final long padId;

    private LlamaTokenizer(HuggingFaceTokenizer tokenizer, Path file, long bosId, long eosId, long padId) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
    }

    /**
     * Opens {@code path}: a {@code tokenizer.json} file or a folder holding one (e.g. the base model folder).
     *
     * @throws IllegalArgumentException naming the path when there is no usable tokenizer
     */
    public static LlamaTokenizer open(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no tokenizer.json at " + file + "; copy the model's tokenizer.json"
                    + " (fast tokenizer) there or set tokenizer_path (a SentencePiece tokenizer.model alone is not"
                    + " supported: convert it with transformers' LlamaTokenizerFast.save_pretrained)");
        }
        System.setProperty("ai.djl.offline", "true"); // the library is in the jar; never fetch one
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "true", "truncation", "false",
                    "padding", "false"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a tokenizer.json the tokenizers library can load ("
                    + e.getMessage() + ")", e);
        }
        JsonNode cfg = readConfig(file.resolveSibling("tokenizer_config.json"));
        try {
            long bos = idOf(hf, token(cfg, "bos_token", LlamaBpeBuilder.BOS), file);
            long eos = idOf(hf, token(cfg, "eos_token", LlamaBpeBuilder.EOS), file);
            String padName = token(cfg, "pad_token", null);
            long pad = padName == null ? eos : idOf(hf, padName, file); // LLaMA has no pad token: pad with EOS
            log.info("tokenizer {}: bos {} eos {} pad {}", file, bos, eos, pad);
            return new LlamaTokenizer(hf, file, bos, eos, pad);
        } catch (RuntimeException e) {
            hf.close();
            throw e;
        }
    }

    private static JsonNode readConfig(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Files.readString(f));
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": not readable JSON (" + e.getMessage() + ")", e);
        }
    }

    /** A special-token entry is a string or an AddedToken object {@code {"content": ...}}. */
    private static String token(JsonNode cfg, String key, String dflt) {
        JsonNode n = cfg.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        return n.isObject() ? n.path("content").asText(dflt) : n.asText(dflt);
    }

    private static long idOf(HuggingFaceTokenizer hf, String token, Path file) {
        long[] ids = hf.encode(token, false, false).getIds();
        if (ids.length != 1) {
            throw new IllegalArgumentException(file + ": special token '" + token + "' is not a single token of this"
                    + " tokenizer (got " + ids.length + " ids); check tokenizer_config.json");
        }
        return ids[0];
    }

    /** Token ids with the tokenizer's special tokens (BOS for LLaMA) added by its post-processor. */
    public long[] encode(String text) {
        return tokenizer.encode(text, true, false).getIds();
    }

    /** Token ids without special tokens. */
    public long[] encodePlain(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** The token strings of {@link #encode} (for tests and debugging). */
    public String[] tokens(String text) {
        Encoding e = tokenizer.encode(text, true, false);
        return e.getTokens();
    }

    /** Text of the ids, special tokens skipped. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    public long bosId() {
        return bosId;
    }

    public long eosId() {
        return eosId;
    }

    /** The padding id: {@code pad_token} when the tokenizer has one, else EOS (padding never counts in the loss). */
    public long padId() {
        return padId;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
