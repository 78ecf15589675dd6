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
import org.lorapipeline.infra.DevStack;
import org.lorapipeline.infra.DevStackOptions;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.ingest.IngestService;
import org.lorapipeline.label.LabelService;
import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.lorapipeline.runtime.ServiceWiring;
import org.lorapipeline.status.RunStatusView;

/**
 * The whole pipeline in this JVM: the embedded stack, the services that exist so far, and the run-status view.
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
