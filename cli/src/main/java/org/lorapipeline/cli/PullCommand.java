package org.lorapipeline.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.runtime.ChecksumMismatchException;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lora pull RUN --format F [-o DIR] [--wait]}: download a finished run's export, verified. */
@Command(name = "pull", description = "Download a run's exported model (kohya, diffusers, peft, gguf or merged),"
        + " every file checked against its sha256. Without --format, lists the formats that are ready.")
public final class PullCommand implements Callable<Integer> {
    @Mixin
    StackOptions stack;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run (as printed by lora submit / lora status).")
    String runId;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "kohya, diffusers, peft, gguf or merged.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Target folder (default: ./<RUN_ID>/<FORMAT>).")
    Path output;

    @Option(names = "--wait", description = "Wait until the export appears (export-service writes it after training).")
    boolean waitForIt;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "How long --wait waits (default: ${DEFAULT-VALUE} s).")
    long timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (ObjectStore store = ObjectStore.connect(stack.serviceConfig("lora-cli"))) {
            RunExports exports = new RunExports(store, runId);
            if (format == null) {
                List<String> ready = exports.formats();
                if (ready.isEmpty()) {
                    throw new UserException("run " + runId + " has no exports yet; check `lora status " + runId
                            + "`, or add --format F --wait to wait for one");
                }
                out.println("exports of run " + runId + ": " + String.join(", ", ready));
                out.println("download one with: lora pull " + runId + " --format " + ready.get(0) + " -o DIR");
                return 0;
            }
            ObjectRef index = find(exports);
            Path dir = output != null ? output : Path.of(runId, format);
            List<ObjectTree.Entry> files;
            try {
                files = exports.download(index, dir);
            } catch (ChecksumMismatchException e) {
                throw new UserException(e.getMessage());
            }
            for (ObjectTree.Entry f : files) {
                out.printf("%12d  %s  %s%n", f.ref().getSizeBytes(), f.ref().getSha256().substring(0, 12),
                        dir.resolve(f.path()));
            }
            out.println(format + " export of run " + runId + ": " + files.size() + " file(s) in "
                    + dir.toAbsolutePath().normalize() + ", sha256 verified");
            return 0;
        }
    }

    private ObjectRef find(RunExports exports) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (true) {
            Optional<ObjectRef> index = exports.index(format);
            if (index.isPresent()) {
                return index.get();
            }
            if (!waitForIt || System.nanoTime() > deadline) {
                List<String> ready = exports.formats();
                throw new UserException("run " + runId + " has no " + format + " export"
                        + (waitForIt ? " after " + timeoutSeconds + " s" : "") + "; ready: "
                        + (ready.isEmpty() ? "none" : String.join(", ", ready))
                        + (waitForIt ? "" : " (add --wait to wait for it)"));
            }
            Thread.sleep(1000);
        }
    }
}
