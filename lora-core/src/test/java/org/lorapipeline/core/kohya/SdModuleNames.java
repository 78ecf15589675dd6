package org.lorapipeline.core.kohya;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipeline.core.clip.ClipTextModel;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.sd.SdWeights;
import org.lorapipeline.core.sd.TinyStableDiffusion;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.unet.UNetConfig;

/** LoRA module paths (with component prefixes) of real model code, tiny or SD 1.5-shaped. */
final class SdModuleNames {
    private SdModuleNames() {}

    /** {@code unet.} + every LoRA-capable linear of a UNet built (with zero weights) from {@code config}. */
    static List<String> unet(UNetConfig config) {
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.create(config, SdWeights.recorder(m, "unet"));
            return unet.linears().keySet().stream().map(k -> "unet." + k).toList();
        }
    }

    static List<String> tinyUnet() {
        return unet(TinyStableDiffusion.UNET);
    }

    /**
     * SD 1.5's block structure (block types, layers per block, transformer depth) with narrow channels, so the
     * module names are SD 1.5's and the zero weights take little memory.
     */
    static UNetConfig sd15Structure() {
        UNetConfig s = UNetConfig.sd15();
        return new UNetConfig(s.inChannels(), s.outChannels(), List.of(32, 32, 32, 32), s.layersPerBlock(),
                s.downBlockTypes(), s.upBlockTypes(), 16, s.attentionHeadDim(), 32, s.normEps(), s.flipSinToCos(),
                s.freqShift(), s.sampleSize(), s.useLinearProjection(), s.transformerLayersPerBlock());
    }

    /** {@code text_encoder.} + every linear of the tiny CLIP text tower written into {@code dir}. */
    static List<String> tinyTextEncoder(Path dir) throws IOException {
        TinyClip.write(dir, 11);
        try (NDManager m = TorchRuntime.open("cpu").newManager()) {
            ClipTextModel te = ClipTextModel.load(dir, m);
            List<String> out = new ArrayList<>();
            te.linears().keySet().forEach(k -> out.add("text_encoder." + k));
            return out;
        }
    }
}
