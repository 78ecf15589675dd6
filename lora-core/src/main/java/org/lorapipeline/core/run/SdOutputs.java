package org.lorapipeline.core.run;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.config.ExportFormat;
import org.lorapipeline.core.config.PredictionType;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.kohya.DiffusersLoraFile;
import org.lorapipeline.core.kohya.KohyaLoraFile;
import org.lorapipeline.core.kohya.KohyaMetadata;
import org.lorapipeline.core.kohya.LoraModuleWeights;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.sd.data.SdBatchPlan;
import org.lorapipeline.core.sd.data.SdImageDataset;
import org.lorapipeline.core.sd.sample.ClipPromptEncoder;
import org.lorapipeline.core.sd.sample.SampleImages;
import org.lorapipeline.core.sd.sample.SamplePrompt;
import org.lorapipeline.core.sd.sample.SdSampler;
import org.lorapipeline.core.sd.train.SdAdapterFile;
import org.lorapipeline.core.sd.train.SdKohyaInfo;
import org.lorapipeline.core.sd.train.SdLoraFiles;
import org.lorapipeline.core.sd.train.SdModels;
import org.lorapipeline.core.sd.train.SdTrainer;
import org.lorapipeline.core.tensorboard.EventFileWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Stable Diffusion run writes besides logs: checkpoint folders (the exact adapter for resume, the optimizer,
 * the trainer state, and a kohya file usable as it is), and at the end the kohya file
 * {@code <output_name>.safetensors} with kohya's metadata and hashes, plus the diffusers file on request.
 */
final class SdOutputs {
    private static final Logger log = LoggerFactory.getLogger(SdOutputs.class);
    /** kohya's usual {@code --save_precision fp16}: what A1111 and ComfyUI users share. */
    static final DType SAVE_DTYPE = DType.F16;

    private final RunConfig config;
    private final RunPaths paths;
    private final SdModels models;
    private final LoraModel lora;
    private final SdImageDataset data;
    private final SdBatchPlan plan;
    private final RunListener listener;
    private final long totalSteps;
    private final String sessionId = KohyaMetadata.newSessionId(new SplittableRandom());
    private final Instant startedAt = Instant.now();

    SdOutputs(RunConfig config, RunPaths paths, SdModels models, LoraModel lora, SdImageDataset data,
              SdBatchPlan plan, long totalSteps, RunListener listener) {
        this.config = config;
        this.paths = paths;
        this.models = models;
        this.lora = lora;
        this.data = data;
        this.plan = plan;
        this.totalSteps = totalSteps;
        this.listener = listener;
    }

    Path checkpoint(SdTrainer trainer, TrainerState state) throws IOException {
        Path dir = Checkpoints.save(paths.outputDir(), d -> {
            SdAdapterFile.write(d, lora);
            writeKohya(d.resolve(config.output().outputName() + ".safetensors"), state.globalStep(), state.epoch());
        }, trainer.firstMoments(), trainer.secondMoments(), trainer.optimizerSteps(), state);
        Checkpoints.prune(paths.outputDir(), config.output().saveTotalLimit());
        listener.checkpointSaved(dir, state.globalStep());
        return dir;
    }

    /**
     * Preview images for {@code sample_prompts} with the adapters as they are now: PNGs under {@code samples/} and
     * TensorBoard image summaries. Prompt lines take kohya's options ({@code --n --w --h --s --l --d}); the
     * defaults are the run's resolution, sample_steps, guidance_scale and seed.
     */
    void samples(long step, EventFileWriter events, PredictionType prediction) {
        var d = config.diffusion();
        int res = config.image().resolution();
        SamplePrompt defaults = new SamplePrompt("", "", res, res, d.sampleSteps(), d.guidanceScale(),
                config.runtime().seed());
        List<SamplePrompt> prompts = config.output().samplePrompts().stream()
                .map(line -> SamplePrompt.parse(line, defaults)).toList();
        SdSampler sampler = new SdSampler(models.unet(), models.vae(), new ClipPromptEncoder(models.textEncoder(),
                models.tokenizer(), models.textEncoderManager()), models.checkpoint().schedulerConfig(), prediction);
        List<BufferedImage> images = prompts.stream().map(p -> sampler.sample(p, d.sampleSampler())).toList();
        Path dir = paths.outputDir().resolve("samples");
        SampleImages.write(dir, config.output().outputName(), step, prompts, images, events, Clock.systemDefaultZone());
        listener.samplesWritten(dir, step);
    }

    /** The final files; logs the A1111 prompt tag and what to copy where. */
    Map<String, Path> exports(long step, int epoch) {
        Map<String, Path> out = new LinkedHashMap<>();
        List<ExportFormat> formats = config.output().exportFormats();
        String name = config.output().outputName();
        if (formats.contains(ExportFormat.KOHYA)) {
            Path file = writeKohya(paths.outputDir().resolve(name + ".safetensors"), step, epoch + 1);
            out.put(ExportFormat.KOHYA.yamlName(), file);
            listener.exported(ExportFormat.KOHYA.yamlName(), file);
            log.info("kohya LoRA {}: copy it into stable-diffusion-webui/models/Lora (or ComfyUI/models/loras) and"
                    + " prompt with <lora:{}:0.7>", file, name);
        }
        if (formats.contains(ExportFormat.DIFFUSERS)) {
            Path file = DiffusersLoraFile.write(paths.outputDir(), modules(), SAVE_DTYPE);
            out.put(ExportFormat.DIFFUSERS.yamlName(), file);
            listener.exported(ExportFormat.DIFFUSERS.yamlName(), file);
            log.info("diffusers LoRA {}: pipe.load_lora_weights(\"{}\")", file, paths.outputDir());
        }
        return out;
    }

    /** The {@code <lora:NAME:0.7>} tag A1111 users type for this run's kohya file. */
    static String promptTag(String outputName) {
        return "<lora:" + outputName + ":0.7>";
    }

    private List<LoraModuleWeights> modules() {
        return SdLoraFiles.modules(lora, models.unet().config());
    }

    private Path writeKohya(Path file, long step, int epoch) {
        var info = SdKohyaInfo.of(config, sessionId, paths.baseModel(), lora, data.images(), plan, paths.trainData(),
                totalSteps, step, epoch, startedAt, Instant.now());
        KohyaLoraFile.write(file, modules(), KohyaMetadata.build(info), SAVE_DTYPE);
        return file;
    }
}
