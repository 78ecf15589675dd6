package org.lorapipeline.core.sd.train;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipeline.core.config.DiffusionSection;
import org.lorapipeline.core.config.ImageSection;
import org.lorapipeline.core.config.OptimSection;
import org.lorapipeline.core.config.PredictionType;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.kohya.KohyaTrainingInfo;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.sd.data.Bucket;
import org.lorapipeline.core.sd.data.CaptionProcessor;
import org.lorapipeline.core.sd.data.SdBatchPlan;
import org.lorapipeline.core.sd.data.SdImage;

/**
 * What a Stable Diffusion run tells kohya's metadata ({@code ss_*}, {@code modelspec.*}): the config's settings
 * under kohya's names, the dataset's folders with their repeats and tag counts ({@code ss_tag_frequency}, tags split
 * on commas, trimmed and lower-cased as kohya counts them) and the buckets.
 */
public final class SdKohyaInfo {
    public static final String IMPLEMENTATION = "lora-pipeline/0.1.0";

    private SdKohyaInfo() {}

    /**
     * @param dataDir the training folder: images directly in it form one "folder" named after it with 1 repeat,
     *                kohya {@code <repeats>_<name>/} sub-folders keep their names
     */
    public static KohyaTrainingInfo of(RunConfig config, String sessionId, Path baseModel, LoraModel lora,
                                       List<SdImage> images, SdBatchPlan plan, Path dataDir, long totalSteps,
                                       long step, int epoch, Instant startedAt, Instant finishedAt) {
        OptimSection o = config.optim();
        ImageSection im = config.image();
        DiffusionSection d = config.diffusion();
        int perEpoch = (plan.batchesPerEpoch() + o.gradientAccumulationSteps() - 1) / o.gradientAccumulationSteps();
        int epochs = o.epochs() != null ? o.epochs() : (int) Math.ceil((double) totalSteps / Math.max(1, perEpoch));
        Map<String, String> args = new LinkedHashMap<>();
        args.put("weight_decay", Double.toString(o.weightDecay()));
        args.put("betas", "(" + o.adamBeta1() + ", " + o.adamBeta2() + ")");
        args.put("eps", Double.toString(o.adamEpsilon()));
        List<KohyaTrainingInfo.Bucket> buckets = new ArrayList<>();
        plan.bucketCounts().forEach((Bucket b, Integer n) -> buckets.add(new KohyaTrainingInfo.Bucket(b.width(),
                b.height(), n)));
        KohyaTrainingInfo.Dataset dataset = new KohyaTrainingInfo.Dataset(plan.exampleCount(), 0, im.resolution(),
                im.resolution(), im.enableBucket(), im.minBucketReso(), im.maxBucketReso(), false, buckets, null,
                dirs(images, dataDir), new KohyaTrainingInfo.Captions(im.shuffleCaption(), im.keepTokens(),
                im.captionDropoutRate(), 0, 0), im.flipAug(), false, im.randomCrop());
        PredictionType prediction = d.predictionType();
        String baseName = baseModel.getFileName() == null ? baseModel.toString() : baseModel.getFileName().toString();
        return new KohyaTrainingInfo(sessionId, config.output().outputName(),
                new KohyaTrainingInfo.BaseModel(baseName, "sd_v1", null, prediction),
                new KohyaTrainingInfo.Network(lora.config().r(), lora.config().scale() * lora.config().r(),
                        lora.config().loraDropout() > 0 ? lora.config().loraDropout() : null, Map.of()),
                new KohyaTrainingInfo.Optimizer(KohyaTrainingInfo.Optimizer.ADAMW, args, o.learningRate(),
                        d.unetLr(), d.trainTextEncoder() ? d.textEncoderLr() : null, o.lrScheduler().yamlName(),
                        o.warmupSteps((int) totalSteps), o.maxGradNorm()),
                new KohyaTrainingInfo.Progress(epochs, epoch, totalSteps, step, plan.batchesPerEpoch(),
                        o.batchSize(), o.gradientAccumulationSteps()),
                dataset, new KohyaTrainingInfo.Noise(d.noiseOffset(), d.minSnrGamma()), config.runtime().seed(), 0,
                config.runtime().mixedPrecision(), false, im.cacheLatents(), startedAt, finishedAt, null,
                IMPLEMENTATION);
    }

    /** One entry per kohya folder (the key's first path segment) or the whole dataset when images sit at the top. */
    static List<KohyaTrainingInfo.DatasetDir> dirs(List<SdImage> images, Path dataDir) {
        String top = dataDir.getFileName() == null ? "train" : dataDir.getFileName().toString();
        Map<String, List<SdImage>> byDir = new LinkedHashMap<>();
        for (SdImage img : images) {
            int slash = img.key().indexOf('/');
            byDir.computeIfAbsent(slash < 0 ? top : img.key().substring(0, slash), k -> new ArrayList<>()).add(img);
        }
        List<KohyaTrainingInfo.DatasetDir> out = new ArrayList<>();
        byDir.forEach((name, list) -> {
            Map<String, Long> tags = new LinkedHashMap<>();
            for (SdImage img : list) {
                for (String tag : CaptionProcessor.plain(img.caption()).split(",")) {
                    String t = tag.strip().toLowerCase(Locale.ROOT);
                    if (!t.isEmpty()) {
                        tags.merge(t, 1L, Long::sum);
                    }
                }
            }
            out.add(new KohyaTrainingInfo.DatasetDir(name, list.get(0).repeats(), list.size(), tags));
        });
        return out;
    }
}
