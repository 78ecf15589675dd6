package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.llama.LlamaConfig;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lora tiny-model --arch llama|clip --out DIR}: a tiny random model in real Hugging Face format, for demos. */
@Command(name = "tiny-model", description = "Write a tiny random model with a real tokenizer in Hugging Face format.")
public final class TinyModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--arch", required = true, description = "Architecture: llama or clip.")
    String arch;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the model into.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Weight seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (arch.equals("clip")) {
            TinyClip.write(out, seed);
            spec.commandLine().getOut().printf("wrote tiny CLIP to %s: text %d layers x %d, vision %d layers x %d"
                    + " (%dx%d images, patch %d), projection %d (config.json, preprocessor_config.json,"
                    + " model.safetensors, vocab.json, merges.txt)%n", out, TinyClip.TEXT_LAYERS, TinyClip.TEXT_HIDDEN, TinyClip.VISION_LAYERS,
                    TinyClip.VISION_HIDDEN, TinyClip.IMAGE_SIZE, TinyClip.IMAGE_SIZE, TinyClip.PATCH_SIZE,
                    TinyClip.PROJECTION_DIM);
            return 0;
        }
        if (!arch.equals("llama")) {
            throw new UserException("--arch " + arch + " is not supported; use --arch llama or --arch clip");
        }
        LlamaConfig c = TinyLlamaFolder.write(out, seed);
        spec.commandLine().getOut().printf("wrote tiny LLaMA to %s: %d layers, hidden %d, %d heads / %d kv heads,"
                + " vocab %d, %,d parameters (config.json, model.safetensors, generation_config.json,"
                + " tokenizer.json, tokenizer_config.json)%n", out, c.numHiddenLayers(), c.hiddenSize(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.vocabSize(), TinyLlamaFolder.parameterCount(c));
        return 0;
    }
}
