package org.lorapipeline.core.safetensors;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lorapipeline.core.tensor.AtomicFiles;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.core.tensor.HalfFloats;

/**
 * Builds a safetensors file byte-identical to the Python library's writer for the same tensors and metadata:
 * tensors sorted by dtype (widest first) then name, compact header with {@code __metadata__} first, padded with
 * spaces to 8 bytes. Metadata always carries {@code format: pt} (transformers refuses files without it); other
 * metadata keys keep insertion order (Python's order is per-process random, so only parsed headers compare).
 * The file is written atomically.
 */
public final class SafetensorsWriter {
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** One tensor waiting to be written; encodes itself into the stream at write time. */
    private record Pending(String name, DType dtype, long[] shape, long byteLength, Encoder encoder) {}

    @FunctionalInterface
    private interface Encoder {
        void write(OutputStream out) throws IOException;
    }

    public SafetensorsWriter() {
        metadata.put("format", "pt");
    }

    /** Adds a metadata entry (string to string, as the format requires). */
    public SafetensorsWriter metadata(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("metadata key and value must not be null (key: " + key + ")");
        }
        metadata.put(key, value);
        return this;
    }

    public SafetensorsWriter metadata(Map<String, String> entries) {
        entries.forEach(this::metadata);
        return this;
    }

    /** Adds float data stored as {@code dtype} (F32, F16 or BF16; F64 widens). Data is read at write time. */
    public SafetensorsWriter add(String name, long[] shape, float[] data, DType dtype) {
        if (!dtype.isReadableAsFloat()) {
            throw new IllegalArgumentException("tensor '" + name + "': cannot store float data as " + dtype);
        }
        long numel = FloatTensor.numel(shape);
        if (numel != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + numel + " values but " + data.length + " were given");
        }
        return put(name, dtype, shape, numel * (dtype.bits() / 8), out -> writeFloats(out, data, dtype));
    }

    public SafetensorsWriter add(String name, FloatTensor tensor, DType dtype) {
        return add(name, tensor.shape(), tensor.data(), dtype);
    }

    /** Adds integer data stored as I64, I32, I16 or I8 (values must fit). */
    public SafetensorsWriter addIntegers(String name, long[] shape, long[] data, DType dtype) {
        int width = switch (dtype) {
            case I64, U64 -> 8;
            case I32, U32 -> 4;
            case I16, U16 -> 2;
            case I8, U8, BOOL -> 1;
            default -> throw new IllegalArgumentException("tensor '" + name + "': " + dtype + " is not an integer type");
        };
        if (FloatTensor.numel(shape) != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " does not match " + data.length + " values");
        }
        return put(name, dtype, shape, (long) data.length * width, out -> {
            ByteBuffer buf = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : data) {
                buf.clear();
                switch (width) {
                    case 8 -> buf.putLong(v);
                    case 4 -> buf.putInt((int) v);
                    case 2 -> buf.putShort((short) v);
                    default -> buf.put((byte) v);
                }
                out.write(buf.array(), 0, width);
            }
        });
    }

    /** Adds already-encoded little-endian bytes of any dtype (used to copy tensors unchanged). */
    public SafetensorsWriter addRaw(String name, DType dtype, long[] shape, ByteBuffer littleEndianBytes) {
        long expected = dtype.byteSize(FloatTensor.numel(shape));
        ByteBuffer src = littleEndianBytes.duplicate();
        if (expected != src.remaining()) {
            throw new IllegalArgumentException("tensor '" + name + "': " + dtype + Arrays.toString(shape)
                    + " needs " + expected + " bytes but " + src.remaining() + " were given");
        }
        return put(name, dtype, shape, expected, out -> {
            byte[] chunk = new byte[1 << 16];
            ByteBuffer b = src.duplicate();
            while (b.hasRemaining()) {
                int n = Math.min(chunk.length, b.remaining());
                b.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        });
    }

    private SafetensorsWriter put(String name, DType dtype, long[] shape, long bytes, Encoder encoder) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        if (SafetensorsHeader.METADATA_KEY.equals(name)) {
            throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        tensors.add(new Pending(name, dtype, shape.clone(), bytes, encoder));
        return this;
    }

    /** The layout Python would choose: dtype rank descending, then name; offsets packed from 0. */
    List<TensorInfo> layout() {
        List<Pending> sorted = sorted();
        List<TensorInfo> out = new ArrayList<>(sorted.size());
        long offset = 0;
        for (Pending p : sorted) {
            out.add(new TensorInfo(p.name(), p.dtype(), p.shape(), offset, offset + p.byteLength()));
            offset += p.byteLength();
        }
        return out;
    }

    private List<Pending> sorted() {
        List<Pending> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing((Pending p) -> p.dtype().ordinal()).reversed()
                .thenComparing(Pending::name));
        return sorted;
    }

    /**
     * The header bytes (padded JSON, without the 8-byte length) Python's safetensors writes for these tensors in
     * this data order and exactly this metadata (no {@code format} key is added here): what kohya's hashes re-create.
     */
    public static byte[] encodeHeader(Map<String, String> metadata, List<TensorInfo> tensorsInDataOrder) {
        return HeaderJson.encode(metadata, tensorsInDataOrder);
    }

    /** Python's data order for these header entries: dtype rank descending, then name. */
    public static Comparator<TensorInfo> dataOrder() {
        return Comparator.comparing((TensorInfo t) -> t.dtype().ordinal()).reversed().thenComparing(TensorInfo::name);
    }

    /** Writes the file atomically (temporary sibling + rename). */
    public void write(Path path) {
        List<Pending> sorted = sorted();
        byte[] header = HeaderJson.encode(metadata, layout());
        try {
            AtomicFiles.write(path, out -> {
                ByteBuffer n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                out.write(n.array());
                out.write(header);
                for (Pending p : sorted) {
                    p.encoder().write(out);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write safetensors file " + path, e);
        }
    }

    private static void writeFloats(OutputStream out, float[] data, DType dtype) throws IOException {
        int width = dtype.bits() / 8;
        ByteBuffer buf = ByteBuffer.allocate(8192 * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.length; ) {
            buf.clear();
            int end = Math.min(data.length, i + 8192);
            for (; i < end; i++) {
                switch (dtype) {
                    case F32 -> buf.putFloat(data[i]);
                    case F16 -> buf.putShort(HalfFloats.f32ToF16(data[i]));
                    case BF16 -> buf.putShort(HalfFloats.f32ToBf16(data[i]));
                    case F64 -> buf.putDouble(data[i]);
                    default -> throw new IllegalStateException(dtype.name());
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }
}
