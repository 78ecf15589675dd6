package org.lorapipeline.core.sd;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.safetensors.SafetensorsException;
import org.lorapipeline.core.safetensors.TensorInfo;
import org.lorapipeline.core.safetensors.TensorSource;

/**
 * A view of some tensors of another source under new names, optionally with a new shape of the same size (LDM's
 * (C, C, 1, 1) attention convolutions seen as (C, C) linears). Reads go to the underlying source; closing the view
 * does not close it, since several views (unet, vae, text encoder) share one single-file checkpoint.
 */
public final class RenamedTensorSource implements TensorSource {
    /** Where a renamed tensor comes from and the shape it is seen with. */
    public record Entry(String sourceName, long[] shape) {}

    private final TensorSource source;
    private final Map<String, Entry> entries;

    /** @param entries new name -> (source name, shape or null to keep the source shape), in the order to list */
    public RenamedTensorSource(TensorSource source, Map<String, Entry> entries) {
        this.source = source;
        Map<String, Entry> checked = new LinkedHashMap<>();
        entries.forEach((name, e) -> {
            TensorInfo info = source.info(e.sourceName());
            long[] shape = e.shape() == null ? info.shape() : e.shape();
            if (new TensorInfo(name, info.dtype(), shape, 0, 0).numel() != info.numel()) {
                throw new IllegalArgumentException("tensor '" + e.sourceName() + "' " + java.util.Arrays.toString(
                        info.shape()) + " cannot be seen as '" + name + "' " + java.util.Arrays.toString(shape));
            }
            checked.put(name, new Entry(e.sourceName(), shape));
        });
        this.entries = Collections.unmodifiableMap(checked);
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new SafetensorsException("no tensor named '" + name + "' in this part of the checkpoint");
        }
        return e;
    }

    /** The underlying name of a tensor of this view. */
    public String sourceName(String name) {
        return entry(name).sourceName();
    }

    @Override
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    @Override
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        Entry e = entry(name);
        TensorInfo info = source.info(e.sourceName());
        return new TensorInfo(name, info.dtype(), e.shape(), info.begin(), info.end());
    }

    @Override
    public float[] floats(String name) {
        return source.floats(entry(name).sourceName());
    }

    @Override
    public long[] longs(String name) {
        return source.longs(entry(name).sourceName());
    }

    @Override
    public ByteBuffer bytes(String name) {
        return source.bytes(entry(name).sourceName());
    }

    @Override
    public Map<String, String> metadata() {
        return source.metadata();
    }

    @Override
    public void close() {
        // the underlying source belongs to whoever opened it
    }
}
