package org.lorapipeline.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.safetensors.TensorInfo;
import org.lorapipeline.core.safetensors.TensorSource;

/**
 * Reads HF-named tensors into F32 arrays, checking each shape against what config.json implies, and remembers
 * which names were used so unused checkpoint tensors can be reported.
 */
final class ClipWeights {
    private final TensorSource source;
    private final NDManager manager;
    private final String origin;
    private final Set<String> used = new HashSet<>();

    ClipWeights(TensorSource source, NDManager manager, String origin) {
        this.source = source;
        this.manager = manager;
        this.origin = origin;
    }

    NDManager manager() {
        return manager;
    }

    boolean contains(String name) {
        return source.contains(name);
    }

    NDArray get(String name, long... shape) {
        if (!source.contains(name)) {
            throw new IllegalArgumentException(origin + ": checkpoint has no tensor '" + name + "'; is this a Hugging"
                    + " Face CLIP checkpoint matching its config.json?");
        }
        TensorInfo info = source.info(name);
        if (!Arrays.equals(info.shape(), shape)) {
            throw new IllegalArgumentException(origin + ": tensor '" + name + "' has shape "
                    + Arrays.toString(info.shape()) + " but config.json implies " + Arrays.toString(shape));
        }
        used.add(name);
        return Tensors.create(manager, source.floats(name), shape);
    }

    /** A scalar (shape [] or [1]). */
    float scalar(String name) {
        if (!source.contains(name)) {
            throw new IllegalArgumentException(origin + ": checkpoint has no tensor '" + name + "'");
        }
        float[] v = source.floats(name);
        if (v.length != 1) {
            throw new IllegalArgumentException(origin + ": tensor '" + name + "' should be a scalar, has "
                    + v.length + " values");
        }
        used.add(name);
        return v[0];
    }

    /** Checkpoint tensors under {@code prefix} that no layer read (position_ids buffers are expected). */
    List<String> unused(String prefix) {
        return source.names().stream().filter(n -> n.startsWith(prefix) && !used.contains(n)
                && !n.endsWith("position_ids")).toList();
    }
}
