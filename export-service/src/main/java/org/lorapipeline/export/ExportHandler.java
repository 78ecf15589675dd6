package org.lorapipeline.export;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.lorapipeline.core.config.ExportFormat;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.runtime.EventContext;
import org.lorapipeline.runtime.EventHandler;
import org.lorapipeline.runtime.ModelCache;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.runtime.PoisonEventException;
import org.lorapipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code training.finished} → one {@code model.exported} per requested format. The adapter tree is downloaded and
 * verified (a wrong sha256 dead-letters the event before anything is written), each format is written, re-read by
 * {@link ExportVerifier}, uploaded as an {@link ObjectTree} under {@code runs/<runId>/exports/<format>/}, and only
 * then announced.
 *
 * <p>Redelivery is harmless: the files are written the same way again, uploads of identical bytes are skipped by the
 * object store, and event ids come from {@link EventContext#newEventId()}, so consumers see repeats as repeats.
 * A format that fails its check is not announced; the formats that passed are, and the event then goes to the
 * dead-letter topic with the reason.
 */
public final class ExportHandler implements EventHandler<TrainingFinished> {
    private static final Logger log = LoggerFactory.getLogger(ExportHandler.class);

    private final ObjectStore store;
    private final ExportSettings settings;
    private final MeterRegistry registry;
    private final FormatWriter writer;

    ExportHandler(ObjectStore store, ExportSettings settings, MeterRegistry registry) {
        this.store = store;
        this.settings = settings;
        this.registry = registry;
        this.writer = new FormatWriter(new ModelCache(store, settings.modelCacheDir()), new LlamaExporter(settings.device()));
    }

    @Override
    public void handle(TrainingFinished event, EventContext ctx) throws IOException {
        String runId = event.getRunId();
        ExportPlan plan;
        try {
            plan = ExportPlan.of(event.getModelType(), event.getExportFormats());
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException("run " + runId + ": " + e.getMessage(), e);
        }
        plan.skipped().forEach((format, why) -> {
            log.warn("run {}: not exporting '{}': {}", runId, format, why);
            registry.counter("lora.export.skipped", "format", format, "model_type", plan.modelType()).increment();
        });
        if (plan.formats().isEmpty()) {
            log.warn("run {}: none of the requested formats {} applies; nothing exported", runId, event.getExportFormats());
            return;
        }
        Files.createDirectories(settings.workDir());
        Path work = Files.createTempDirectory(settings.workDir(), "export-");
        try {
            Path adapterDir = ObjectTree.download(store, event.getAdapter(), work.resolve("adapter"));
            String configUri = ModelCache.uri(event.getConfig().getBucket(), event.getConfig().getKey());
            TrainedRunConfig config = TrainedRunConfig.parse(store.getBytes(event.getConfig()), configUri);
            FormatWriter.Inputs inputs = new FormatWriter.Inputs(runId, plan.modelType(), adapterDir, config);
            List<String> failures = new ArrayList<>();
            for (ExportFormat format : plan.formats()) {
                Path out = work.resolve("exports").resolve(format.yamlName());
                Path main;
                try {
                    main = writer.write(format, inputs, out);
                } catch (ExportVerificationException e) {
                    log.error("run {}: {} export not published: {}", runId, format.yamlName(), e.getMessage());
                    registry.counter("lora.export.failed", "format", format.yamlName()).increment();
                    failures.add(format.yamlName() + ": " + e.getMessage());
                    continue;
                }
                publish(event, ctx, format, config, out, main);
            }
            if (!failures.isEmpty()) {
                throw new PoisonEventException("run " + runId + ": " + String.join("; ", failures));
            }
        } finally {
            deleteTree(work);
        }
    }

    private void publish(TrainingFinished event, EventContext ctx, ExportFormat format, TrainedRunConfig config,
                         Path out, Path main) {
        String runId = event.getRunId();
        ObjectRef index = ObjectTree.upload(store, out, ExportLayout.exportPrefix(runId, format.yamlName()));
        List<ObjectTree.Entry> entries = ObjectTree.entries(store, index);
        String mainPath = out.relativize(main).toString().replace('\\', '/');
        ObjectRef artifact = entries.stream().filter(e -> e.path().equals(mainPath)).findFirst()
                .orElseThrow(() -> new IllegalStateException(mainPath + " missing from " + index.getKey())).ref();
        ModelExported exported = ModelExported.newBuilder()
                .setEventId(ctx.newEventId()).setRunId(runId).setOccurredAt(Instant.now())
                .setFormat(format.yamlName()).setModelType(event.getModelType())
                .setArtifact(artifact).setFiles(entries.stream().map(ObjectTree.Entry::ref).toList())
                .setUsageHint(UsageHints.of(format, runId, config.outputName(), mainPath))
                .build();
        ctx.publish(Topics.MODEL_EXPORTED, exported);
        registry.counter("lora.export.published", "format", format.yamlName()).increment();
        log.info("run {}: {} exported to s3://{}/{} ({} files, {} bytes main file)", runId, format.yamlName(),
                index.getBucket(), index.getKey(), entries.size(), artifact.getSizeBytes());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
