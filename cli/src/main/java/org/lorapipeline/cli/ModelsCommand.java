package org.lorapipeline.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.runtime.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lora models follow}: the downstream-consumer example (see {@link ModelFollower} and docs/downstream.md). */
@Command(name = "models", description = "Finished models, as downstream services see them.",
        subcommands = ModelsCommand.Follow.class)
public final class ModelsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "follow", description = "Print every model.exported event as it arrives (oldest first on the first"
            + " run of a consumer group), optionally downloading the files.")
    static final class Follow implements Callable<Integer> {
        @Mixin
        StackOptions stack;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--run", paramLabel = "RUN_ID", description = "Only models of this run.")
        String runId;

        @Option(names = "--download", paramLabel = "DIR", description = "Download each model into DIR/<run>/<format>/.")
        Path download;

        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "Only this format (repeatable).")
        java.util.List<String> formats;

        @Option(names = "--group", defaultValue = "lora-models-follow",
                description = "Consumer group; a new name starts from the oldest event (default: ${DEFAULT-VALUE}).")
        String group;

        @Option(names = "--count", paramLabel = "N", defaultValue = "0",
                description = "Exit after N models (default: run until Ctrl-C).")
        int count;

        @Override
        public Integer call() throws InterruptedException {
            var endpoints = stack.endpoints();
            java.io.PrintWriter out = spec.commandLine().getOut();
            try (ObjectStore store = ObjectStore.connect(stack.serviceConfig("lora-cli"));
                 ModelFollower follower = new ModelFollower(endpoints.bootstrapServers(), group, store)) {
                CountDownLatch done = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    follower.wakeup();
                    try {
                        done.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "lora-follow-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    follower.run(event -> {
                        if (formats != null && !formats.contains(event.getFormat())
                                || runId != null && !runId.equals(event.getRunId())) {
                            return false;
                        }
                        out.println(line(event));
                        if (download != null) {
                            out.println("  downloaded to " + follower.download(event, download).toAbsolutePath().normalize());
                        }
                        out.flush();
                        return true;
                    }, count);
                } finally {
                    done.countDown();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // the JVM is already shutting down: the hook is running
                    }
                }
            }
            return 0;
        }

        static String line(ModelExported e) {
            return String.format("%s  %-9s %-6s s3://%s/%s  %d bytes  sha256 %s%n  event %s%n  %s", e.getRunId(),
                    e.getFormat(), e.getModelType(), e.getArtifact().getBucket(), e.getArtifact().getKey(),
                    e.getArtifact().getSizeBytes(), e.getArtifact().getSha256().substring(0, 12), e.getEventId(),
                    e.getUsageHint());
        }
    }
}
