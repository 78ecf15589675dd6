package org.lorapipeline.core.sd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;

/** The UNet's projections take the generic LoRA layer: names, counts, gradients and merge. */
class UNetLoraTest {
    @TempDir
    Path tmp;

    @Test
    void loraOnTheTransformerProjectionsTrainsAndMerges() throws Exception {
        Path dir = TinyStableDiffusion.write(tmp, 5, false);
        try (StableDiffusionCheckpoint c = StableDiffusionCheckpoint.open(dir);
             UNet2DConditionModel unet = c.loadUNet(TorchRuntime.open("cpu").newManager())) {
            // 11 Transformer2DModels (down 2 + 2, mid 1, up 3 + 3) x 12 projections, kohya's SD1 target set
            assertThat(unet.linears()).hasSize(11 * 12);
            assertThat(unet.linears()).containsKeys("down_blocks.0.attentions.0.proj_in",
                    "mid_block.attentions.0.transformer_blocks.0.attn2.to_out.0",
                    "up_blocks.2.attentions.2.transformer_blocks.0.ff.net.0.proj",
                    "up_blocks.1.attentions.0.proj_out");
            assertThat(unet.linears().get("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k")
                    .inFeatures()).isEqualTo(32);

            LoraModel lora = LoraModel.inject(unet.linears(), new LoraConfig(4, 4.0, 0.0,
                    List.of("to_q", "to_k", "to_v"), false), unet.manager(), 1);
            assertThat(lora.parameters()).hasSize(11 * 6 * 2);
            try (NDManager m = unet.manager().newSubManager()) {
                NDArray x = SdReference.unetSample(m);
                NDArray ctx = SdReference.encoderHiddenStates(m);
                float[] base = unet.forward(x, SdReference.TIMESTEPS, ctx, false).toFloatArray();
                // B = 0 at init: the adapted UNet starts exactly at the base model
                assertThat(unet.forward(x, SdReference.TIMESTEPS, ctx, false).toFloatArray()).containsExactly(base);
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    NDArray out = unet.forward(x, SdReference.TIMESTEPS, ctx, true);
                    gc.backward(out.square().mean());
                }
                String b = LoraModel.keyB("mid_block.attentions.0.transformer_blocks.0.attn2.to_k");
                NDArray gradB = lora.parameters().get(b).getGradient();
                assertThat(gradB.abs().sum().getFloat()).isGreaterThan(0f);
                lora.parameters().values().forEach(p -> p.subi(p.getGradient().mul(10f)));
                float[] adapted = unet.forward(x, SdReference.TIMESTEPS, ctx, false).toFloatArray();
                assertThat(adapted).isNotEqualTo(base);
                lora.merge();
                assertThat(unet.forward(x, SdReference.TIMESTEPS, ctx, false).toFloatArray())
                        .containsExactly(adapted, within(1e-4f));
            }
        }
    }
}
