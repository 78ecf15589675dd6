package org.lorapipeline.core.sd.sample;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.clip.ClipTextModel;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.config.PredictionType;
import org.lorapipeline.core.config.SampleSampler;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.sd.StableDiffusionCheckpoint;
import org.lorapipeline.core.sd.TinyStableDiffusion;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.vae.AutoencoderKL;
import org.lorapipeline.core.tensorboard.Event;
import org.lorapipeline.core.tensorboard.EventFileReader;
import org.lorapipeline.core.tensorboard.EventFileWriter;
import org.lorapipeline.core.tensorboard.SummaryValue;

/** The whole preview path on the tiny SD 1.x model and tiny CLIP text encoder. */
class SdSamplerTinyModelTest {
    @TempDir
    Path tmp;

    @Test
    void tinyModelSamplesAreSizedSeededAndLoggedAsPngs() throws Exception {
        Path sd = TinyStableDiffusion.write(tmp.resolve("sd"), 3, false);
        Path clip = tmp.resolve("clip");
        TinyClip.write(clip, 4);
        NDManager root = TorchRuntime.open("cpu").newManager();
        try (root; StableDiffusionCheckpoint ckpt = StableDiffusionCheckpoint.open(sd)) {
            UNet2DConditionModel unet = ckpt.loadUNet(root.newSubManager());
            AutoencoderKL vae = ckpt.loadVae(root.newSubManager());
            NDManager teManager = root.newSubManager();
            ClipTextModel te = ClipTextModel.load(clip, teManager);
            PromptEncoder encoder = new ClipPromptEncoder(te, ClipTokenizer.load(clip), teManager);
            SdSampler sampler = new SdSampler(unet, vae, encoder, ckpt.schedulerConfig(), PredictionType.EPSILON);

            SamplePrompt p = SamplePrompt.parse("a photo of a cat --n blurry --w 32 --h 24 --s 4 --l 5 --d 7",
                    SamplePrompt.defaults(1));
            long before = teManager.getManagedArrays().size() + unet.manager().getManagedArrays().size();
            BufferedImage a = sampler.sample(p, SampleSampler.DDIM);
            BufferedImage again = sampler.sample(p, SampleSampler.DDIM);
            long after = teManager.getManagedArrays().size() + unet.manager().getManagedArrays().size();
            assertThat(after).as("each sample's arrays are freed").isEqualTo(before);
            assertThat(a.getWidth()).isEqualTo(32);
            assertThat(a.getHeight()).isEqualTo(24);
            assertThat(pixels(again)).isEqualTo(pixels(a));
            int[] px = pixels(a);
            assertThat(java.util.Arrays.stream(px).distinct().count()).as("not a flat image").isGreaterThan(10);

            BufferedImage otherSeed = sampler.sample(new SamplePrompt(p.prompt(), p.negativePrompt(), 32, 24, 4, 5, 8),
                    SampleSampler.DDIM);
            assertThat(pixels(otherSeed)).isNotEqualTo(px);
            BufferedImage euler = sampler.sample(p, SampleSampler.EULER_A);
            assertThat(pixels(euler)).isNotEqualTo(px);
            // sizes not divisible by the model's factor (8 here) are rounded down, as kohya does
            BufferedImage odd = sampler.sample(new SamplePrompt("x", "", 37, 20, 2, 1, 1), SampleSampler.EULER);
            assertThat(odd.getWidth()).isEqualTo(32);
            assertThat(odd.getHeight()).isEqualTo(16);

            Path logs = tmp.resolve("logs");
            List<Path> files;
            try (EventFileWriter events = EventFileWriter.create(logs)) {
                files = SampleImages.write(tmp.resolve("samples"), "mylora", 250, List.of(p, p), List.of(a, euler),
                        events, Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC));
            }
            assertThat(files).extracting(f -> f.getFileName().toString())
                    .containsExactly("mylora_000250_00_20250304050607_7.png", "mylora_000250_01_20250304050607_7.png");
            BufferedImage back = ImageIO.read(files.get(0).toFile());
            assertThat(pixels(back)).isEqualTo(px);
            List<Event> read = EventFileReader.read(EventFileReader.eventFiles(logs).get(0));
            List<SummaryValue> images = read.stream().filter(e -> e.step() == 250).flatMap(e -> e.values().stream())
                    .filter(v -> v.image() != null).toList();
            assertThat(images).extracting(SummaryValue::tag).containsExactly("samples/0", "samples/1");
            assertThat(images.get(0).image().width()).isEqualTo(32);
            assertThat(images.get(0).image().height()).isEqualTo(24);
            assertThat(pixels(ImageIO.read(new java.io.ByteArrayInputStream(images.get(0).image().png())))).isEqualTo(px);
            assertThat(Files.size(files.get(1))).isPositive();
        }
    }

    static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
