package org.lorapipeline.core.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.tensor.HalfFloats;

/**
 * Reads a GGUF v2/v3 file (little-endian) with the checks of ggml's {@code gguf.cpp}: magic, version, unique
 * keys and tensor names, names under 64 bytes, at most 4 dims, known types, power-of-two alignment, offsets
 * equal to the running padded sum, data inside the file. Tensor data is memory-mapped on demand.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read as little-endian u32
    public static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_NAME = 64;
    static final int MAX_DIMS = 4;

    private final Path path;
    private final FileChannel channel;
    private final int version;
    private final Map<String, GgufValue> kv;
    private final Map<String, GgufTensorInfo> tensors;
    private final int alignment;
    private final long dataStart;

    private GgufFile(Path path, FileChannel channel, int version, Map<String, GgufValue> kv,
            Map<String, GgufTensorInfo> tensors, int alignment, long dataStart) {
        this.path = path;
        this.channel = channel;
        this.version = version;
        this.kv = Collections.unmodifiableMap(kv);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.alignment = alignment;
        this.dataStart = dataStart;
    }

    public static GgufFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new GgufException(path + ": no such GGUF file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
        try {
            long size = ch.size();
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            return parse(path, ch, buf, size);
        } catch (IOException e) {
            close(ch);
            throw new UncheckedIOException("cannot read " + path, e);
        } catch (BufferUnderflowException e) {
            close(ch);
            throw new GgufException(path + ": file ends inside the header; it is truncated");
        } catch (RuntimeException e) {
            close(ch);
            throw e;
        }
    }

    private static GgufFile parse(Path path, FileChannel ch, ByteBuffer buf, long size) {
        String file = path.toString();
        if (size < 4 || buf.getInt() != MAGIC) {
            throw new GgufException(file + ": not a GGUF file (magic bytes are not 'GGUF')");
        }
        int version = buf.getInt();
        if (version == 1) {
            throw new GgufException(file + ": GGUF v1 is no longer supported by llama.cpp; re-convert the model");
        }
        if (version < 1 || version > 3) {
            throw new GgufException(file + ": GGUF version " + Integer.toUnsignedString(version)
                    + " is not supported (expected 3)");
        }
        long nTensors = buf.getLong();
        long nKv = buf.getLong();
        if (nTensors < 0 || nKv < 0 || nTensors > size || nKv > size) {
            throw new GgufException(file + ": implausible counts (" + Long.toUnsignedString(nTensors) + " tensors, "
                    + Long.toUnsignedString(nKv) + " keys)");
        }
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = readString(file, buf, "key #" + i);
            long typeId = Integer.toUnsignedLong(buf.getInt());
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) {
                throw new GgufException(file + ": key '" + key + "' has unknown value type " + typeId);
            }
            GgufValue value = readValue(file, buf, key, type);
            if (kv.putIfAbsent(key, value) != null) {
                throw new GgufException(file + ": duplicate key '" + key + "'");
            }
        }
        int alignment = DEFAULT_ALIGNMENT;
        GgufValue a = kv.get("general.alignment");
        if (a != null) {
            if (a.type() != GgufValueType.UINT32 || a.asLong() == 0 || Long.bitCount(a.asLong()) != 1) {
                throw new GgufException(file + ": general.alignment must be a UINT32 power of two, found " + a);
            }
            alignment = (int) a.asLong();
        }
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < nTensors; i++) {
            GgufTensorInfo t = readTensorInfo(file, buf);
            if (tensors.putIfAbsent(t.name(), t) != null) {
                throw new GgufException(file + ": duplicate tensor name '" + t.name() + "'");
            }
        }
        long dataStart = pad(buf.position(), alignment);
        long expected = 0;
        for (GgufTensorInfo t : tensors.values()) {
            if (t.offset() != expected) {
                throw new GgufException(file + ": tensor '" + t.name() + "' has offset " + t.offset()
                        + ", expected " + expected + " (offsets must be the running sum of sizes padded to "
                        + alignment + ")");
            }
            expected += pad(t.byteSize(), alignment);
        }
        for (GgufTensorInfo t : tensors.values()) {
            if (dataStart + t.offset() + t.byteSize() > size) {
                throw new GgufException(file + ": tensor '" + t.name() + "' data runs past the end of the "
                        + size + "-byte file; the file is truncated");
            }
        }
        return new GgufFile(path, ch, version, kv, tensors, alignment, dataStart);
    }

    private static GgufTensorInfo readTensorInfo(String file, ByteBuffer buf) {
        String name = readString(file, buf, "tensor name");
        if (name.getBytes(StandardCharsets.UTF_8).length >= MAX_NAME) {
            throw new GgufException(file + ": tensor name '" + name + "' is " + MAX_NAME + " bytes or longer");
        }
        int nDims = buf.getInt();
        if (nDims < 0 || nDims > MAX_DIMS) {
            throw new GgufException(file + ": tensor '" + name + "' has " + Integer.toUnsignedString(nDims)
                    + " dims, at most " + MAX_DIMS + " allowed");
        }
        long[] ne = new long[nDims];
        for (int d = 0; d < nDims; d++) {
            ne[d] = buf.getLong();
            if (ne[d] < 0) {
                throw new GgufException(file + ": tensor '" + name + "' has a negative dimension");
            }
        }
        long typeId = Integer.toUnsignedLong(buf.getInt());
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw new GgufException(file + ": tensor '" + name + "' has unknown or unsupported ggml type " + typeId);
        }
        if (nDims > 0 && ne[0] % type.blockSize() != 0) {
            throw new GgufException(file + ": tensor '" + name + "' row of " + ne[0] + " is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        long offset = buf.getLong();
        try {
            type.byteSize(ne);
        } catch (ArithmeticException e) {
            throw new GgufException(file + ": tensor '" + name + "' dims " + Arrays.toString(ne) + " overflow");
        }
        return new GgufTensorInfo(name, ne, type, offset);
    }

    private static GgufValue readValue(String file, ByteBuffer buf, String key, GgufValueType type) {
        if (type == GgufValueType.ARRAY) {
            long elemId = Integer.toUnsignedLong(buf.getInt());
            GgufValueType elem = GgufValueType.byId(elemId);
            if (elem == null || elem == GgufValueType.ARRAY) {
                throw new GgufException(file + ": key '" + key + "' is an array of unsupported type " + elemId);
            }
            long n = buf.getLong();
            if (n < 0 || n > buf.remaining()) {
                throw new GgufException(file + ": key '" + key + "' claims " + Long.toUnsignedString(n)
                        + " array elements, more than the file holds");
            }
            List<Object> items = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                items.add(readScalar(file, buf, key, elem));
            }
            return new GgufValue(type, elem, items);
        }
        return new GgufValue(type, null, readScalar(file, buf, key, type));
    }

    private static Object readScalar(String file, ByteBuffer buf, String key, GgufValueType t) {
        return switch (t) {
            case UINT8 -> (long) (buf.get() & 0xFF);
            case INT8 -> (long) buf.get();
            case UINT16 -> (long) (buf.getShort() & 0xFFFF);
            case INT16 -> (long) buf.getShort();
            case UINT32 -> Integer.toUnsignedLong(buf.getInt());
            case INT32 -> (long) buf.getInt();
            case UINT64, INT64 -> buf.getLong();
            case FLOAT32 -> buf.getFloat();
            case FLOAT64 -> buf.getDouble();
            case BOOL -> {
                byte b = buf.get();
                if (b != 0 && b != 1) {
                    throw new GgufException(file + ": key '" + key + "' has bool byte " + b + " (must be 0 or 1)");
                }
                yield b == 1;
            }
            case STRING -> readString(file, buf, "value of '" + key + "'");
            case ARRAY -> throw new IllegalStateException();
        };
    }

    private static String readString(String file, ByteBuffer buf, String what) {
        long n = buf.getLong();
        if (n < 0 || n > buf.remaining()) {
            throw new GgufException(file + ": " + what + " has length " + Long.toUnsignedString(n)
                    + ", past the end of the file");
        }
        ByteBuffer slice = buf.slice();
        slice.limit((int) n);
        buf.position(buf.position() + (int) n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new GgufException(file + ": " + what + " is not valid UTF-8");
        }
    }

    static long pad(long x, int alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    /** Metadata in file order. */
    public Map<String, GgufValue> kv() {
        return kv;
    }

    /** A key's value; throws naming the file when absent. */
    public GgufValue get(String key) {
        GgufValue v = kv.get(key);
        if (v == null) {
            throw new GgufException(path + ": no metadata key '" + key + "'");
        }
        return v;
    }

    public List<GgufTensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new GgufException(path + ": no tensor named '" + name + "'");
        }
        return t;
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset of the data section. */
    public long dataStart() {
        return dataStart;
    }

    /** Raw little-endian bytes of a tensor (at most 2 GiB). */
    public ByteBuffer bytes(String name) {
        GgufTensorInfo t = tensor(name);
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.offset(), t.byteSize())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map tensor " + name + " of " + path, e);
        }
    }

    /** Values of an F32, F16 or BF16 tensor, in memory order (ne[0] fastest = PyTorch C order of shape()). */
    public float[] floats(String name) {
        GgufTensorInfo t = tensor(name);
        if (t.numel() > Integer.MAX_VALUE - 8) {
            throw new GgufException(path + ": tensor '" + name + "' is too large for one float array");
        }
        ByteBuffer b = bytes(name);
        float[] out = new float[(int) t.numel()];
        switch (t.type()) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloats.f16ToF32(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloats.bf16ToF32(b.getShort(i * 2));
                }
            }
            default -> throw new GgufException(path + ": tensor '" + name + "' is " + t.type()
                    + "; only F32, F16 and BF16 data can be decoded");
        }
        return out;
    }

    @Override
    public void close() {
        close(channel);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only channel: nothing to lose
        }
    }
}
