package org.lorapipeline.core.kohya;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KohyaKeysTest {
    @TempDir
    Path tmp;

    @Test
    void everyTinyUnetAndTextEncoderModuleRoundTrips() throws Exception {
        List<String> modules = new java.util.ArrayList<>(SdModuleNames.tinyUnet());
        modules.addAll(SdModuleNames.tinyTextEncoder(tmp));
        assertThat(modules).hasSize(11 * 12 + 2 * 6);
        Set<String> kohya = new HashSet<>();
        for (String m : modules) {
            String k = KohyaKeys.toKohya(m);
            assertThat(k).doesNotContain(".").matches("lora_(unet|te)_.+");
            assertThat(kohya.add(k)).as("unique kohya name for %s", m).isTrue();
            assertThat(KohyaKeys.toModule(k, modules)).isEqualTo(m);
        }
    }

    /** Names as kohya's networks/lora.py produces them for SD 1.5 (and A1111's Lora extension expects). */
    @Test
    void sd15NamesMatchRealKohyaNamesAndCounts() throws Exception {
        List<String> unet = SdModuleNames.unet(SdModuleNames.sd15Structure());
        Set<String> names = unet.stream().map(KohyaKeys::toKohya).collect(Collectors.toSet());
        assertThat(names).contains(
                "lora_unet_mid_block_attentions_0_proj_in",
                "lora_unet_mid_block_attentions_0_proj_out",
                "lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_ff_net_2",
                "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q",
                "lora_unet_down_blocks_2_attentions_1_transformer_blocks_0_attn2_to_out_0",
                "lora_unet_down_blocks_1_attentions_1_transformer_blocks_0_ff_net_0_proj",
                "lora_unet_up_blocks_1_attentions_0_proj_out",
                "lora_unet_up_blocks_2_attentions_1_transformer_blocks_0_attn2_to_k");
        // DownBlock2D (down 3) and UpBlock2D (up 0) have no attentions
        assertThat(names).noneMatch(n -> n.startsWith("lora_unet_down_blocks_3_") || n.startsWith("lora_unet_up_blocks_0_"));
        // 16 Transformer2DModels x 12 (proj_in, proj_out, attn1/attn2 x q/k/v/out, ff in/out): kohya's 192
        assertThat(unet).hasSize(192);

        List<String> tinyTe = SdModuleNames.tinyTextEncoder(tmp);
        int perLayer = tinyTe.size() / org.lorapipeline.core.clip.TinyClip.TEXT_LAYERS;
        List<String> te = IntStream.range(0, 12).boxed().flatMap(i -> tinyTe.stream()
                .filter(n -> n.contains(".layers.0."))
                .map(n -> n.replace(".layers.0.", ".layers." + i + "."))).toList();
        assertThat(perLayer).isEqualTo(6);
        assertThat(te).hasSize(72);
        assertThat(te.stream().map(KohyaKeys::toKohya)).contains(
                "lora_te_text_model_encoder_layers_11_mlp_fc2",
                "lora_te_text_model_encoder_layers_0_self_attn_q_proj",
                "lora_te_text_model_encoder_layers_5_self_attn_out_proj",
                "lora_te_text_model_encoder_layers_3_mlp_fc1");
    }

    @Test
    void sdxlEncoderPrefixesAndUnknownNames() {
        List<String> known = List.of("text_encoder.text_model.encoder.layers.0.mlp.fc1",
                "text_encoder_2.text_model.encoder.layers.0.mlp.fc1");
        assertThat(KohyaKeys.toKohya(known.get(1))).isEqualTo("lora_te2_text_model_encoder_layers_0_mlp_fc1");
        assertThat(KohyaKeys.toModule("lora_te1_text_model_encoder_layers_0_mlp_fc1", known)).isEqualTo(known.get(0));
        assertThat(KohyaKeys.toModule("lora_te2_text_model_encoder_layers_0_mlp_fc1", known)).isEqualTo(known.get(1));
        assertThatThrownBy(() -> KohyaKeys.toModule("lora_unet_input_blocks_4_1_proj_in", known))
                .hasMessageContaining("lora_unet_input_blocks_4_1_proj_in").hasMessageContaining("another architecture");
        assertThatThrownBy(() -> KohyaKeys.toKohya("down_blocks.0.attentions.0.proj_in"))
                .hasMessageContaining("component prefix");
    }
}
