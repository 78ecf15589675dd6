package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.clip.TinyClipTextEncoder;
import org.lorapipeline.core.llama.LlamaConfig;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.sd.TinyStableDiffusion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lora tiny-model --arch llama|clip|sd15 --out DIR}: a tiny random model in real Hugging Face format, for demos. */
@Command(name = "tiny-model", description = "Write a tiny random model with a real tokenizer in Hugging Face format.")
public final class TinyModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--arch", required = true, description = "Architecture: llama, clip or sd15.")
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
        if (arch.equals("sd15")) {
            TinyClipTextEncoder te = new TinyClipTextEncoder(seed);
            Path diffusers = TinyStableDiffusion.write(out.resolve("diffusers"), seed, false, DType.F32, te);
            Path single = TinyStableDiffusion.write(out, seed, true, DType.F32, te);
            te.writeTokenizer(out.resolve("tokenizer"));
            spec.commandLine().getOut().printf("wrote tiny SD 1.5 to %s: diffusers folder %s (unet/, vae/,"
                    + " text_encoder/, tokenizer/, scheduler/) and single file %s (LDM keys) with tokenizer/ beside it;"
                    + " UNet channels %s, text encoder %d layers x %d; train at resolution: 64%n", out, diffusers,
                    single, TinyStableDiffusion.UNET.blockOutChannels(), TinyClip.TEXT_LAYERS, TinyClip.TEXT_HIDDEN);
            return 0;
        }
        if (!arch.equals("llama")) {
            throw new UserException("--arch " + arch + " is not supported; use --arch llama, clip or sd15");
        }
        LlamaConfig c = TinyLlamaFolder.write(out, seed);
        spec.commandLine().getOut().printf("wrote tiny LLaMA to %s: %d layers, hidden %d, %d heads / %d kv heads,"
                + " vocab %d, %,d parameters (config.json, model.safetensors, generation_config.json,"
                + " tokenizer.json, tokenizer_config.json)%n", out, c.numHiddenLayers(), c.hiddenSize(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.vocabSize(), TinyLlamaFolder.parameterCount(c));
        return 0;
    }
}
