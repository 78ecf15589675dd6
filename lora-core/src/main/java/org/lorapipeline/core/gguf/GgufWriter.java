package org.lorapipeline.core.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.tensor.AtomicFiles;
import org.lorapipeline.core.tensor.FloatTensor;
import org.lorapipeline.core.tensor.HalfFloats;

/**
 * Builds a GGUF v3 file the way gguf-py's {@code GGUFWriter} lays it out: header, KVs in insertion order,
 * tensor infos in insertion order with offsets padded to the alignment, zero padding, data. Written atomically.
 */
public final class GgufWriter {
    private final Map<String, GgufValue> kv = new LinkedHashMap<>();
    private final Map<String, Pending> tensors = new LinkedHashMap<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    private record Pending(String name, long[] ne, GgmlType type, float[] data) {}

    public GgufWriter put(String key, GgufValue value) {
        if (kv.containsKey(key)) {
            throw new IllegalArgumentException("duplicate GGUF key '" + key + "'");
        }
        if ("general.alignment".equals(key)) {
            if (value.type() != GgufValueType.UINT32 || Long.bitCount(value.asLong()) != 1) {
                throw new IllegalArgumentException("general.alignment must be a UINT32 power of two");
            }
            alignment = (int) value.asLong();
        }
        kv.put(key, value);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValue.string(value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValue.f32(value));
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValue.u32(value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValue.bool(value));
    }

    /**
     * Adds a tensor given in PyTorch order ({@code shape} slowest first, C-order data); it is stored with
     * {@code ne} = shape reversed and the bytes unchanged, as gguf-py does. Type F32, F16 or BF16.
     */
    public GgufWriter addTensor(String name, long[] shape, float[] data, GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16) {
            throw new IllegalArgumentException("tensor '" + name + "': only F32, F16 and BF16 can be written");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length >= GgufFile.MAX_NAME) {
            throw new IllegalArgumentException("tensor name '" + name + "' must be shorter than 64 bytes");
        }
        if (shape.length == 0 || shape.length > GgufFile.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' must have 1 to 4 dims, has " + shape.length);
        }
        if (FloatTensor.numel(shape) != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " does not match " + data.length + " values");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        long[] ne = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            ne[i] = shape[shape.length - 1 - i];
        }
        tensors.put(name, new Pending(name, ne, type, data));
        return this;
    }

    /** The tensor infos this writer will produce, offsets included. */
    public List<GgufTensorInfo> layout() {
        List<GgufTensorInfo> out = new ArrayList<>();
        long offset = 0;
        for (Pending p : tensors.values()) {
            GgufTensorInfo info = new GgufTensorInfo(p.name(), p.ne(), p.type(), offset);
            out.add(info);
            offset += GgufFile.pad(info.byteSize(), alignment);
        }
        return out;
    }

    public void write(Path path) {
        try {
            AtomicFiles.write(path, this::writeTo);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write GGUF file " + path, e);
        }
    }

    private void writeTo(OutputStream raw) throws IOException {
        CountingOut out = new CountingOut(raw);
        out.u32(GgufFile.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(kv.size());
        for (Map.Entry<String, GgufValue> e : kv.entrySet()) {
            out.string(e.getKey());
            GgufValue v = e.getValue();
            out.u32(v.type().id());
            if (v.type() == GgufValueType.ARRAY) {
                out.u32(v.elementType().id());
                out.u64(v.asList().size());
                for (Object o : v.asList()) {
                    out.scalar(v.elementType(), o);
                }
            } else {
                out.scalar(v.type(), v.value());
            }
        }
        List<GgufTensorInfo> layout = layout();
        for (GgufTensorInfo t : layout) {
            out.string(t.name());
            long[] ne = t.ne();
            out.u32(ne.length);
            for (long d : ne) {
                out.u64(d);
            }
            out.u32(t.type().id());
            out.u64(t.offset());
        }
        out.padTo(alignment);
        for (Pending p : tensors.values()) {
            out.floats(p.data(), p.type());
            out.padTo(alignment);
        }
    }

    /** Little-endian primitive writer that tracks the position for padding. */
    private static final class CountingOut {
        private final OutputStream out;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        private long position;

        CountingOut(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b, int len) throws IOException {
            out.write(b, 0, len);
            position += len;
        }

        void u32(long v) throws IOException {
            scratch.clear();
            scratch.putInt((int) v);
            bytes(scratch.array(), 4);
        }

        void u64(long v) throws IOException {
            scratch.clear();
            scratch.putLong(v);
            bytes(scratch.array(), 8);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b, b.length);
        }

        void scalar(GgufValueType t, Object v) throws IOException {
            scratch.clear();
            switch (t) {
                case UINT8, INT8 -> scratch.put((byte) (long) (Long) v);
                case UINT16, INT16 -> scratch.putShort((short) (long) (Long) v);
                case UINT32, INT32 -> scratch.putInt((int) (long) (Long) v);
                case UINT64, INT64 -> scratch.putLong((Long) v);
                case FLOAT32 -> scratch.putFloat((Float) v);
                case FLOAT64 -> scratch.putDouble((Double) v);
                case BOOL -> scratch.put((byte) ((Boolean) v ? 1 : 0));
                case STRING -> {
                    string((String) v);
                    return;
                }
                case ARRAY -> throw new IllegalStateException("nested array");
            }
            bytes(scratch.array(), scratch.position());
        }

        void floats(float[] data, GgmlType type) throws IOException {
            int width = type.typeSize();
            ByteBuffer buf = ByteBuffer.allocate(4096 * width).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < data.length; ) {
                buf.clear();
                int end = Math.min(data.length, i + 4096);
                for (; i < end; i++) {
                    switch (type) {
                        case F32 -> buf.putFloat(data[i]);
                        case F16 -> buf.putShort(HalfFloats.f32ToF16(data[i]));
                        default -> buf.putShort(HalfFloats.f32ToBf16(data[i]));
                    }
                }
                bytes(buf.array(), buf.position());
            }
        }

        void padTo(int alignment) throws IOException {
            int n = (int) (GgufFile.pad(position, alignment) - position);
            bytes(new byte[n], n);
        }
    }
}
