package org.lorapipeline.core.sd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.sd.ldm.LdmKeyMap;
import org.lorapipeline.core.sd.unet.UNetConfig;
import org.lorapipeline.core.sd.vae.VaeConfig;

/** LDM <-> diffusers names for SD 1.5's layout (FORMATS.md section 7) and for every tensor of the tiny model. */
class LdmKeyMapTest {
    private static final LdmKeyMap UNET = LdmKeyMap.unet(UNetConfig.sd15());
    private static final LdmKeyMap VAE = LdmKeyMap.vae(VaeConfig.sd15());

    private static final Map<String, String> SD15_UNET = Map.ofEntries(
            Map.entry("input_blocks.0.0.weight", "conv_in.weight"),
            Map.entry("time_embed.0.weight", "time_embedding.linear_1.weight"),
            Map.entry("time_embed.2.bias", "time_embedding.linear_2.bias"),
            Map.entry("input_blocks.1.0.in_layers.0.weight", "down_blocks.0.resnets.0.norm1.weight"),
            Map.entry("input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight",
                    "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight"),
            Map.entry("input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight"),
            Map.entry("input_blocks.4.0.skip_connection.weight", "down_blocks.1.resnets.0.conv_shortcut.weight"),
            Map.entry("input_blocks.5.1.proj_in.weight", "down_blocks.1.attentions.1.proj_in.weight"),
            Map.entry("input_blocks.10.0.emb_layers.1.weight", "down_blocks.3.resnets.0.time_emb_proj.weight"),
            Map.entry("input_blocks.11.0.out_layers.3.bias", "down_blocks.3.resnets.1.conv2.bias"),
            Map.entry("middle_block.1.proj_in.weight", "mid_block.attentions.0.proj_in.weight"),
            Map.entry("middle_block.2.in_layers.2.weight", "mid_block.resnets.1.conv1.weight"),
            Map.entry("output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight"),
            Map.entry("output_blocks.3.1.norm.weight", "up_blocks.1.attentions.0.norm.weight"),
            Map.entry("output_blocks.5.2.conv.weight", "up_blocks.1.upsamplers.0.conv.weight"),
            Map.entry("output_blocks.8.2.conv.bias", "up_blocks.2.upsamplers.0.conv.bias"),
            Map.entry("output_blocks.11.1.transformer_blocks.0.ff.net.0.proj.weight",
                    "up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj.weight"),
            Map.entry("output_blocks.11.0.out_layers.0.weight", "up_blocks.3.resnets.2.norm2.weight"),
            Map.entry("out.0.weight", "conv_norm_out.weight"),
            Map.entry("out.2.bias", "conv_out.bias"));

    private static final Map<String, String> SD15_VAE = Map.ofEntries(
            Map.entry("encoder.down.0.block.0.norm1.weight", "encoder.down_blocks.0.resnets.0.norm1.weight"),
            Map.entry("encoder.down.1.block.0.nin_shortcut.weight",
                    "encoder.down_blocks.1.resnets.0.conv_shortcut.weight"),
            Map.entry("encoder.down.2.downsample.conv.weight", "encoder.down_blocks.2.downsamplers.0.conv.weight"),
            Map.entry("encoder.mid.block_2.conv1.bias", "encoder.mid_block.resnets.1.conv1.bias"),
            Map.entry("encoder.mid.attn_1.norm.bias", "encoder.mid_block.attentions.0.group_norm.bias"),
            Map.entry("encoder.mid.attn_1.q.weight", "encoder.mid_block.attentions.0.to_q.weight"),
            Map.entry("decoder.mid.attn_1.proj_out.weight", "decoder.mid_block.attentions.0.to_out.0.weight"),
            Map.entry("encoder.norm_out.weight", "encoder.conv_norm_out.weight"),
            Map.entry("decoder.up.3.block.2.conv2.weight", "decoder.up_blocks.0.resnets.2.conv2.weight"),
            Map.entry("decoder.up.3.upsample.conv.weight", "decoder.up_blocks.0.upsamplers.0.conv.weight"),
            Map.entry("decoder.up.0.block.0.nin_shortcut.weight", "decoder.up_blocks.3.resnets.0.conv_shortcut.weight"),
            Map.entry("quant_conv.weight", "quant_conv.weight"),
            Map.entry("post_quant_conv.bias", "post_quant_conv.bias"));

    @Test
    void sd15UNetNamesBothWays() {
        SD15_UNET.forEach((ldm, diffusers) -> {
            assertThat(UNET.toDiffusers("model.diffusion_model." + ldm)).as(ldm).hasValueSatisfying(m -> {
                assertThat(m.name()).isEqualTo(diffusers);
                assertThat(m.squeeze()).isFalse();
            });
            assertThat(UNET.toLdm(diffusers)).as(diffusers).hasValueSatisfying(m ->
                    assertThat(m.name()).isEqualTo("model.diffusion_model." + ldm));
        });
        // SD 1.5 has input blocks 0..11 and no upsampler in the last up block
        assertThat(UNET.toDiffusers("model.diffusion_model.input_blocks.12.0.in_layers.0.weight")).isEmpty();
        assertThat(UNET.toDiffusers("model.diffusion_model.output_blocks.11.2.conv.weight")).isEmpty();
        assertThat(UNET.toDiffusers("first_stage_model.encoder.conv_in.weight")).isEmpty();
    }

    @Test
    void sd15VaeNamesBothWaysWithSqueezedAttentionWeights() {
        SD15_VAE.forEach((ldm, diffusers) -> {
            boolean squeeze = ldm.contains("attn_1.") && ldm.endsWith(".weight") && !ldm.contains(".norm.");
            assertThat(VAE.toDiffusers("first_stage_model." + ldm)).as(ldm).hasValueSatisfying(m -> {
                assertThat(m.name()).isEqualTo(diffusers);
                assertThat(m.squeeze()).isEqualTo(squeeze);
            });
            assertThat(VAE.toLdm(diffusers)).as(diffusers).hasValueSatisfying(m ->
                    assertThat(m.name()).isEqualTo("first_stage_model." + ldm));
        });
    }

    @Test
    void everyTinyModelTensorRoundTripsToAUniqueLdmName() {
        roundTrip(LdmKeyMap.unet(TinyStableDiffusion.UNET), TinyStableDiffusion.unetShapes().keySet());
        roundTrip(LdmKeyMap.vae(TinyStableDiffusion.VAE), TinyStableDiffusion.vaeShapes().keySet());
    }

    private static void roundTrip(LdmKeyMap map, Set<String> names) {
        Set<String> ldm = new HashSet<>();
        for (String n : names) {
            String l = map.toLdm(n).orElseThrow(() -> new AssertionError("no LDM name for " + n)).name();
            assertThat(ldm.add(l)).as("duplicate " + l).isTrue();
            assertThat(map.toDiffusers(l)).as(l).hasValueSatisfying(m -> assertThat(m.name()).isEqualTo(n));
        }
    }
}
