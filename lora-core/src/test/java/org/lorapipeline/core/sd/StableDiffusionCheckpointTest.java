package org.lorapipeline.core.sd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.sd.vae.AutoencoderKL;
import org.lorapipeline.core.tensor.HalfFloats;

class StableDiffusionCheckpointTest {
    @TempDir
    static Path tmp;
    private static Path diffusers;
    private static Path single;

    @BeforeAll
    static void write() throws Exception {
        diffusers = TinyStableDiffusion.write(tmp.resolve("diffusers"), 3, false);
        single = TinyStableDiffusion.write(tmp.resolve("single"), 3, true);
    }

    @Test
    void diffusersFolderAndSingleFileLoadToIdenticalTensors() throws Exception {
        try (StableDiffusionCheckpoint a = StableDiffusionCheckpoint.open(diffusers);
             StableDiffusionCheckpoint b = StableDiffusionCheckpoint.openSingleFile(single, TinyStableDiffusion.UNET,
                     TinyStableDiffusion.VAE)) {
            assertThat(a.layout()).isEqualTo(StableDiffusionCheckpoint.Layout.DIFFUSERS);
            assertThat(a.unetConfig()).isEqualTo(TinyStableDiffusion.UNET);
            assertThat(a.vaeConfig()).isEqualTo(TinyStableDiffusion.VAE);
            assertThat(a.schedulerConfig()).isEqualTo(SchedulerConfig.sd15());
            sameTensors(a.unetWeights(), b.unetWeights());
            sameTensors(a.vaeWeights(), b.vaeWeights());
            assertThat(a.unetWeights().names()).hasSize(TinyStableDiffusion.unetShapes().size());
            // the single file stores the VAE attention projections as 1x1 convs
            assertThat(b.vaeWeights().info("encoder.mid_block.attentions.0.to_q.weight").shape())
                    .containsExactly(64, 64);
            assertThat(((RenamedTensorSource) b.vaeWeights()).sourceName("encoder.mid_block.attentions.0.to_q.weight"))
                    .isEqualTo("first_stage_model.encoder.mid.attn_1.q.weight");
            assertThat(a.textEncoderWeights()).isEmpty();
            assertThat(b.textEncoderWeights()).isEmpty();
        }
    }

    private static void sameTensors(TensorSource a, TensorSource b) {
        assertThat(b.names()).containsExactlyInAnyOrderElementsOf(a.names());
        for (String n : a.names()) {
            assertThat(b.info(n).shape()).as(n).containsExactly(a.info(n).shape());
            assertThat(b.floats(n)).as(n).containsExactly(a.floats(n));
        }
    }

    @Test
    void halfPrecisionCheckpointsAreWidenedToF32() throws Exception {
        Path f16 = TinyStableDiffusion.write(tmp.resolve("f16"), SdReference.SEED, true, DType.F16, null);
        Path f32 = TinyStableDiffusion.write(tmp.resolve("f32"), SdReference.SEED, false);
        try (StableDiffusionCheckpoint a = StableDiffusionCheckpoint.open(f32);
             StableDiffusionCheckpoint b = StableDiffusionCheckpoint.openSingleFile(f16, TinyStableDiffusion.UNET,
                     TinyStableDiffusion.VAE);
             NDManager m = TorchRuntime.open("cpu").newManager()) {
            String name = "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight";
            assertThat(b.unetWeights().info(name).dtype()).isEqualTo(DType.F16);
            float[] full = a.unetWeights().floats(name);
            float[] half = b.unetWeights().floats(name);
            for (int i = 0; i < full.length; i++) {
                assertThat(half[i]).isEqualTo(HalfFloats.f16ToF32(HalfFloats.f32ToF16(full[i])));
            }
            try (AutoencoderKL vae = b.loadVae(m.newSubManager())) {
                assertThat(vae.manager().isOpen()).isTrue();
                // fp16 weights: the reference mean up to half-precision rounding
                float[] mean = vae.encode(SdReference.image(vae.manager())).mean().toFloatArray();
                assertThat(mean).containsExactly(SdReference.floats("vae_mean"), within(2e-2f));
            }
        }
    }

    private static Path safetensors(String file, String... names) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String n : names) {
            w.add(n, new long[] {1}, new float[] {1}, DType.F32);
        }
        Path p = tmp.resolve(file);
        w.write(p);
        return p;
    }

    @Test
    void otherModelFamiliesAreRefusedSayingWhatTheyLookLike() {
        Path sdxl = safetensors("sdxl.safetensors", "conditioner.embedders.0.transformer.text_model.x",
                "model.diffusion_model.input_blocks.0.0.weight");
        assertThatThrownBy(() -> StableDiffusionCheckpoint.open(sdxl)).hasMessageContaining("SDXL")
                .hasMessageContaining("Stable Diffusion 1.x");
        Path sd2 = safetensors("sd2.safetensors", "cond_stage_model.model.token_embedding.weight",
                "model.diffusion_model.input_blocks.0.0.weight");
        assertThatThrownBy(() -> StableDiffusionCheckpoint.open(sd2)).hasMessageContaining("2.x")
                .hasMessageContaining("OpenCLIP");
        Path lora = safetensors("lora.safetensors", "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight");
        assertThatThrownBy(() -> StableDiffusionCheckpoint.open(lora)).hasMessageContaining("LoRA file");
        Path vaeOnly = safetensors("vae.safetensors", "encoder.conv_in.weight");
        assertThatThrownBy(() -> StableDiffusionCheckpoint.open(vaeOnly)).hasMessageContaining("no UNet keys")
                .hasMessageContaining("encoder.conv_in.weight");
        assertThatThrownBy(() -> StableDiffusionCheckpoint.open(tmp.resolve("model.ckpt")))
                .hasMessageContaining("no such file");
    }

    @Test
    void pickleAndSdxlFoldersAreRefused() throws Exception {
        Path ckpt = tmp.resolve("v1-5.ckpt");
        Files.writeString(ckpt, "not read");
        assertThatThrownBy(() -> StableDiffusionCheckpoint.open(ckpt)).hasMessageContaining("pickle");
        Path xl = tmp.resolve("xl");
        Files.createDirectories(xl);
        Files.writeString(xl.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionXLPipeline\"}");
        assertThatThrownBy(() -> StableDiffusionCheckpoint.open(xl)).hasMessageContaining("SDXL");
    }

    @Test
    void aConfigThatDoesNotMatchTheWeightsNamesTheTensor() throws Exception {
        Path dir = TinyStableDiffusion.write(tmp.resolve("mismatch"), 3, false);
        String cfg = Files.readString(dir.resolve("unet/config.json")).replace("\"cross_attention_dim\" : 32",
                "\"cross_attention_dim\" : 48");
        Files.writeString(dir.resolve("unet/config.json"), cfg);
        try (StableDiffusionCheckpoint c = StableDiffusionCheckpoint.open(dir);
             NDManager m = TorchRuntime.open("cpu").newManager()) {
            assertThatThrownBy(() -> c.loadUNet(m)).hasMessageContaining("attn2.to_k.weight")
                    .hasMessageContaining("(32, 32)").hasMessageContaining("(32, 48)");
        }
    }

    @Test
    void oldDiffusersVaeAttentionNamesAreRead() throws Exception {
        Path dir = TinyStableDiffusion.write(tmp.resolve("oldvae"), SdReference.SEED, false);
        Path file = dir.resolve("vae/diffusion_pytorch_model.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (TensorSource src = TensorSource.open(file)) {
            for (String n : src.names()) {
                String old = n.replace(".to_q.", ".query.").replace(".to_k.", ".key.").replace(".to_v.", ".value.")
                        .replace(".to_out.0.", ".proj_attn.");
                w.add(old, src.info(n).shape(), src.floats(n), DType.F32);
            }
        }
        w.write(file);
        try (StableDiffusionCheckpoint c = StableDiffusionCheckpoint.open(dir);
             NDManager m = TorchRuntime.open("cpu").newManager();
             AutoencoderKL vae = c.loadVae(m.newSubManager())) {
            assertThat(TensorSource.open(file).names()).contains("encoder.mid_block.attentions.0.query.weight");
            assertThat(vae.encode(SdReference.image(vae.manager())).mean().toFloatArray())
                    .containsExactly(SdReference.floats("vae_mean"), within(1e-4f));
        }
    }

    @Test
    void modelIndexAndSchedulerAreDiffusersFormat() throws Exception {
        var index = SdJson.read(diffusers.resolve("model_index.json"));
        assertThat(index.get("_class_name").asText()).isEqualTo("StableDiffusionPipeline");
        assertThat(index.get("unet").get(1).asText()).isEqualTo("UNet2DConditionModel");
        assertThat(index.get("text_encoder").get(0).isNull()).isTrue();
        var sched = SdJson.read(diffusers.resolve("scheduler/scheduler_config.json"));
        assertThat(sched.get("beta_schedule").asText()).isEqualTo("scaled_linear");
        assertThat(sched.get("steps_offset").asInt()).isEqualTo(1);
        assertThat(List.of("unet", "vae")).allSatisfy(p ->
                assertThat(diffusers.resolve(p).resolve("diffusion_pytorch_model.safetensors")).isRegularFile());
    }
}
