package org.lorapipeline.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.sd.TinyStableDiffusion;
import org.lorapipeline.core.sd.data.Bucket;
import org.lorapipeline.core.sd.data.LatentCache;
import org.lorapipeline.core.sd.data.SdImage;
import org.lorapipeline.core.sd.data.SdImageDataset;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

/** A latent cache filled on one worker is a cache hit on another, through S3. */
@RealStack
class LatentSyncIT {
    private final TestStack stack;

    @TempDir
    Path dir;

    LatentSyncIT(TestStack stack) {
        this.stack = stack;
    }

    @Test
    void entriesWrittenByOneWorkerAreHitsOnAnother() throws Exception {
        Map<String, String> env = new TrainFixture(stack, dir).env("latents-it");
        String prefix = stack.uniqueId("latents") + "/";
        SampleDatasets.writeImageDataset(dir.resolve("images"), 2, 64, 1);
        SdImage image = SdImageDataset.load(dir.resolve("images"), null, ".caption").images().get(0);
        Path model = TinyStableDiffusion.write(dir.resolve("sd"), 1, false);
        String vae;
        try (TensorSource weights = TensorSource.open(model.resolve("vae/diffusion_pytorch_model.safetensors"))) {
            vae = LatentCache.vaeIdentity(weights);
        }
        Bucket bucket = new Bucket(64, 64);
        float[] latents = {0.5f, -1.25f, 2f, 0f};

        try (ObjectStore store = ObjectStore.connect(ServiceConfigLoader.load("latents-it", new String[0], env))) {
            LatentCache first = LatentCache.open(dir.resolve("worker-a"), vae);
            first.put(image, bucket, false, latents, new long[] {1, 1, 2, 2});
            assertThat(LatentSync.save(store, prefix, dir.resolve("worker-a"))).isEqualTo(1);
            assertThat(LatentSync.save(store, prefix, dir.resolve("worker-a"))).as("unchanged: nothing new").isEqualTo(1);

            assertThat(LatentSync.restore(store, prefix, dir.resolve("worker-c"), Set.of("0".repeat(64))))
                    .as("another dataset's images fetch nothing").isZero();
            assertThat(LatentSync.restore(store, prefix, dir.resolve("worker-b"), Set.of(image.sha256()))).isEqualTo(1);
            LatentCache second = LatentCache.open(dir.resolve("worker-b"), vae);
            assertThat(second.get(image, bucket, false)).hasValueSatisfying(v -> assertThat(v).containsExactly(latents));
            assertThat(second.hits()).isEqualTo(1);
            assertThat(LatentCache.open(dir.resolve("worker-b"), vae + "-other").get(image, bucket, false))
                    .as("another VAE never reads these latents").isEmpty();
        }
        assertThat(Files.exists(dir.resolve("worker-b"))).isTrue();
    }
}
