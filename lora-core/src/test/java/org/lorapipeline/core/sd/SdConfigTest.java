package org.lorapipeline.core.sd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipeline.core.sd.unet.UNetConfig;
import org.lorapipeline.core.sd.vae.VaeConfig;

/** unet/config.json and vae/config.json as the SD 1.5 and 2.1 hub folders write them. */
class SdConfigTest {
    /** runwayml/stable-diffusion-v1-5 unet/config.json (diffusers 0.6 era keys). */
    static final String SD15_UNET = """
            {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.6.0", "act_fn": "silu",
             "attention_head_dim": 8, "block_out_channels": [320, 640, 1280, 1280], "center_input_sample": false,
             "cross_attention_dim": 768, "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
             "CrossAttnDownBlock2D", "DownBlock2D"], "downsample_padding": 1, "flip_sin_to_cos": true,
             "freq_shift": 0, "in_channels": 4, "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-05,
             "norm_num_groups": 32, "out_channels": 4, "sample_size": 64, "up_block_types": ["UpBlock2D",
             "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]}
            """;

    private static JsonNode json(String s) throws Exception {
        return SdJson.mapper().readTree(s);
    }

    @Test
    void sd15UNetConfigReadsAsTheBuiltInOne() throws Exception {
        UNetConfig c = UNetConfig.fromJson(json(SD15_UNET));
        assertThat(c).isEqualTo(UNetConfig.sd15());
        // attention_head_dim 8 means 8 heads of 40/80/160 channels on SD 1.x
        assertThat(c.attentionHeadDim()).containsExactly(8, 8, 8, 8);
        assertThat(c.timeEmbedDim()).isEqualTo(1280);
        assertThat(UNetConfig.fromJson(c.toJson())).isEqualTo(c);
    }

    @Test
    void perBlockHeadsAndLinearProjectionOfSd21() throws Exception {
        UNetConfig c = UNetConfig.fromJson(json(SD15_UNET.replace("\"attention_head_dim\": 8",
                "\"attention_head_dim\": [5, 10, 20, 20], \"use_linear_projection\": true, \"upcast_attention\": true")
                .replace("768", "1024")));
        assertThat(c.attentionHeadDim()).containsExactly(5, 10, 20, 20);
        assertThat(c.upHeads(1)).isEqualTo(20);
        assertThat(c.upHeads(3)).isEqualTo(5);
        assertThat(c.useLinearProjection()).isTrue();
        UNetConfig heads = UNetConfig.fromJson(json(SD15_UNET.replace("\"attention_head_dim\": 8",
                "\"attention_head_dim\": 64, \"num_attention_heads\": 4")));
        assertThat(heads.attentionHeadDim()).containsExactly(4, 4, 4, 4);
    }

    @Test
    void unsupportedArchitectureKeysAreNamed() {
        assertThatThrownBy(() -> UNetConfig.fromJson(json(SD15_UNET.replace("\"act_fn\": \"silu\"",
                "\"act_fn\": \"silu\", \"class_embed_type\": \"timestep\""))))
                .hasMessageContaining("class_embed_type = \"timestep\" is not supported");
        assertThatThrownBy(() -> UNetConfig.fromJson(json(SD15_UNET.replace("\"DownBlock2D\"]",
                "\"SimpleDownBlock2D\"]"))))
                .hasMessageContaining("down_block_types[3] = SimpleDownBlock2D");
        assertThatThrownBy(() -> UNetConfig.fromJson(json(SD15_UNET.replace("\"norm_num_groups\": 32",
                "\"norm_num_groups\": 48"))))
                .hasMessageContaining("not divisible by norm_num_groups 48");
        assertThatThrownBy(() -> UNetConfig.fromJson(json(SD15_UNET.replace("\"layers_per_block\": 2",
                "\"layers_per_block\": 2, \"transformer_layers_per_block\": [1, 2, 10]"))))
                .hasMessageContaining("SDXL");
        assertThatThrownBy(() -> UNetConfig.fromJson(json(SD15_UNET.replace("\"attention_head_dim\": 8",
                "\"attention_head_dim\": [8, 8]"))))
                .hasMessageContaining("attention_head_dim has 2 entries");
    }

    @Test
    void sd15VaeConfig() throws Exception {
        VaeConfig c = VaeConfig.fromJson(json("""
                {"_class_name": "AutoencoderKL", "act_fn": "silu", "block_out_channels": [128, 256, 512, 512],
                 "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D",
                 "DownEncoderBlock2D"], "in_channels": 3, "latent_channels": 4, "layers_per_block": 2,
                 "norm_num_groups": 32, "out_channels": 3, "sample_size": 512, "up_block_types": ["UpDecoderBlock2D",
                 "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]}
                """));
        assertThat(c).isEqualTo(VaeConfig.sd15());
        assertThat(c.scalingFactor()).isEqualTo(0.18215);
        assertThat(c.downscale()).isEqualTo(8);
        assertThat(VaeConfig.fromJson(c.toJson())).isEqualTo(c);
        assertThatThrownBy(() -> VaeConfig.fromJson(json("{\"shift_factor\": 0.1159, \"latent_channels\": 16}")))
                .hasMessageContaining("shift_factor");
        assertThatThrownBy(() -> new VaeConfig(3, 3, 4, List.of(30), 1, 8, 0.18215, 16))
                .hasMessageContaining("block_out_channels[0] = 30");
    }
}
