package org.lorapipeline.cli;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.avro.specific.SpecificRecordBase;
import org.lorapipeline.events.DatasetRejected;
import org.lorapipeline.events.ModelExported;
import org.lorapipeline.events.TrainingFailed;
import org.lorapipeline.events.TrainingFinished;
import org.lorapipeline.events.TrainingProgressed;
import org.lorapipeline.events.TrainingStarted;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lora watch RUN}: a live progress bar from the run's {@code training.progressed} events; ends when the run
 * failed, or finished and every requested export arrived (or {@code --export-wait} passed), printing the
 * finished-model events.
 */
@Command(name = "watch", description = "Follow a run: live progress bar, then the finished-model event(s).")
public final class WatchCommand implements Callable<Integer> {
    @Mixin
    StackOptions stack;

    @Parameters(paramLabel = "RUN", description = "Run id (printed by lora submit).")
    String runId;

    @Option(names = "--export-wait", defaultValue = "120", description = "Seconds to wait for model.exported after training finished (default: ${DEFAULT-VALUE}).")
    int exportWait;

    @Option(names = "--timeout", defaultValue = "86400", description = "Give up after this many seconds (default: a day).")
    int timeout;

    @Override
    public Integer call() {
        return watch(stack.endpoints().bootstrapServers(), runId, Duration.ofSeconds(exportWait), Duration.ofSeconds(timeout));
    }

    /** Follows the run until it ends; 0 when it finished, 1 when it failed or was rejected, 2 on timeout. */
    static int watch(String bootstrap, String runId, Duration exportWait, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        long exportDeadline = Long.MAX_VALUE;
        TrainingFinished finished = null;
        Set<String> exported = new HashSet<>();
        ProgressBar bar = null;
        System.out.println("watching run " + runId + " (Ctrl-C stops watching, not the run)");
        try (RunEventStream events = new RunEventStream(bootstrap, runId)) {
            while (System.nanoTime() < Math.min(end, exportDeadline)) {
                for (SpecificRecordBase e : events.poll(Duration.ofMillis(500))) {
                    if (e instanceof TrainingStarted s) {
                        bar = closeBar(bar);
                        System.out.printf("started on %s (%s, attempt %d%s)%n", s.getWorkerId(), s.getDevice(),
                                s.getAttempt(), s.getResumedFromStep() == null ? "" : ", resumed from step " + s.getResumedFromStep());
                        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(s.getTotalSteps())
                                .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build();
                        if (s.getResumedFromStep() != null) {
                            bar.stepTo(s.getResumedFromStep());
                        }
                    } else if (e instanceof TrainingProgressed p && bar != null) {
                        bar.maxHint(p.getTotalSteps());
                        bar.stepTo(p.getStep());
                        bar.setExtraMessage(String.format("loss %.4f lr %.2e %.2f it/s", p.getLoss(), p.getLearningRate(), p.getItPerSec()));
                    } else if (e instanceof TrainingFinished f) {
                        if (bar != null) {
                            bar.stepTo(f.getSteps());
                        }
                        bar = closeBar(bar);
                        finished = f;
                        System.out.println(describe(f));
                        exportDeadline = System.nanoTime() + exportWait.toNanos();
                    } else if (e instanceof TrainingFailed f) {
                        closeBar(bar);
                        System.out.println("FAILED (" + f.getReason() + "): " + f.getMessage()
                                + (f.getLastCheckpoint() == null ? "" : "\n  last checkpoint: " + f.getLastCheckpoint().getKey()));
                        return 1;
                    } else if (e instanceof DatasetRejected r) {
                        System.out.println("REJECTED: the dataset was refused; see lora status " + runId);
                        return 1;
                    } else if (e instanceof ModelExported x) {
                        exported.add(x.getFormat());
                        System.out.println(describe(x));
                    }
                }
                if (finished != null && exported.containsAll(finished.getExportFormats())) {
                    return 0;
                }
            }
        }
        closeBar(bar);
        if (finished != null && exportWait.isZero()) {
            System.out.println("no export-service in this pipeline yet: the adapter above is the run's result");
            return 0;
        }
        if (finished != null) {
            System.out.println("training finished; exports still missing after " + exportWait.toSeconds() + " s: "
                    + finished.getExportFormats().stream().filter(f -> !exported.contains(f)).toList()
                    + " (is export-service running?)");
            return 0;
        }
        System.out.println("run " + runId + " did not end within " + timeout.toSeconds() + " s");
        return 2;
    }

    static String describe(TrainingFinished f) {
        return String.format("FINISHED %s after %d steps (final loss %.4f, worker %s, attempt %d)%n  adapter: s3://%s/%s%n  config:  s3://%s/%s%n  exports requested: %s",
                f.getRunId(), f.getSteps(), f.getFinalLoss(), f.getWorkerId(), f.getAttempt(), f.getAdapter().getBucket(),
                f.getAdapter().getKey(), f.getConfig().getBucket(), f.getConfig().getKey(), f.getExportFormats());
    }

    static String describe(ModelExported x) {
        return String.format("EXPORTED %s: s3://%s/%s (%d bytes, sha256 %s)%n  use: %s", x.getFormat(),
                x.getArtifact().getBucket(), x.getArtifact().getKey(), x.getArtifact().getSizeBytes(),
                x.getArtifact().getSha256(), x.getUsageHint());
    }

    private static ProgressBar closeBar(ProgressBar bar) {
        if (bar != null) {
            bar.close();
        }
        return null;
    }
}
