package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.lorapipeline.core.config.ConfigException;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.events.DatasetSource;
import org.lorapipeline.events.DatasetSubmitted;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.SourceKind;
import org.lorapipeline.runtime.EventPublisher;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ServiceConfig;
import org.lorapipeline.schemas.Topics;

/**
 * Uploads a dataset folder to {@code uploads/<datasetId>/files/} and its config to
 * {@code submissions/<runId>/config.yaml}, then publishes {@code dataset.submitted}. The config is checked
 * locally first, so a typo is reported before anything is uploaded.
 */
final class DatasetPusher {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    record Pushed(String runId, String datasetId, int files, long bytes) {}

    static String newId(String prefix) {
        return prefix + "-" + STAMP.format(Instant.now()) + "-" + Integer.toHexString(0x10000 + RANDOM.nextInt(0xF0000));
    }

    static Pushed push(ServiceConfig config, Path dir, Path configFile, String runId, String datasetId, boolean progress) {
        if (!Files.isDirectory(dir)) {
            throw new UserException("dataset folder " + dir.toAbsolutePath() + " does not exist or is not a folder");
        }
        byte[] yaml;
        try {
            RunConfig.load(configFile);
            yaml = Files.readAllBytes(configFile);
        } catch (ConfigException e) {
            throw new UserException("the run config has problems, nothing was uploaded:\n" + e.getMessage());
        } catch (IOException e) {
            throw new UserException("cannot read the run config " + configFile.toAbsolutePath() + ": " + e.getMessage());
        }
        List<Path> files;
        long bytes = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
            for (Path f : files) {
                bytes += Files.size(f);
            }
        } catch (IOException e) {
            throw new UserException("cannot read the dataset folder " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new UserException("dataset folder " + dir.toAbsolutePath() + " holds no files");
        }
        String prefix = "uploads/" + datasetId + "/files/";
        try (ObjectStore store = ObjectStore.connect(config); EventPublisher publisher = EventPublisher.create(config)) {
            try (ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("upload " + dir.getFileName())
                    .setInitialMax(bytes).setUnit(" KiB", 1024).setStyle(ProgressBarStyle.ASCII).showSpeed().build() : null) {
                for (Path f : files) {
                    store.putFile(prefix + dir.relativize(f).toString().replace('\\', '/'), f);
                    if (bar != null) {
                        bar.stepBy(Files.size(f));
                    }
                }
            } catch (IOException e) {
                throw new UserException("cannot read " + e.getMessage());
            }
            ObjectRef configRef = store.putBytes("submissions/" + runId + "/config.yaml", yaml, "application/yaml");
            DatasetSubmitted event = DatasetSubmitted.newBuilder()
                    .setEventId(newId("evt")).setRunId(runId).setOccurredAt(Instant.now()).setDatasetId(datasetId)
                    .setSource(DatasetSource.newBuilder().setKind(SourceKind.S3_PREFIX).setBucket(store.bucket()).setPrefix(prefix).build())
                    .setConfig(configRef)
                    .setSubmittedBy(System.getProperty("user.name"))
                    .build();
            publisher.publish(Topics.DATASET_SUBMITTED, event);
        }
        return new Pushed(runId, datasetId, files.size(), bytes);
    }
}
