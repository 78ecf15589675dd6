package org.lorapipeline.core.sd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.vae.AutoencoderKL;
import org.lorapipeline.core.sd.vae.LatentDistribution;

/**
 * The tiny SD model's UNet and VAE against an independent torch implementation of the published architecture
 * (sd-reference/make_reference.py), run on the weights this repository's writer generates for seed 42.
 */
class SdReferenceTest {
    private static final float TOL = 1e-4f;
    @TempDir
    static Path tmp;
    private static Path dir;
    private static StableDiffusionCheckpoint checkpoint;
    private static NDManager root;

    @BeforeAll
    static void writeTiny() throws Exception {
        dir = TinyStableDiffusion.write(tmp.resolve("tiny"), SdReference.SEED, false);
        checkpoint = StableDiffusionCheckpoint.open(dir);
        root = TorchRuntime.open("cpu").newManager();
    }

    @AfterAll
    static void close() {
        checkpoint.close();
        root.close();
    }

    @Test
    void writerRegeneratesTheWeightsTheReferenceRead() throws Exception {
        assertThat(SdReference.sha256(dir.resolve("unet/diffusion_pytorch_model.safetensors")))
                .isEqualTo(SdReference.json().get("unet_sha256").asText());
        assertThat(SdReference.sha256(dir.resolve("vae/diffusion_pytorch_model.safetensors")))
                .isEqualTo(SdReference.json().get("vae_sha256").asText());
    }

    @Test
    void unetNoisePredictionMatchesTheTorchReference() {
        try (UNet2DConditionModel unet = checkpoint.loadUNet(root.newSubManager());
             NDManager m = unet.manager().newSubManager()) {
            NDArray out = unet.forward(SdReference.unetSample(m), SdReference.TIMESTEPS,
                    SdReference.encoderHiddenStates(m), false);
            assertThat(out.getShape().getShape()).containsExactly(2, 4, 8, 8);
            assertThat(out.toFloatArray()).containsExactly(SdReference.floats("unet_out"), within(TOL));
        }
    }

    @Test
    void vaeEncodeAndDecodeMatchTheTorchReference() {
        try (AutoencoderKL vae = checkpoint.loadVae(root.newSubManager());
             NDManager m = vae.manager().newSubManager()) {
            LatentDistribution dist = vae.encode(SdReference.image(m));
            assertThat(dist.mean().getShape().getShape()).containsExactly(1, 4, 8, 8);
            assertThat(dist.mean().toFloatArray()).containsExactly(SdReference.floats("vae_mean"), within(TOL));
            assertThat(dist.logvar().toFloatArray()).containsExactly(SdReference.floats("vae_logvar"), within(TOL));
            NDArray decoded = vae.decode(SdReference.latents(m));
            assertThat(decoded.getShape().getShape()).containsExactly(1, 3, 16, 16);
            assertThat(decoded.toFloatArray()).containsExactly(SdReference.floats("vae_decoded"), within(TOL));
        }
    }

    @Test
    void scaledLatentsAreASeededSampleTimesTheScalingFactor() {
        try (AutoencoderKL vae = checkpoint.loadVae(root.newSubManager());
             NDManager m = vae.manager().newSubManager()) {
            NDArray image = SdReference.image(m);
            LatentDistribution dist = vae.encode(image);
            NDArray noise = LatentDistribution.gaussian(m, 7, 1, 4, 8, 8);
            float[] mean = SdReference.floats("vae_mean");
            float[] logvar = SdReference.floats("vae_logvar");
            float[] n = noise.toFloatArray();
            float[] expected = new float[mean.length];
            for (int i = 0; i < mean.length; i++) {
                expected[i] = (float) ((mean[i] + Math.exp(0.5 * logvar[i]) * n[i]) * 0.18215);
            }
            assertThat(vae.encodeLatents(image, 7).toFloatArray()).containsExactly(expected, within(TOL));
            assertThat(dist.sample(7).toFloatArray()).isNotEqualTo(dist.sample(8).toFloatArray());
            // decodeLatents undoes the scaling before decoding
            NDArray z = SdReference.latents(m);
            assertThat(vae.decodeLatents(z.mul(0.18215f)).toFloatArray())
                    .containsExactly(SdReference.floats("vae_decoded"), within(TOL));
        }
    }

    @Test
    void singleFileCheckpointGivesTheSameNoisePrediction() throws Exception {
        Path file = TinyStableDiffusion.write(tmp.resolve("single"), SdReference.SEED, true);
        try (StableDiffusionCheckpoint single = StableDiffusionCheckpoint.openSingleFile(file,
                TinyStableDiffusion.UNET, TinyStableDiffusion.VAE);
             UNet2DConditionModel unet = single.loadUNet(root.newSubManager());
             AutoencoderKL vae = single.loadVae(root.newSubManager());
             NDManager m = root.newSubManager()) {
            assertThat(single.layout()).isEqualTo(StableDiffusionCheckpoint.Layout.LDM_SINGLE_FILE);
            NDArray out = unet.forward(SdReference.unetSample(m), SdReference.TIMESTEPS,
                    SdReference.encoderHiddenStates(m), false);
            assertThat(out.toFloatArray()).containsExactly(SdReference.floats("unet_out"), within(TOL));
            assertThat(vae.encode(SdReference.image(m)).mean().toFloatArray())
                    .containsExactly(SdReference.floats("vae_mean"), within(TOL));
        }
    }
}
