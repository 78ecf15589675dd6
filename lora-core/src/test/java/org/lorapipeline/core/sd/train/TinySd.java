package org.lorapipeline.core.sd.train;

import java.io.IOException;
import java.nio.file.Path;
import org.lorapipeline.core.clip.TinyClipTextEncoder;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.sd.TinyStableDiffusion;

/** Tiny Stable Diffusion checkpoints with the tiny CLIP text encoder, in both layouts, for training tests. */
public final class TinySd {
    private TinySd() {}

    /** A diffusers folder with text_encoder/ and tokenizer/. */
    public static Path diffusers(Path dir, long seed) throws IOException {
        return TinyStableDiffusion.write(dir, seed, false, DType.F32, new TinyClipTextEncoder(seed));
    }

    /** A single LDM file, with the tokenizer in a {@code tokenizer/} folder beside it (where the locator looks). */
    public static Path singleFile(Path dir, long seed) throws IOException {
        TinyClipTextEncoder te = new TinyClipTextEncoder(seed);
        Path file = TinyStableDiffusion.write(dir, seed, true, DType.F32, te);
        te.writeTokenizer(dir.resolve("tokenizer"));
        return file;
    }
}
