package org.lorapipeline.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.lorapipeline.core.config.ConfigException;
import org.lorapipeline.core.config.ExportFormat;
import org.lorapipeline.core.config.ModelFamily;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.run.CancelFlag;
import org.lorapipeline.core.run.LoraRun;
import org.lorapipeline.core.run.RunListener;
import org.lorapipeline.core.run.RunProgress;
import org.lorapipeline.core.run.RunResult;
import org.lorapipeline.core.run.TrainingDivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lora train --config run.yaml}: a local LLaMA or Stable Diffusion LoRA run with a progress bar. Ctrl-C asks the run to stop
 * after the current step; the shutdown hook waits until its checkpoint is written, so the run can be resumed with
 * {@code resume_from: latest}.
 */
@Command(name = "train", description = "Train a LoRA locally from a run config (LLaMA text-generation or SD 1.5 text-to-image).")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The run config YAML.")
    Path configFile;

    @Option(names = "--no-progress", description = "Print one line per logged step instead of a progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RunConfig config;
        try {
            config = RunConfig.load(configFile).validatePaths();
        } catch (ConfigException e) {
            throw new UserException("config problems:\n" + e.getMessage());
        }
        CancelFlag cancel = new CancelFlag();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancel.cancel();
            System.err.println("\nlora: stopping after this step and saving a checkpoint...");
            try {
                finished.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lora-train-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        Progress progress = new Progress(out, config.output().logEveryNSteps(), noProgress,
                config.family() == ModelFamily.SD);
        try {
            RunResult r = LoraRun.run(config, Path.of("").toAbsolutePath(), progress, cancel);
            progress.close();
            if (r.status() == RunResult.Status.CANCELLED) {
                out.println("stopped at step " + r.steps() + "; checkpoint " + r.lastCheckpoint()
                        + "; continue with resume_from: latest (or that folder)");
                return 130;
            }
            out.printf("done: %d steps, final loss %.4f%s%n", r.steps(), lastFinite(r),
                    r.data() == null ? "" : "; " + r.data());
            r.exports().forEach((k, v) -> out.println("  " + k + ": " + v));
            out.println("  checkpoint: " + r.lastCheckpoint());
            Path kohya = r.exports().get(ExportFormat.KOHYA.yamlName());
            if (kohya != null) {
                out.println("copy " + kohya + " into stable-diffusion-webui/models/Lora (ComfyUI: models/loras) and"
                        + " prompt with <lora:" + config.output().outputName() + ":0.7>");
            }
            return 0;
        } catch (TrainingDivergedException e) {
            throw new UserException(e.getMessage(), e);
        } catch (ConfigException e) {
            throw new UserException("config problems:\n" + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // paths, data and adapter mismatches: the message names the file/key and what to do
            throw new UserException(e.getMessage(), e);
        } finally {
            progress.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it returns now that the latch is released
            }
        }
    }

    private static double lastFinite(RunResult r) {
        for (int i = r.losses().size() - 1; i >= 0; i--) {
            if (Double.isFinite(r.losses().get(i))) {
                return r.losses().get(i);
            }
        }
        return Double.NaN;
    }

    /** Progress bar (step, loss, lr, it/s, ETA) on stderr, or plain lines. */
    private static final class Progress implements RunListener {
        private final PrintWriter out;
        private final int every;
        private final boolean plain;
        private final boolean images;
        private ProgressBar bar;

        Progress(PrintWriter out, int every, boolean plain, boolean images) {
            this.out = out;
            this.every = every;
            this.plain = plain;
            this.images = images;
        }

        @Override
        public void started(long startStep, long totalSteps, String summary) {
            out.println(summary);
            out.flush();
            if (!plain) {
                bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalSteps)
                        .startsFrom(startStep, Duration.ZERO).setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(500).showSpeed().setUnit(" it", 1)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
            }
        }

        @Override
        public void step(RunProgress p) {
            String msg = String.format(" loss %.4f lr %.2e gn %.3f %.0f %s/s%s", p.loss(), p.learningRate(),
                    p.gradNorm(), p.tokensPerSec(), images ? "img" : "tok", p.skipped() ? " SKIPPED (NaN/Inf)" : "");
            if (bar != null) {
                bar.stepTo(p.step());
                bar.setExtraMessage(msg);
            } else if (p.step() % every == 0 || p.step() == p.totalSteps() || p.skipped()) {
                out.printf("step %d/%d epoch %.2f %s %.2f it/s ETA %s%n", p.step(), p.totalSteps(), p.epoch(), msg,
                        p.itPerSec(), format(p.eta()));
                out.flush();
            }
        }

        @Override
        public void latentsCached(int done, int total, int encoded) {
            if (done == total || done % Math.max(1, total / 10) == 0) {
                out.printf("caching latents: %d/%d (%d encoded)%n", done, total, encoded);
                out.flush();
            }
        }

        @Override
        public void samplesWritten(Path dir, long step) {
            if (bar == null) {
                out.println("samples at step " + step + " in " + dir);
            }
        }

        @Override
        public void checkpointSaved(Path dir, long step) {
            if (bar == null) {
                out.println("checkpoint " + dir);
            }
        }

        static String format(Duration d) {
            return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
        }

        void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
