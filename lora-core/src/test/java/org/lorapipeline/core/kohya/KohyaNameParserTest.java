package org.lorapipeline.core.kohya;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KohyaNameParserTest {
    @Test
    void restoresSd15UnetAndTextEncoderPathsFromFormatsDocumentedNames() {
        // names as FORMATS.md section 2 lists them for SD 1.5
        assertThat(KohyaNameParser.modulePath("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"))
                .contains("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q");
        assertThat(KohyaNameParser.modulePath("lora_unet_mid_block_attentions_0_proj_in"))
                .contains("unet.mid_block.attentions.0.proj_in");
        assertThat(KohyaNameParser.modulePath("lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_ff_net_2"))
                .contains("unet.up_blocks.3.attentions.2.transformer_blocks.0.ff.net.2");
        assertThat(KohyaNameParser.modulePath("lora_unet_up_blocks_1_attentions_0_transformer_blocks_0_ff_net_0_proj"))
                .contains("unet.up_blocks.1.attentions.0.transformer_blocks.0.ff.net.0.proj");
        assertThat(KohyaNameParser.modulePath("lora_unet_down_blocks_1_attentions_1_transformer_blocks_0_attn2_to_out_0"))
                .contains("unet.down_blocks.1.attentions.1.transformer_blocks.0.attn2.to_out.0");
        assertThat(KohyaNameParser.modulePath("lora_unet_down_blocks_0_resnets_1_time_emb_proj"))
                .contains("unet.down_blocks.0.resnets.1.time_emb_proj");
        assertThat(KohyaNameParser.modulePath("lora_te_text_model_encoder_layers_0_self_attn_q_proj"))
                .contains("text_encoder.text_model.encoder.layers.0.self_attn.q_proj");
        assertThat(KohyaNameParser.modulePath("lora_te1_text_model_encoder_layers_11_mlp_fc1"))
                .contains("text_encoder.text_model.encoder.layers.11.mlp.fc1");
    }

    @Test
    void everyPathRoundTripsThroughKohyaKeys() {
        List<String> paths = List.of("unet.down_blocks.2.attentions.1.transformer_blocks.0.attn1.to_v",
                "unet.up_blocks.2.resnets.0.conv_shortcut", "text_encoder.text_model.encoder.layers.3.mlp.fc2",
                "text_encoder_2.text_model.encoder.layers.30.self_attn.out_proj");
        for (String p : paths) {
            assertThat(KohyaNameParser.modulePath(KohyaKeys.toKohya(p))).contains(p);
        }
    }

    @Test
    void sdxlLdmNamesAndUnknownSegmentsAreRefused() {
        assertThat(KohyaNameParser.modulePath("lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q")).isEmpty();
        assertThat(KohyaNameParser.modulePath("lora_unet_down_blocks_0_weird_layer")).isEmpty();
        assertThat(KohyaNameParser.modulePath("unet_down_blocks_0")).isEmpty();
        assertThatThrownBy(() -> KohyaNameParser.modulePaths(List.of("lora_unet_middle_block_1_proj_in")))
                .isInstanceOf(LoraFormatException.class).hasMessageContaining("lora_unet_middle_block_1_proj_in")
                .hasMessageContaining("SDXL");
    }
}
