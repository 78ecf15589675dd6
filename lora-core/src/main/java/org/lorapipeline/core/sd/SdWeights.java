package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.safetensors.TensorSource;

/**
 * Looks up a component's weights by their diffusers names and checks every shape against what the config implies,
 * so a wrong checkpoint or config fails naming the tensor. Remembers which names were used so the loader can
 * report leftovers. Arrays are widened to F32 in Java (the reader returns float[] for F16/BF16/F32).
 */
public final class SdWeights {
    private final TensorSource source;
    private final NDManager manager;
    private final String component;
    private final Set<String> used = new LinkedHashSet<>();
    /** Non-null in recording mode: every requested name and shape, answered with zeros. */
    private final Map<String, long[]> recorded;

    /**
     * @param component what the source holds ({@code unet}, {@code vae}), used in error messages
     */
    public SdWeights(TensorSource source, NDManager manager, String component) {
        this.source = source;
        this.manager = manager;
        this.component = component;
        this.recorded = null;
    }

    private SdWeights(NDManager manager, String component) {
        this.source = null;
        this.manager = manager;
        this.component = component;
        this.recorded = new java.util.LinkedHashMap<>();
    }

    /**
     * Weights that answer every request with zeros and record the name and shape: building a model with them lists
     * exactly the tensors a checkpoint for that config must hold (what the tiny-model writer generates).
     */
    public static SdWeights recorder(NDManager manager, String component) {
        return new SdWeights(manager, component);
    }

    /** Names and shapes asked for so far, in model order (recording mode only). */
    public Map<String, long[]> recorded() {
        if (recorded == null) {
            throw new IllegalStateException("not a recorder");
        }
        return java.util.Collections.unmodifiableMap(recorded);
    }

    public NDManager manager() {
        return manager;
    }

    /** The tensor {@code name} as an F32 array of exactly {@code shape}. */
    public NDArray get(String name, long... shape) {
        if (recorded != null) {
            if (recorded.put(name, shape.clone()) != null) {
                throw new IllegalStateException("tensor '" + name + "' requested twice");
            }
            return manager.zeros(new Shape(shape));
        }
        if (!source.contains(name)) {
            throw new IllegalArgumentException(component + " checkpoint has no tensor '" + name + "'; the weights do"
                    + " not match the " + component + " config (block_out_channels, layers_per_block, block types)");
        }
        long[] actual = source.info(name).shape();
        if (!new Shape(actual).equals(new Shape(shape))) {
            throw new IllegalArgumentException(component + " tensor '" + name + "' has shape " + new Shape(actual)
                    + " but the config implies " + new Shape(shape));
        }
        used.add(name);
        return Tensors.create(manager, source.floats(name), shape);
    }

    /** A convolution {@code module}.weight (out, in, k, k) + {@code module}.bias (out). */
    public Conv2dLayer conv(String module, long out, long in, int kernel, int stride, int padding) {
        return new Conv2dLayer(get(module + ".weight", out, in, kernel, kernel), get(module + ".bias", out), stride,
                padding);
    }

    /**
     * A projection {@code module}.weight (out, in), optionally with a bias, as a {@link LoraLinear} named by the
     * diffusers module path; {@code registry} (nullable) collects the LoRA-targetable ones.
     */
    public LinearLayer linear(String module, long out, long in, boolean bias, Map<String, LoraLinear> registry) {
        return linearOf(module, get(module + ".weight", out, in), bias ? get(module + ".bias", out) : null, registry);
    }

    /**
     * A 1x1 convolution (out, in, 1, 1) used as a projection over tokens (SD1's proj_in/proj_out), stored
     * squeezed to (out, in); mathematically the same map, and it lets LoRA treat it as a linear.
     */
    public LinearLayer pointwiseConvAsLinear(String module, long out, long in, Map<String, LoraLinear> registry) {
        NDArray w = get(module + ".weight", out, in, 1, 1).reshape(out, in);
        return linearOf(module, w, get(module + ".bias", out), registry);
    }

    private static LinearLayer linearOf(String module, NDArray w, NDArray b, Map<String, LoraLinear> registry) {
        LoraLinear l = new LoraLinear(module, w);
        if (registry != null) {
            registry.put(module, l);
        }
        return new LinearLayer(l, b);
    }

    public GroupNormLayer groupNorm(String module, long channels, int groups, float eps) {
        return new GroupNormLayer(get(module + ".weight", channels), get(module + ".bias", channels), groups, eps);
    }

    public LayerNormLayer layerNorm(String module, long dim, float eps) {
        return new LayerNormLayer(get(module + ".weight", dim), get(module + ".bias", dim), eps);
    }

    /** Source tensors that no layer asked for (a checkpoint with extra parts, or a config that is too small). */
    public List<String> unused() {
        List<String> out = new ArrayList<>();
        if (source == null) {
            return out;
        }
        for (String n : source.names()) {
            if (!used.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
