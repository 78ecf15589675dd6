package org.lorapipeline.core.run;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.peft.AdapterConfig;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.train.AdamW;
import org.lorapipeline.core.train.LoraTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint folders {@code output_dir/checkpoint-000500/}: the adapter as a PEFT directory (usable on its own),
 * {@code optimizer.safetensors} (AdamW moments as {@code exp_avg.<key>} / {@code exp_avg_sq.<key>}, F32) and
 * {@link TrainerState}. A folder is written under a temporary name and renamed, so a crash never leaves half a
 * checkpoint under a real name.
 */
public final class Checkpoints {
    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";

    private Checkpoints() {}

    public static String name(long step) {
        return String.format("checkpoint-%06d", step);
    }

    /** Writes the adapter files of a checkpoint into its (temporary) folder. */
    @FunctionalInterface
    public interface AdapterWriter {
        void write(Path dir) throws IOException;
    }

    /** AdamW moments read back from a checkpoint, by parameter key. */
    public record Moments(Map<String, float[]> first, Map<String, float[]> second) {}

    /** Writes a checkpoint of the current state and returns its folder. */
    public static Path save(Path outputDir, LoraModel lora, AdapterConfig adapterConfig, AdamW optimizer,
                            TrainerState state) throws IOException {
        return save(outputDir, dir -> LoraExports.peftAdapter(lora, adapterConfig).write(dir),
                optimizer.firstMoments(), optimizer.secondMoments(), optimizer.stepCount(), state);
    }

    /**
     * Writes a checkpoint folder atomically: the adapter files, the optimizer moments ({@value #OPTIMIZER_FILE})
     * and the trainer state.
     *
     * @param optimizerStep AdamW's step count, stored beside the moments
     */
    public static Path save(Path outputDir, AdapterWriter adapter, Map<String, NDArray> firstMoments,
                            Map<String, NDArray> secondMoments, long optimizerStep, TrainerState state)
            throws IOException {
        Files.createDirectories(outputDir);
        Path target = outputDir.resolve(name(state.globalStep()));
        Path tmp = outputDir.resolve("." + target.getFileName() + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        adapter.write(tmp);
        SafetensorsWriter w = new SafetensorsWriter().metadata("optimizer", "AdamW")
                .metadata("step", Long.toString(optimizerStep));
        for (Map.Entry<String, NDArray> e : firstMoments.entrySet()) {
            w.add("exp_avg." + e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue()), DType.F32);
        }
        for (Map.Entry<String, NDArray> e : secondMoments.entrySet()) {
            w.add("exp_avg_sq." + e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue()), DType.F32);
        }
        w.write(tmp.resolve(OPTIMIZER_FILE));
        state.write(tmp.resolve(TrainerState.FILE));
        if (Files.exists(target)) { // the same step saved again (e.g. cancel right after a periodic save)
            deleteTree(target);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        log.info("saved {}", target);
        return target;
    }

    /**
     * Loads a checkpoint into the adapter and the optimizer.
     *
     * @return its trainer state
     */
    public static TrainerState load(Path dir, LoraModel lora, LoraTrainer trainer) throws IOException {
        TrainerState state = TrainerState.read(dir.resolve(TrainerState.FILE));
        PeftAdapter adapter = PeftAdapter.read(dir);
        LoraExports.loadInto(lora, adapter, dir.toString());
        Moments moments = readOptimizer(dir);
        if (state.optimizerStep() > 0) {
            trainer.restoreOptimizer(state.optimizerStep(), moments.first(), moments.second());
        }
        restoreLossScaler(state, trainer, dir);
        return state;
    }

    /** The AdamW moments of a checkpoint folder. */
    public static Moments readOptimizer(Path dir) {
        Map<String, float[]> m = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        Path opt = dir.resolve(OPTIMIZER_FILE);
        if (!Files.isRegularFile(opt)) {
            throw new IllegalArgumentException(dir + " has no " + OPTIMIZER_FILE + "; it is an adapter, not a"
                    + " checkpoint: use network_weights to start a new run from it");
        }
        try (SafetensorsFile f = SafetensorsFile.open(opt)) {
            for (String n : f.names()) {
                if (n.startsWith("exp_avg_sq.")) {
                    v.put(n.substring("exp_avg_sq.".length()), f.floats(n));
                } else if (n.startsWith("exp_avg.")) {
                    m.put(n.substring("exp_avg.".length()), f.floats(n));
                }
            }
        }
        return new Moments(m, v);
    }

    /** fp16 resumes continue at the saved scale; mismatches between the checkpoint and this run are logged. */
    private static void restoreLossScaler(TrainerState state, LoraTrainer trainer, Path dir) {
        boolean scaling = trainer.lossScaler().enabled();
        if (state.lossScaler() != null && scaling) {
            trainer.lossScaler().restore(state.lossScaler());
            log.info("resume: loss scale {} (growth tracker {}) from {}", state.lossScaler().scale(),
                    state.lossScaler().growthTracker(), dir);
        } else if (state.lossScaler() != null) {
            log.info("resume: {} was saved with fp16 loss scaling; this run does not scale, the scale is dropped", dir);
        } else if (scaling) {
            log.info("resume: {} has no loss scale (fp32 run or older checkpoint); starting at {}", dir,
                    trainer.lossScaler().scale());
        }
    }

    /** Checkpoint folders under {@code outputDir}, oldest step first. */
    public static List<Path> list(Path outputDir) {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(outputDir)) {
            return s.filter(p -> Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()
                            && Files.isRegularFile(p.resolve(TrainerState.FILE)))
                    .sorted(Comparator.comparingLong(Checkpoints::step)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Optional<Path> latest(Path outputDir) {
        List<Path> all = list(outputDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    static long step(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Deletes the oldest checkpoints so that at most {@code keep} remain ({@code save_total_limit}; 0 = all). */
    public static List<Path> prune(Path outputDir, int keep) throws IOException {
        List<Path> all = new ArrayList<>(list(outputDir));
        List<Path> removed = new ArrayList<>();
        while (keep > 0 && all.size() > keep) {
            Path old = all.remove(0);
            deleteTree(old);
            removed.add(old);
            log.info("save_total_limit {}: removed {}", keep, old);
        }
        return removed;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
