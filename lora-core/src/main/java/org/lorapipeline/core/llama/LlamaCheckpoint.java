package org.lorapipeline.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.safetensors.TensorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads a Hugging Face LLaMA folder (config.json + single or sharded safetensors) into a {@link LlamaModel}. */
public final class LlamaCheckpoint {
    private static final Logger log = LoggerFactory.getLogger(LlamaCheckpoint.class);

    private LlamaCheckpoint() {}

    /**
     * @param dir     the model folder (GGML/GGUF files are refused with a hint)
     * @param manager becomes the model's manager; weights are widened to F32 in Java before reaching the engine
     */
    public static LlamaModel load(Path dir, NDManager manager) throws IOException {
        BaseModelLocation where = BaseModelLocation.resolve(dir);
        LlamaConfig config = LlamaConfig.read(where.configJson());
        try (TensorSource source = TensorSource.open(dir)) {
            return load(config, source, manager);
        }
    }

    /** Builds the model from an open source of HF-named tensors. */
    public static LlamaModel load(LlamaConfig config, TensorSource source, NDManager manager) {
        Set<String> used = new HashSet<>();
        LlamaModel model = LlamaModel.create(config, manager, name -> {
            if (!source.contains(name)) {
                return null;
            }
            used.add(name);
            NDArray a = Tensors.create(manager, source.floats(name), source.info(name).shape());
            return a;
        });
        List<String> unused = source.names().stream()
                .filter(n -> !used.contains(n) && !n.endsWith("rotary_emb.inv_freq")).toList();
        if (!unused.isEmpty()) {
            log.warn("{} checkpoint tensors not used by the LLaMA model, e.g. {}", unused.size(),
                    unused.subList(0, Math.min(5, unused.size())));
        }
        log.info("loaded LLaMA: {} layers, hidden {}, {} heads / {} kv heads, vocab {}", config.numHiddenLayers(),
                config.hiddenSize(), config.numAttentionHeads(), config.numKeyValueHeads(), config.vocabSize());
        return model;
    }
}
