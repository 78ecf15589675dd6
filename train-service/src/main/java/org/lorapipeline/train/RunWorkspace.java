package org.lorapipeline.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lorapipeline.core.config.DataSection;
import org.lorapipeline.core.config.LoraSection;
import org.lorapipeline.core.config.ModelSection;
import org.lorapipeline.core.config.OutputSection;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.dataset.CsvWriter;
import org.lorapipeline.core.dataset.DatasetKind;
import org.lorapipeline.core.dataset.Manifest;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingRequested;
import org.lorapipeline.runtime.ModelCache;
import org.lorapipeline.runtime.ObjectInfo;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's local scratch folder on a worker: the dataset as the manifest lists it (every file verified against its
 * sha256), {@code metadata.csv} from the manifest's captions, the base model through the {@link ModelCache}, the newest
 * complete checkpoint from S3, and the submitted config rewritten to point at all of these.
 *
 * <pre>
 * dir/data/...        dataset files (train_data_dir)
 * dir/metadata.csv    captions of an image dataset (metadata_path)
 * dir/out/            output_dir: checkpoints, logs, the adapter
 * </pre>
 *
 * @param config      the config LoraRun runs (local paths, only the canonical export format)
 * @param submitted   the config as submitted
 * @param baseModel   {@code base_model} as submitted ({@code s3://...} or a worker path)
 * @param resumedFrom the step of the checkpoint it resumes from, or 0
 * @param imageSha256s the sha256 of every image of the dataset (what the latent cache is keyed by); empty for text
 */
record RunWorkspace(Path dir, RunConfig config, RunConfig submitted, String baseModel, long resumedFrom,
                    Set<String> imageSha256s) {
    private static final Logger log = LoggerFactory.getLogger(RunWorkspace.class);
    private static final Pattern CHECKPOINT_INDEX = Pattern.compile(".*/checkpoints/checkpoint-(\\d+)/" + ObjectTree.INDEX);

    Path outputDir() {
        return dir.resolve("out");
    }

    static RunWorkspace prepare(ObjectStore store, ModelCache models, TrainingRequested job, Path dir) throws IOException {
        byte[] yaml = store.getBytes(job.getConfig());
        RunConfig submitted = RunConfig.parse(new String(yaml, StandardCharsets.UTF_8), job.getConfig().getKey());
        Manifest manifest;
        try {
            manifest = Manifest.fromJson(store.getBytes(job.getManifest()));
        } catch (IOException e) {
            throw new IllegalArgumentException("the dataset manifest " + job.getManifest().getKey() + " is not readable: "
                    + e.getMessage() + "; register the dataset again", e);
        }
        Path data = dir.resolve("data");
        Path trainData = download(store, "datasets/" + job.getDatasetId() + "/files/", manifest, data);
        Path metadata = null;
        if (manifest.kind() == DatasetKind.IMAGE) {
            metadata = dir.resolve("metadata.csv");
            Files.writeString(metadata, metadataCsv(manifest));
        }
        String baseModel = uri(submitted.model().baseModel());
        Path base = models.resolve(baseModel);
        Path tokenizer = submitted.model().tokenizerPath() == null ? null
                : models.resolve(uri(submitted.model().tokenizerPath()));
        LoraSection l = submitted.lora();
        Path weights = l.networkWeights() == null ? null : models.resolve(uri(l.networkWeights()));
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Optional<Checkpoint> latest = latestCheckpoint(store, job.getRunId());
        Path resume = null;
        if (latest.isPresent()) {
            resume = out.resolve(org.lorapipeline.core.run.Checkpoints.name(latest.get().step()));
            ObjectTree.download(store, latest.get().index(), resume);
            log.info("run {}: resuming from {} (step {})", job.getRunId(), latest.get().index().getKey(), latest.get().step());
        }
        OutputSection o = submitted.output();
        var m = submitted.model();
        RunConfig local = new RunConfig(new ModelSection(m.modelType(), base, m.taskType(), tokenizer),
                new DataSection(trainData, metadata), submitted.text(), submitted.image(),
                new LoraSection(l.rank(), l.alpha(), l.dropout(), l.useRslora(), l.targetModules(), weights),
                submitted.optim(), submitted.diffusion(), submitted.runtime(),
                new OutputSection(out, o.outputName(), o.saveSteps(), o.saveTotalLimit(), resume, out.resolve("logs"),
                        o.logEveryNSteps(), o.sampleEveryNSteps(), o.samplePrompts(),
                        List.of(JobRoute.canonicalFormat(submitted))),
                submitted.origin());
        Set<String> shas = manifest.images().stream().map(Manifest.Image::sha256).collect(Collectors.toSet());
        return new RunWorkspace(dir, local, submitted, baseModel, latest.map(Checkpoint::step).orElse(0L), shas);
    }

    /** A complete checkpoint in S3: its step and its folder index. */
    record Checkpoint(long step, ObjectRef index) {}

    static Optional<Checkpoint> latestCheckpoint(ObjectStore store, String runId) {
        List<Checkpoint> all = checkpoints(store, runId);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The complete checkpoints of a run in S3 (those whose index exists), oldest first. */
    static List<Checkpoint> checkpoints(ObjectStore store, String runId) {
        List<Checkpoint> out = new ArrayList<>();
        for (ObjectInfo o : store.list(RunKeys.checkpoints(runId))) {
            Matcher mt = CHECKPOINT_INDEX.matcher(o.key());
            if (mt.matches()) {
                store.stat(o.key()).ifPresent(ref -> out.add(new Checkpoint(Long.parseLong(mt.group(1)), ref)));
            }
        }
        out.sort(java.util.Comparator.comparingLong(Checkpoint::step));
        return out;
    }

    /**
     * A config path back to the URI the user wrote: {@link Path} folds {@code s3://bucket/key} into
     * {@code s3:/bucket/key}, and bucket names hold no '/', so the URI is recovered exactly.
     */
    static String uri(Path p) {
        String s = p.toString();
        return s.startsWith("s3:/") && !s.startsWith("s3://") ? "s3://" + s.substring("s3:/".length()) : s;
    }

    /** Fetches every file the manifest lists; returns the train_data_dir to use (the one text file, or the folder). */
    private static Path download(ObjectStore store, String prefix, Manifest manifest, Path data) {
        List<Path> texts = new ArrayList<>();
        for (Manifest.Text t : manifest.texts()) {
            texts.add(store.getToFile(ref(store, prefix + t.path(), t.sha256(), t.bytes()), data.resolve(t.path())));
        }
        for (Manifest.Image i : manifest.images()) {
            long size = store.stat(prefix + i.path()).map(ObjectRef::getSizeBytes).orElse(-1L);
            store.getToFile(ref(store, prefix + i.path(), i.sha256(), size), data.resolve(i.path()));
        }
        return texts.size() == 1 ? texts.get(0) : data;
    }

    private static ObjectRef ref(ObjectStore store, String key, String sha256, long size) {
        return ObjectRef.newBuilder().setBucket(store.bucket()).setKey(key).setSha256(sha256).setSizeBytes(size).build();
    }

    private static String metadataCsv(Manifest manifest) {
        StringBuilder csv = new StringBuilder("filename,prompt\n");
        for (Manifest.Image i : manifest.images()) {
            csv.append(CsvWriter.row(List.of(i.path(), i.caption() == null ? "" : i.caption()))).append('\n');
        }
        return csv.toString();
    }
}
