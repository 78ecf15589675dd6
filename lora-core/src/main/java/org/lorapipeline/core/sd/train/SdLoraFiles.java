package org.lorapipeline.core.sd.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.kohya.LoraModuleWeights;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.sd.unet.UNetConfig;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * The trained adapters as per-module LoRA weights for the kohya and diffusers writers: module names as the LoRA
 * model has them ({@code unet.<diffusers path>}, {@code text_encoder.<transformers path>}), down = lora_A, up =
 * lora_B, alpha = lora_alpha. SD 1.x's {@code proj_in}/{@code proj_out} are 1x1 convolutions in the real model (the
 * UNet runs them as linears), so their pairs get kohya's 4-d conv shapes [r, in, 1, 1] / [out, r, 1, 1].
 */
public final class SdLoraFiles {
    private SdLoraFiles() {}

    public static List<LoraModuleWeights> modules(LoraModel lora, UNetConfig unet) {
        List<LoraModuleWeights> out = new ArrayList<>();
        // kohya's scale is alpha / r; writing scale * r keeps the effect for rsLoRA-scaled adapters too
        float alpha = lora.config().scale() * lora.config().r();
        for (Map.Entry<String, LoraLinear> e : lora.targets().entrySet()) {
            String module = e.getKey();
            LoraLinear l = e.getValue();
            long[] a = Tensors.shape(l.adapter().a()); // (r, in)
            long[] b = Tensors.shape(l.adapter().b()); // (out, r)
            boolean conv = !unet.useLinearProjection() && module.startsWith(SdLoraTargets.UNET)
                    && (module.endsWith(".proj_in") || module.endsWith(".proj_out"));
            FloatTensor down = new FloatTensor(conv ? new long[] {a[0], a[1], 1, 1} : a,
                    Tensors.toFloats(l.adapter().a()));
            FloatTensor up = new FloatTensor(conv ? new long[] {b[0], b[1], 1, 1} : b,
                    Tensors.toFloats(l.adapter().b()));
            out.add(new LoraModuleWeights(module, down, up, alpha));
        }
        return out;
    }
}
