package org.lorapipeline.core.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.lorapipeline.core.config.ConfigKey;
import org.lorapipeline.core.config.ConfigKeys;
import org.lorapipeline.core.config.ConfigOrigin;
import org.lorapipeline.core.config.LoraSection;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.peft.AdapterConfig;
import org.lorapipeline.core.peft.PeftAdapter;

/**
 * Where the adapter starts: fresh (PEFT init) or, for incremental training, an existing PEFT adapter named by
 * {@code network_weights} (its folder, or its {@code adapter_model.safetensors}). An existing adapter fixes rank,
 * alpha, rsLoRA and targets; the config may repeat them but must not contradict them.
 *
 * @param loraConfig the LoRA shape to inject
 * @param start      values to load after injection, or null for a fresh adapter
 */
record InitialAdapter(LoraConfig loraConfig, PeftAdapter start, Path source) {

    static InitialAdapter resolve(RunConfig config, Path networkWeights) {
        LoraSection l = config.lora();
        if (networkWeights == null) {
            return new InitialAdapter(new LoraConfig(l.rank(), l.alpha(), l.dropout(), l.targetModules(), l.useRslora()),
                    null, null);
        }
        Path dir = Files.isDirectory(networkWeights) ? networkWeights : networkWeights.getParent();
        if (!Files.isRegularFile(dir.resolve(PeftAdapter.CONFIG_FILE))) {
            throw new IllegalArgumentException("network_weights: " + networkWeights + " is not a PEFT adapter (no "
                    + PeftAdapter.CONFIG_FILE + " in " + dir + "); give a folder written by PEFT save_pretrained or"
                    + " by this tool");
        }
        PeftAdapter adapter = PeftAdapter.read(dir);
        AdapterConfig ac = adapter.config();
        List<String> targets;
        try {
            targets = ac.targetModuleNames();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("network_weights: " + dir + ": " + e.getMessage()
                    + "; only adapters with a target_modules list can be continued", e);
        }
        ConfigOrigin origin = config.origin();
        List<String> conflicts = new ArrayList<>();
        check(conflicts, origin, ConfigKeys.LORA_RANK, l.rank() == ac.r(), l.rank(), ac.r(), "r");
        check(conflicts, origin, ConfigKeys.LORA_ALPHA, l.alpha() == ac.lora_alpha(), l.alpha(), ac.lora_alpha(),
                "lora_alpha");
        check(conflicts, origin, ConfigKeys.USE_RSLORA, l.useRslora() == ac.use_rslora(), l.useRslora(),
                ac.use_rslora(), "use_rslora");
        check(conflicts, origin, ConfigKeys.TARGET_MODULES,
                new HashSet<>(l.targetModules()).equals(new HashSet<>(targets)), l.targetModules(), targets,
                "target_modules");
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("network_weights " + dir + " does not match the config: "
                    + String.join("; ", conflicts) + ". Remove these keys from " + origin.source()
                    + " (they are taken from the adapter) or make them match");
        }
        return new InitialAdapter(new LoraConfig(ac.r(), ac.lora_alpha(), l.dropout(), targets, ac.use_rslora()),
                adapter, dir);
    }

    private static void check(List<String> conflicts, ConfigOrigin origin, ConfigKey key, boolean same, Object mine,
                              Object theirs, String adapterKey) {
        if (!same && origin.isWritten(key)) {
            ConfigOrigin.WrittenKey w = origin.written().get(key.name());
            conflicts.add(w.name() + ": " + mine + " (line " + w.position().line() + ") but adapter_config.json has "
                    + adapterKey + " " + theirs);
        }
    }

    void applyTo(LoraModel lora) {
        if (start != null) {
            LoraExports.loadInto(lora, start, source.toString());
        }
    }
}
