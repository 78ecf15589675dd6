package org.lorapipeline.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.llama.LlamaConfig;
import org.lorapipeline.core.llama.TinyLlamaFolder;
import org.lorapipeline.core.run.LlamaBench;
import org.lorapipeline.core.run.SdBench;
import org.lorapipeline.core.sd.TinyStableDiffusion;
import org.lorapipeline.core.sd.unet.UNetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lora bench llama}: LoRA step time, tokens/s, memory and achieved FLOP/s on this machine. */
@Command(name = "bench", description = "Benchmarks: `llama` (LoRA training steps of a random LLaMA, tiny and ~100M parameters)"
        + ", `sd` (UNet LoRA step time and memory, tiny and SD 1.5 sizes), `ingest` (stack start, ingest throughput,"
        + " submitted->registered latency), `label` (CLIP labeling images/s) or `pipeline` (a tiny run via lora train vs"
        + " through the pipeline: overhead, submitted->started latency).")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WHAT", description = "llama, sd, ingest, label or pipeline.")
    String family;

    @Option(names = "--model", description = "label: a CLIP model folder (default: a generated tiny CLIP).")
    java.nio.file.Path model;

    @Option(names = "--images", defaultValue = "200", description = "ingest: images in the throughput dataset (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--runs", defaultValue = "50", description = "ingest: small submissions timed for latency (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--work-dir", defaultValue = "target/bench", description = "ingest: scratch folder (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path workDir;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--sizes", split = ",", defaultValue = "tiny,100m", description = "Configs to run: tiny, 100m, tiny-dp2 (tiny on 2 data-parallel replicas of the one device: a logic check, not a speed-up).")
    List<String> sizes;

    @Option(names = "--batch", defaultValue = "4", description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per row (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--steps", defaultValue = "5", description = "Timed steps per config (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--memory-steps", defaultValue = "0",
            description = "Instead: run this many tiny steps and print resident memory every tenth of them.")
    int memorySteps;

    @Override
    public Integer call() throws Exception {
        if (family.equals("label")) {
            LabelBenchmark.run(workDir, model, images == 200 ? 64 : images, batch, device, System.out);
            return 0;
        }
        if (family.equals("pipeline")) {
            PipelineBenchmark.run(workDir, steps == 5 ? 20 : steps, 3, System.out);
            return 0;
        }
        if (family.equals("ingest")) {
            IngestBenchmark.run(workDir, images, runs, System.out);
            return 0;
        }
        if (family.equals("sd")) {
            return benchSd();
        }
        if (!family.equals("llama")) {
            throw new UserException("bench " + family + ": use `llama`, `sd`, `ingest`, `label` or `pipeline`");
        }
        PrintWriter out = spec.commandLine().getOut();
        TorchRuntime rt;
        try {
            rt = TorchRuntime.open(device);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserException(e.getMessage(), e);
        }
        out.println("machine: " + LlamaBench.machine());
        out.println("engine:  " + rt);
        if (memorySteps > 0) {
            int every = Math.max(1, memorySteps / 10);
            out.printf("memory: tiny LLaMA, batch 4 x 64, %d steps%n%8s %12s %16s %14s%n", memorySteps, "step", "RSS MiB",
                    "JVM heap comm.", "heap used");
            var heap = java.lang.management.ManagementFactory.getMemoryMXBean();
            int[] step = {0};
            LlamaBench.memory(rt, memorySteps, every, kib -> {
                step[0] += every;
                var h = heap.getHeapMemoryUsage();
                out.printf("%8d %12.1f %12.1f MiB %10.1f MiB%n", step[0], kib / 1024.0, h.getCommitted() / 1048576.0,
                        h.getUsed() / 1048576.0);
                out.flush();
            });
            return 0;
        }
        double peak = LlamaBench.matmulPeakGflops(rt, rt.onGpu() ? 8192 : 2048, rt.onGpu() ? 50 : 5);
        out.printf("matmul peak (F32, best of 3): %.1f GFLOP/s%n", peak);
        out.printf("%-6s %12s %10s %9s %10s %12s %12s %12s %10s %8s%n", "config", "params", "trainable", "batch",
                "step s", "tokens/s", "peak RSS", "device mem", "GFLOP/s", "% peak");
        List<String> unknown = new ArrayList<>();
        for (String s : sizes) {
            LlamaConfig c = switch (s) {
                case "tiny", "tiny-dp2" -> TinyLlamaFolder.tinyConfig(TinyLlamaFolder.TINY_VOCAB);
                case "100m" -> TinyLlamaFolder.config100m();
                default -> null;
            };
            if (c == null) {
                unknown.add(s);
                continue;
            }
            // tiny-dp2: two data-parallel replicas on the one device, a logic check of the replica path, not a speed-up
            LlamaBench.Result r = LlamaBench.run(rt, s, c, batch, Math.min(seq, c.maxPositionEmbeddings()), steps,
                    s.endsWith("-dp2") ? 2 : 1);
            out.printf("%-6s %12s %10s %9s %10.3f %12.0f %12s %12s %10.1f %7.1f%%%n", r.name(), human(r.parameters()),
                    human(r.trainable()), r.batch() + "x" + r.seq(), r.stepSeconds(), r.tokensPerSec(),
                    mib(r.peakRssBytes()), mib(r.deviceBytes()), r.gflops(), 100 * r.gflops() / peak);
            out.flush();
        }
        if (!unknown.isEmpty()) {
            throw new UserException("unknown --sizes " + unknown + "; use tiny, tiny-dp2, 100m");
        }
        return 0;
    }

    @Option(names = "--sd-sizes", split = ",", defaultValue = "tiny",
            description = "sd: UNets to time: tiny, sd15 (full SD 1.5 UNet with random weights, ~3.5 GB, slow on CPU).")
    List<String> sdSizes;

    @Option(names = "--image", defaultValue = "256", description = "sd: image size in pixels (default: ${DEFAULT-VALUE}).")
    int image;

    private Integer benchSd() {
        PrintWriter out = spec.commandLine().getOut();
        TorchRuntime rt = TorchRuntime.open(device);
        out.println("machine: " + LlamaBench.machine());
        out.println("engine:  " + rt);
        out.printf("%-6s %10s %10s %7s %7s %10s %12s %12s%n", "unet", "params", "trainable", "batch", "image",
                "step s", "peak RSS", "peak heap");
        for (String s : sdSizes) {
            UNetConfig c = switch (s) {
                case "tiny" -> TinyStableDiffusion.UNET;
                case "sd15" -> UNetConfig.sd15();
                default -> throw new UserException("unknown --sd-sizes " + s + "; use tiny, sd15");
            };
            SdBench.Result r = SdBench.run(rt, s, c, 1, image, Math.max(1, Math.min(steps, s.equals("sd15") ? 3 : 20)));
            out.printf("%-6s %10s %10s %7d %7d %10.3f %12s %12s%n", r.name(), human(r.parameters()),
                    human(r.trainable()), r.batch(), r.imageSize(), r.stepSeconds(), mib(r.peakRssBytes()),
                    mib(r.peakHeapBytes()));
            out.flush();
        }
        return 0;
    }

    private static String human(long n) {
        return n >= 1_000_000 ? String.format("%.1fM", n / 1e6) : String.format("%,d", n);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%.0f MiB", bytes / 1048576.0);
    }
}
