package org.lorapipeline.core.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.safetensors.TensorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoRA injected into a model's projections, PEFT-style: adapters on the modules that a {@code target_modules} entry
 * matches (the whole module path, or a suffix of it after a dot, as PEFT's {@code check_target_module_exists}: so
 * {@code q_proj} matches {@code model.layers.0.self_attn.q_proj} and {@code to_out.0} or {@code ff.net.2} match
 * diffusers paths whose last segment alone would be a bare number), A Kaiming-uniform (a = sqrt 5, i.e. U(+-1/sqrt(in))), B zero, so training starts from the
 * base model exactly. Only A and B require gradients; base weights are never touched until {@link #merge()}.
 */
public final class LoraModel {
    private static final Logger log = LoggerFactory.getLogger(LoraModel.class);
    /** PEFT saves keys as {@code base_model.model.<module>.lora_A.weight} (adapter name stripped). */
    public static final String PEFT_PREFIX = "base_model.model.";

    private final LoraConfig config;
    private final Map<String, LoraLinear> targets;
    private final Map<String, NDArray> parameters;

    private LoraModel(LoraConfig config, Map<String, LoraLinear> targets, Map<String, NDArray> parameters) {
        this.config = config;
        this.targets = Collections.unmodifiableMap(targets);
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /**
     * Adds fresh adapters to every projection in {@code linears} that a target matches.
     *
     * @param linears  the model's projections by module path; the map key is the module name used for keys and
     *                 matching (it may carry a prefix such as {@code unet.} when several models share one adapter)
     * @param manager  long-lived manager that owns the adapter weights (the model's)
     * @param seed     seeds the A initialisation (Java RNG, so it is the same on every device)
     * @throws IllegalArgumentException when a target names no module, listing the module kinds that exist
     */
    public static LoraModel inject(Map<String, LoraLinear> linears, LoraConfig config, NDManager manager, long seed) {
        List<String> unknown = new ArrayList<>();
        for (String t : config.targetModules()) {
            if (linears.keySet().stream().noneMatch(name -> matches(name, t))) {
                unknown.add(t);
            }
        }
        if (!unknown.isEmpty()) {
            TreeSet<String> available = new TreeSet<>();
            linears.keySet().forEach(n -> available.add(moduleKind(n)));
            throw new IllegalArgumentException("target_modules " + unknown + " match no module; available: "
                    + available);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, LoraLinear> targets = new LinkedHashMap<>();
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (Map.Entry<String, LoraLinear> e : linears.entrySet()) {
            String name = e.getKey();
            LoraLinear l = e.getValue();
            if (config.targetModules().stream().noneMatch(t -> matches(name, t))) {
                continue;
            }
            int in = (int) l.inFeatures();
            int out = (int) l.outFeatures();
            float bound = (float) (1.0 / Math.sqrt(in));
            float[] a = new float[config.r() * in];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            NDArray aArr = Tensors.create(manager, a, config.r(), in);
            NDArray bArr = manager.zeros(new Shape(out, config.r()));
            aArr.setRequiresGradient(true);
            bArr.setRequiresGradient(true);
            l.attach(new LoraAdapter(aArr, bArr, config.scale(), (float) config.loraDropout()));
            targets.put(name, l);
            params.put(keyA(name), aArr);
            params.put(keyB(name), bArr);
        }
        log.info("LoRA r={} alpha={} scale={} on {} modules ({} trainable values)", config.r(), config.loraAlpha(),
                config.scale(), targets.size(), params.values().stream().mapToLong(NDArray::size).sum());
        return new LoraModel(config, targets, params);
    }

    /** PEFT's rule: a target matches the whole module path or a dot-separated suffix of it. */
    public static boolean matches(String module, String target) {
        return module.equals(target) || module.endsWith("." + target);
    }

    /**
     * What a user would write in target_modules for this module: its last path segment, or the last two when the
     * last is a list index ({@code to_out.0}, {@code net.2}), which alone would name nothing.
     */
    static String moduleKind(String module) {
        int dot = module.lastIndexOf('.');
        String last = module.substring(dot + 1);
        if (dot > 0 && last.chars().allMatch(Character::isDigit)) {
            int prev = module.lastIndexOf('.', dot - 1);
            return module.substring(prev + 1);
        }
        return last;
    }

    /** The adapted projections by module name (the keys given to {@link #inject}), in model order. */
    public Map<String, LoraLinear> targets() {
        return targets;
    }

    public static String keyA(String module) {
        return PEFT_PREFIX + module + ".lora_A.weight";
    }

    public static String keyB(String module) {
        return PEFT_PREFIX + module + ".lora_B.weight";
    }

    public LoraConfig config() {
        return config;
    }

    /** The trainable arrays by PEFT key (A then B per module, in model order). */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Number of trainable values. */
    public long trainableCount() {
        return parameters.values().stream().mapToLong(NDArray::size).sum();
    }

    /**
     * Copies existing adapter values in (incremental training, or applying a PEFT adapter). Every key of this model
     * must be present with the same shape; extra keys in {@code tensors} are an error too, since silently ignoring
     * them (as PEFT 0.13 does) hides a rank or target mismatch.
     */
    public void load(Map<String, LoraTensor> tensors, String source) {
        List<String> missing = new ArrayList<>();
        for (String k : parameters.keySet()) {
            if (!tensors.containsKey(k)) {
                missing.add(k);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : tensors.keySet()) {
            if (!parameters.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(source + ": adapter does not match target_modules/r: missing "
                    + head(missing) + ", unexpected " + head(unexpected));
        }
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            LoraTensor t = tensors.get(e.getKey());
            Shape want = e.getValue().getShape();
            if (!new Shape(t.shape()).equals(want)) {
                throw new IllegalArgumentException(source + ": " + e.getKey() + " has shape "
                        + new Shape(t.shape()) + ", expected " + want + " (check r)");
            }
            e.getValue().set(t.values());
        }
    }

    /** Loads a PEFT {@code adapter_model.safetensors} (or any source with PEFT keys) into the adapters. */
    public void load(TensorSource source, String name) {
        Map<String, LoraTensor> tensors = new LinkedHashMap<>();
        for (String k : source.names()) {
            tensors.put(k, new LoraTensor(k, source.info(k).shape(), source.floats(k)));
        }
        load(tensors, name);
    }

    private static List<String> head(List<String> keys) {
        return keys.size() <= 5 ? keys : keys.subList(0, 5);
    }

    /** The adapter as PEFT keys and F32 values, ready for a safetensors writer. */
    public Map<String, LoraTensor> export() {
        Map<String, LoraTensor> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> out.put(k, new LoraTensor(k, Tensors.shape(v), Tensors.toFloats(v))));
        return out;
    }

    /** Folds every adapter into its base weight (W' = W + scale B A) and removes the adapters. */
    public void merge() {
        targets.values().forEach(LoraLinear::merge);
    }
}
