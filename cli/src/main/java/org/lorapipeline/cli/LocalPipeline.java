package org.lorapipeline.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.export.ExportService;
import org.lorapipeline.export.ExportSettings;
import org.lorapipeline.infra.DevStack;
import org.lorapipeline.infra.DevStackOptions;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.ingest.IngestService;
import org.lorapipeline.label.LabelService;
import org.lorapipeline.train.TrainService;
import org.lorapipeline.train.TrainSettings;
import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.runtime.ServiceWiring;
import org.lorapipeline.status.RunStatusView;

/**
 * The whole pipeline in this JVM: the embedded stack, ingest-, label-, train- and export-service, and the run-status
 * view.
 * {@code lora up} keeps it running; {@code lora demo} uses it for one sample run. Closing stops everything in
 * reverse order (services drain their in-flight events first).
 */
final class LocalPipeline implements AutoCloseable {
    private final DevStack stack;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final RunStatusView status;

    private LocalPipeline(DevStack stack, RunStatusView status) {
        this.stack = stack;
        this.status = status;
    }

    static LocalPipeline start(DevStackOptions options) {
        DevStack stack = DevStack.start(options);
        LocalPipeline pipeline = null;
        try {
            RunStatusView view = RunStatusView.start(stack.endpoints().bootstrapServers(),
                    options.dataDir().resolve("streams"), 0);
            pipeline = new LocalPipeline(stack, view);
            pipeline.startService(IngestService.NAME, IngestService::wire);
            pipeline.startService(LabelService.NAME, LabelService::wire);
            pipeline.startTrainService(options.dataDir());
            pipeline.startExportService(options.dataDir());
            pipeline.writeServicesFile();
            return pipeline;
        } catch (Exception | Error e) {
            if (pipeline != null) {
                pipeline.close();
            } else {
                stack.close();
            }
            throw new UserException("the local pipeline did not start: " + e.getMessage(), e);
        }
    }

    private void startService(String name, ServiceWiring wiring) throws Exception {
        Map<String, String> env = new HashMap<>(stack.endpoints().asEnvironment());
        env.put("LORA_HTTP_PORT", "0");
        env.put("LORA_DATA_DIR", stack.endpoints().dataDir().toString());
        started.add(Service.start(ServiceConfigLoader.load(name, new String[0], env), wiring));
    }

    /** train-service with both roles; base models cached and runs trained under the data folder. */
    private void startTrainService(Path dataDir) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("LORA_MODEL_CACHE", dataDir.resolve("model-cache").toAbsolutePath().toString());
        env.putIfAbsent("LORA_TRAIN_WORK_DIR", dataDir.resolve("train-work").toAbsolutePath().toString());
        env.putIfAbsent("LORA_TRAIN_PROGRESS_SECONDS", "2");
        TrainSettings settings = TrainSettings.fromEnvironment(env);
        startService(TrainService.NAME, s -> TrainService.wire(s, settings));
    }

    /** export-service sharing train-service's model cache, as the deployments share one volume. */
    private void startExportService(Path dataDir) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent(ExportSettings.ENV_MODEL_CACHE, dataDir.resolve("model-cache").toAbsolutePath().toString());
        env.putIfAbsent(ExportSettings.ENV_WORK_DIR, dataDir.resolve("export-work").toAbsolutePath().toString());
        ExportSettings settings = ExportSettings.fromEnvironment(env);
        startService(ExportService.NAME, s -> ExportService.wire(s, settings));
    }

    private void writeServicesFile() {
        Path file = stack.endpoints().dataDir().resolve(StackOptions.SERVICES_FILE);
        try {
            Files.writeString(file, "# Written by `lora up` while it runs.\n" + StackOptions.STATUS_URL + "=" + status.baseUrl() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    StackEndpoints endpoints() {
        return stack.endpoints();
    }

    String statusUrl() {
        return status.baseUrl();
    }

    @Override
    public void close() {
        List<AutoCloseable> reverse = new ArrayList<>(started);
        Collections.reverse(reverse);
        for (AutoCloseable c : reverse) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("lora: while stopping: " + e.getMessage());
            }
        }
        status.close();
        try {
            Files.deleteIfExists(stack.endpoints().dataDir().resolve(StackOptions.SERVICES_FILE));
        } catch (IOException e) {
            System.err.println("lora: could not remove " + StackOptions.SERVICES_FILE + ": " + e.getMessage());
        }
        stack.close();
    }
}
