package org.lorapipeline.core.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * Named tensors read lazily from safetensors storage: one file ({@link SafetensorsFile}) or a sharded
 * checkpoint ({@link ShardedSafetensors}). Data is read per tensor on demand; nothing is loaded up front.
 */
public interface TensorSource extends AutoCloseable {

    /** Tensor names; for one file in data-offset order, for shards in weight_map order. */
    List<String> names();

    boolean contains(String name);

    /** Header entry of a tensor; throws {@link SafetensorsException} naming the file when absent. */
    TensorInfo info(String name);

    /** Values of an F32, F16, BF16 or F64 tensor widened/narrowed to float, C order. */
    float[] floats(String name);

    /** Values of an integer or BOOL tensor as long (U64 above 2^63 wraps, as Java has no unsigned long). */
    long[] longs(String name);

    /** Raw little-endian bytes of a tensor (at most 2 GiB), read-only. */
    ByteBuffer bytes(String name);

    /** The {@code __metadata__} map of the file (of the first shard for a sharded checkpoint). */
    Map<String, String> metadata();

    default FloatTensor tensor(String name) {
        return new FloatTensor(info(name).shape(), floats(name));
    }

    /** Values of an integer tensor that fits int (I32 and narrower), e.g. position or token ids. */
    default int[] ints(String name) {
        TensorInfo info = info(name);
        long[] v = longs(name);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != (int) v[i]) {
                throw new SafetensorsException("tensor '" + name + "' (" + info.dtype() + ") value " + v[i]
                        + " at index " + i + " does not fit an int; read it with longs()");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    @Override
    void close();

    /**
     * Opens a file, a {@code *.safetensors.index.json}, or a directory holding {@code model.safetensors.index.json},
     * {@code model.safetensors} or exactly one {@code *.safetensors}.
     */
    static TensorSource open(Path path) {
        if (Files.isDirectory(path)) {
            Path index = path.resolve("model.safetensors.index.json");
            if (Files.isRegularFile(index)) {
                return ShardedSafetensors.open(index);
            }
            Path single = path.resolve("model.safetensors");
            if (Files.isRegularFile(single)) {
                return SafetensorsFile.open(single);
            }
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(path, "*.safetensors")) {
                ds.forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + path, e);
            }
            if (found.size() != 1) {
                throw new SafetensorsException(path + ": expected model.safetensors.index.json, model.safetensors"
                        + " or exactly one *.safetensors file, found " + found.size() + " safetensors files");
            }
            return SafetensorsFile.open(found.get(0));
        }
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".json")) {
            return ShardedSafetensors.open(path);
        }
        return SafetensorsFile.open(path);
    }
}
