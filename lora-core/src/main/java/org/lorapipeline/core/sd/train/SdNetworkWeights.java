package org.lorapipeline.core.sd.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.config.ConfigKey;
import org.lorapipeline.core.config.ConfigKeys;
import org.lorapipeline.core.config.ConfigOrigin;
import org.lorapipeline.core.config.LoraSection;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.kohya.KohyaLora;
import org.lorapipeline.core.kohya.KohyaLoraFile;
import org.lorapipeline.core.kohya.LoraFormatException;
import org.lorapipeline.core.kohya.LoraModuleWeights;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.lora.LoraTensor;

/**
 * Where a Stable Diffusion adapter starts: fresh, or (incremental training, kohya's {@code network_weights}) the
 * modules of an existing kohya/A1111 or diffusers LoRA file. An existing file fixes rank, alpha and the adapted
 * modules; the config may repeat {@code lora_rank}/{@code lora_alpha} but must not contradict them.
 *
 * @param loraConfig the LoRA shape to inject (targets: module-name targets over {@link SdLoraTargets#linears})
 * @param start      adapter values by LoRA key to load after injection, empty for a fresh adapter
 * @param source     the file they came from, or null
 */
public record SdNetworkWeights(LoraConfig loraConfig, Map<String, LoraTensor> start, Path source) {

    /**
     * @param knownModules every module LoRA could go into, prefixed (UNet and the whole text encoder), to resolve
     *                     kohya names and to tell what a file covers
     */
    public static SdNetworkWeights resolve(RunConfig config, Path networkWeights, Collection<String> knownModules) {
        LoraSection l = config.lora();
        boolean trainText = config.diffusion().trainTextEncoder();
        if (networkWeights == null) {
            return new SdNetworkWeights(new LoraConfig(l.rank(), l.alpha(), l.dropout(),
                    SdLoraTargets.expand(l.targetModules(), trainText), l.useRslora()), Map.of(), null);
        }
        if (!Files.isRegularFile(networkWeights)) {
            throw new IllegalArgumentException("network_weights: " + networkWeights + " is not a file; give a kohya"
                    + " (A1111) .safetensors LoRA or a diffusers pytorch_lora_weights.safetensors");
        }
        KohyaLora file;
        try {
            file = KohyaLoraFile.read(networkWeights).resolve(knownModules);
        } catch (LoraFormatException e) {
            throw new IllegalArgumentException("network_weights: " + e.getMessage()
                    + " (is it a LoRA for Stable Diffusion 1.x?)", e);
        }
        if (!file.uniform()) {
            throw new IllegalArgumentException("network_weights " + networkWeights + " mixes ranks/alphas between"
                    + " modules; only LoRAs with one rank and alpha can be continued");
        }
        int rank = file.rank();
        double alpha = file.alpha() == 0 ? rank : file.alpha(); // kohya reads alpha 0/None as scale 1
        List<String> conflicts = new ArrayList<>();
        ConfigOrigin origin = config.origin();
        check(conflicts, origin, ConfigKeys.LORA_RANK, l.rank() == rank, l.rank(), "rank " + rank);
        check(conflicts, origin, ConfigKeys.LORA_ALPHA, l.alpha() == alpha, l.alpha(), "alpha " + alpha);
        check(conflicts, origin, ConfigKeys.USE_RSLORA, !l.useRslora(), true, "kohya's alpha/rank scaling");
        long text = file.modules().stream().filter(m -> m.module().startsWith(SdLoraTargets.TEXT_ENCODER)).count();
        if (text > 0 && !trainText) {
            conflicts.add("train_text_encoder is false but the file has " + text + " text encoder modules (set"
                    + " train_text_encoder: true to continue them)");
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("network_weights " + networkWeights + " does not match the config: "
                    + String.join("; ", conflicts) + ". Remove these keys from " + origin.source()
                    + " (they are taken from the LoRA file) or make them match");
        }
        Map<String, LoraTensor> start = new LinkedHashMap<>();
        List<String> targets = new ArrayList<>();
        for (LoraModuleWeights m : file.modules()) {
            targets.add(m.module());
            long in = m.inFeatures();
            String a = LoraModel.keyA(m.module());
            String b = LoraModel.keyB(m.module());
            start.put(a, new LoraTensor(a, new long[] {rank, in}, m.down().data()));
            start.put(b, new LoraTensor(b, new long[] {m.outFeatures(), rank}, m.up().data()));
        }
        return new SdNetworkWeights(new LoraConfig(rank, alpha, l.dropout(), targets, false), start, networkWeights);
    }

    private static void check(List<String> conflicts, ConfigOrigin origin, ConfigKey key, boolean same, Object mine,
                              String theirs) {
        if (!same && origin.isWritten(key)) {
            ConfigOrigin.WrittenKey w = origin.written().get(key.name());
            conflicts.add(w.name() + ": " + mine + " (line " + w.position().line() + ") but the file has " + theirs);
        }
    }

    /** True when the file has text encoder modules (they need the text encoder's projections injected). */
    public boolean coversTextEncoder() {
        return loraConfig.targetModules().stream().anyMatch(t -> t.startsWith(SdLoraTargets.TEXT_ENCODER));
    }

    /** Loads the starting values, if any, into the injected adapters. */
    public void applyTo(LoraModel lora) {
        if (!start.isEmpty()) {
            lora.load(start, source.toString());
        }
    }
}
