package org.lorapipeline.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.core.kohya.KohyaKeys;
import org.lorapipeline.core.kohya.KohyaLora;
import org.lorapipeline.core.kohya.KohyaLoraFile;
import org.lorapipeline.core.kohya.LoraModuleWeights;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.sd.TinyStableDiffusion;
import org.lorapipeline.core.sd.train.SdAdapterFile;
import org.lorapipeline.core.sd.train.TinySd;
import org.lorapipeline.core.tensorboard.EventFileReader;

/**
 * A tiny Stable Diffusion LoRA run from the seed's YAML keys on generated images: checkpoints, exact resume, the
 * latent cache, kohya and diffusers exports, incremental training from the kohya file, and the single-file layout
 * with the text encoder trained.
 */
class SdLoraRunTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path data;

    @BeforeAll
    static void fixtures() throws Exception {
        model = TinySd.diffusers(dir.resolve("tiny-sd"), 1);
        data = dir.resolve("images");
        SampleDatasets.writeImageDataset(data, 6, 64, 5);
    }

    /** The seed's keys (train_data_dir, metadata_path, base_model, lora_rank, batch_size, epochs, ...) plus tiny sizes. */
    static String yaml(Path base, Path out, String extra) {
        return "base_model: \"" + base + "\"\n"
                + "train_data_dir: \"" + data + "\"\n"
                + "metadata_path: \"" + data.resolve("metadata.csv") + "\"\n"
                + "lora_rank: 4\nbatch_size: 2\nepochs: 2\nlearning_rate: 1e-3\nsave_steps: 3\n"
                + "output_dir: \"" + out + "\"\noutput_name: \"out\"\n"
                + "resolution: 64\nmin_resolution: 64\nmin_bucket_reso: 64\nmax_bucket_reso: 128\n"
                + "lr_scheduler: \"constant\"\nlog_every_n_steps: 1\ndevice: \"cpu\"\n" + extra;
    }

    static final class Recorder implements RunListener {
        final List<int[]> cached = new ArrayList<>();
        final Map<String, Path> exported = new LinkedHashMap<>();
        final List<Long> checkpoints = new ArrayList<>();

        @Override
        public void latentsCached(int done, int total, int encoded) {
            cached.add(new int[] {done, total, encoded});
        }

        @Override
        public void exported(String format, Path path) {
            exported.put(format, path);
        }

        @Override
        public void checkpointSaved(Path d, long step) {
            checkpoints.add(step);
        }
    }

    static RunResult run(String yaml, Recorder rec) throws Exception {
        return LoraRun.run(RunConfig.parse(yaml, "test.yaml"), dir, rec, new CancelFlag());
    }

    static Map<String, float[]> adapter(Path checkpoint) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint.resolve(SdAdapterFile.FILE))) {
            f.names().forEach(n -> out.put(n, f.floats(n)));
        }
        return out;
    }

    @Test
    void trainsCheckpointsResumesExactlyAndExportsKohyaAndDiffusers() throws Exception {
        Path out = dir.resolve("run-a");
        Recorder rec = new Recorder();
        RunResult r = run(yaml(model, out, "export_formats: [\"kohya\", \"diffusers\"]\n"), rec);
        assertThat(r.status()).isEqualTo(RunResult.Status.COMPLETED);
        assertThat(r.steps()).isEqualTo(6); // 6 images / batch 2 = 3 steps per epoch, 2 epochs
        assertThat(r.losses()).hasSize(6).allMatch(Double::isFinite);
        assertThat(rec.checkpoints).containsExactly(3L, 6L);
        assertThat(rec.cached.get(rec.cached.size() - 1)).containsExactly(6, 6, 6); // every image encoded once
        assertThat(out.resolve("checkpoint-000003/out.safetensors")).exists(); // usable kohya file per checkpoint
        assertThat(EventFileReader.scalars(out.resolve("logs"))).containsKeys("train/loss", "lr/unet");

        // kohya file: every key walks back to a UNet module by kohya's naming rule, metadata as kohya writes it
        Path kohya = rec.exported.get("kohya");
        assertThat(kohya).isEqualTo(out.resolve("out.safetensors"));
        KohyaLora read = KohyaLoraFile.read(kohya);
        assertThat(read.format()).isEqualTo(KohyaLora.Format.KOHYA);
        assertThat(read.rank()).isEqualTo(4);
        assertThat(read.alpha()).isEqualTo(4f);
        assertThat(read.modules()).hasSize(11 * 12); // 11 Transformer2DModels x 12 projections
        List<String> unetModules = TinyStableDiffusion.unetShapes().keySet().stream()
                .filter(n -> n.endsWith(".weight")).map(n -> "unet." + n.substring(0, n.length() - 7)).toList();
        KohyaLora resolved = read.resolve(unetModules);
        assertThat(resolved.modules()).extracting(LoraModuleWeights::module).allMatch(unetModules::contains);
        LoraModuleWeights projIn = resolved.module("unet.down_blocks.0.attentions.0.proj_in").orElseThrow();
        assertThat(projIn.down().shape()).containsExactly(4, 32, 1, 1); // SD1 proj_in is a 1x1 conv
        assertThat(read.metadata()).containsEntry("ss_network_dim", "4").containsEntry("ss_network_alpha", "4.0")
                .containsEntry("ss_base_model_version", "sd_v1").containsEntry("ss_output_name", "out")
                .containsEntry("ss_steps", "6").containsKey("sshs_model_hash").containsKey("modelspec.architecture");
        assertThat(read.metadata().get("ss_tag_frequency")).contains("\"images\"");
        assertThat(KohyaKeys.toKohya("unet.down_blocks.0.attentions.0.proj_in"))
                .isEqualTo("lora_unet_down_blocks_0_attentions_0_proj_in");

        KohyaLora diffusers = KohyaLoraFile.read(rec.exported.get("diffusers"));
        assertThat(diffusers.format()).isEqualTo(KohyaLora.Format.DIFFUSERS);
        assertThat(diffusers.modules()).hasSize(11 * 12);

        // resume from the middle in the same folder: the cache is warm and the end state is the same
        Map<String, float[]> straight = adapter(out.resolve("checkpoint-000006"));
        Recorder again = new Recorder();
        RunResult resumed = run(yaml(model, out, "resume_from: \"" + out.resolve("checkpoint-000003") + "\"\n"),
                again);
        assertThat(resumed.steps()).isEqualTo(6);
        assertThat(resumed.losses()).hasSize(3);
        assertThat(again.cached.get(again.cached.size() - 1)).containsExactly(6, 6, 0); // all cache hits
        Map<String, float[]> continued = adapter(out.resolve("checkpoint-000006"));
        assertThat(continued.keySet()).isEqualTo(straight.keySet());
        straight.forEach((k, v) -> assertThat(continued.get(k)).as(k).containsExactly(v, within(1e-6f)));
        assertThat(r.losses().subList(3, 6)).usingComparatorForType((a, b) -> Math.abs(a - b) < 1e-6 ? 0 : 1,
                Double.class).isEqualTo(resumed.losses());
    }

    @Test
    void incrementalTrainingKeepsTheFilesRankAndAlphaAndRefusesAContradiction() throws Exception {
        Path first = dir.resolve("run-inc-a");
        run(yaml(model, first, "max_steps: 2\nlora_alpha: 2\n").replace("epochs: 2\n", ""), new Recorder());
        Path kohya = first.resolve("out.safetensors");
        KohyaLora before = KohyaLoraFile.read(kohya);

        String incremental = yaml(model, dir.resolve("run-inc-b"), "max_steps: 1\nnetwork_weights: \"" + kohya
                + "\"\n").replace("epochs: 2\n", "").replace("lora_rank: 4\n", "").replace("1e-3", "1e-9");
        Recorder rec = new Recorder();
        run(incremental, rec);
        KohyaLora after = KohyaLoraFile.read(rec.exported.get("kohya"));
        assertThat(after.rank()).isEqualTo(4);
        assertThat(after.alpha()).isEqualTo(2f);
        String key = "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k";
        float[] was = before.module(key).orElseThrow().up().data();
        assertThat(was).isNotEqualTo(new float[was.length]);
        // started from the file's values (a 1e-9 step changes nothing at F16 precision)
        assertThat(after.module(key).orElseThrow().up().data()).containsExactly(was, within(1e-3f));

        String contradiction = incremental.replace("max_steps: 1\n", "max_steps: 1\nlora_rank: 8\n");
        assertThatThrownBy(() -> run(contradiction, new Recorder())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lora_rank: 8").hasMessageContaining("rank 4")
                .hasMessageContaining(kohya.toString());
    }

    @Test
    void singleFileCheckpointTrainsWithTheTextEncoderAndNoLatentCache() throws Exception {
        Path file = TinySd.singleFile(dir.resolve("tiny-single"), 1);
        Recorder rec = new Recorder();
        RunResult r = run(yaml(file, dir.resolve("run-single"), "max_steps: 1\ntrain_text_encoder: true\n"
                + "text_encoder_lr: 5e-4\ncache_latents: false\nflip_aug: true\nmin_snr_gamma: 5\n"
                + "noise_offset: 0.05\nsample_prompts: [\"a photo of a cat --w 32 --h 32 --s 2 --d 7\"]\n")
                .replace("epochs: 2\n", ""), rec);
        assertThat(r.losses()).hasSize(1).allMatch(Double::isFinite);
        assertThat(rec.cached).isEmpty();
        KohyaLora k = KohyaLoraFile.read(rec.exported.get("kohya"));
        long te = k.modules().stream().filter(m -> m.module().startsWith("lora_te_")).count();
        assertThat(te).isEqualTo(TinyClip.TEXT_LAYERS * 6L); // q/k/v/out_proj + fc1/fc2 per layer
        assertThat(k.module("lora_te_text_model_encoder_layers_0_self_attn_out_proj")).isPresent();
        assertThat(k.metadata()).containsEntry("ss_text_encoder_lr", "0.0005");
        assertThat(Files.list(dir.resolve("run-single")).map(p -> p.getFileName().toString()))
                .doesNotContain(SdLoraRun.LATENT_CACHE_DIR);
        try (var samples = Files.list(dir.resolve("run-single/samples"))) {
            assertThat(samples.map(p -> p.getFileName().toString()).toList()).singleElement().satisfies(
                    n -> assertThat(n).startsWith("out_000001_00_").endsWith("_7.png"));
        }
    }
}
