package org.lorapipeline.core.kohya;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A LoRA read from a file.
 *
 * @param modules  per module down/up/alpha; module names are kohya names ({@code lora_unet_...}) for
 *                 {@link Format#KOHYA} until {@link #resolve}d, diffusers module paths for {@link Format#DIFFUSERS}
 * @param metadata the file's {@code __metadata__}
 * @param rank     the most common rank (the only one unless {@link #uniform()} is false; then see each module)
 * @param alpha    the most common alpha, as diffusers picks {@code lora_alpha} for kohya files
 * @param format   which layout the file used
 */
public record KohyaLora(List<LoraModuleWeights> modules, Map<String, String> metadata, int rank, float alpha,
                        Format format) {
    /** The two layouts the reader accepts. */
    public enum Format { KOHYA, DIFFUSERS }

    public KohyaLora {
        modules = List.copyOf(modules);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (format == null) {
            throw new IllegalArgumentException("format must not be null");
        }
    }

    /** Builds the record with rank and alpha taken as the most common per-module values. */
    static KohyaLora of(List<LoraModuleWeights> modules, Map<String, String> metadata, Format format) {
        return new KohyaLora(modules, metadata, mostCommon(modules, LoraModuleWeights::rank, 0),
                mostCommon(modules, LoraModuleWeights::alpha, 0f), format);
    }

    private static <T> T mostCommon(List<LoraModuleWeights> modules, Function<LoraModuleWeights, T> f, T empty) {
        Map<T, Integer> counts = new LinkedHashMap<>();
        modules.forEach(m -> counts.merge(f.apply(m), 1, Integer::sum));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(empty);
    }

    /** True when every module has the same rank and alpha. */
    public boolean uniform() {
        return modules.stream().allMatch(m -> m.rank() == rank && m.alpha() == alpha);
    }

    public Optional<LoraModuleWeights> module(String name) {
        return modules.stream().filter(m -> m.module().equals(name)).findFirst();
    }

    /**
     * Module paths for kohya names, matched against the modules the model has (e.g. {@code unet.} + each of
     * {@code UNet2DConditionModel.linears()} and {@code text_encoder.} + each of {@code ClipTextModel.linears()}).
     * Diffusers files already carry paths and are returned unchanged.
     *
     * @throws LoraFormatException listing the names that match no module
     */
    public KohyaLora resolve(Collection<String> knownModules) {
        if (format == Format.DIFFUSERS) {
            return this;
        }
        Function<String, Optional<String>> resolver = KohyaKeys.resolver(knownModules);
        List<LoraModuleWeights> out = new ArrayList<>(modules.size());
        List<String> unmatched = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (LoraModuleWeights m : modules) {
            Optional<String> path = resolver.apply(m.module());
            if (path.isEmpty()) {
                unmatched.add(m.module());
                continue;
            }
            if (seen.put(path.get(), m.module()) != null) {
                throw new LoraFormatException("LoRA names " + seen.get(path.get()) + " and " + m.module()
                        + " both address " + path.get());
            }
            out.add(m.withModule(path.get()));
        }
        if (!unmatched.isEmpty()) {
            throw new LoraFormatException(unmatched.size() + " LoRA modules match no module of the model, e.g. "
                    + unmatched.subList(0, Math.min(5, unmatched.size())) + "; is the LoRA for another architecture"
                    + " (SD 1.x vs SDXL)?");
        }
        return new KohyaLora(out, metadata, rank, alpha, format);
    }
}
