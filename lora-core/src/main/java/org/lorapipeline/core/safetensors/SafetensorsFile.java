package org.lorapipeline.core.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.tensor.HalfFloats;

/**
 * One safetensors file, memory-mapped per tensor. Own reader because DJL's loads the whole file into one
 * byte array (2 GiB cap) and drops {@code __metadata__}; here only the header is read on open and each tensor
 * is mapped when asked for, so multi-GiB checkpoints work. Thread-safe for concurrent reads.
 */
public final class SafetensorsFile implements TensorSource {
    /** Bytes mapped at once when decoding; a multiple of 8 so no element straddles two chunks. */
    private static final long CHUNK = 1L << 30;

    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader.Parsed header;
    private final Map<String, TensorInfo> byName = new LinkedHashMap<>();

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader.Parsed header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        for (TensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /** Opens and validates {@code path}; throws {@link SafetensorsException} for a malformed file. */
    public static SafetensorsFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new SafetensorsException(path + ": no such safetensors file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
        try {
            long size = ch.size();
            long n = 0;
            if (size >= 8) {
                n = readFully(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
            SafetensorsHeader.checkLength(path.toString(), n, size);
            ByteBuffer hb = readFully(ch, 8, (int) n);
            byte[] bytes = new byte[(int) n];
            hb.get(bytes);
            return new SafetensorsFile(path, ch, SafetensorsHeader.parse(path.toString(), bytes, size));
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot read " + path, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Size of the JSON header in bytes (N), including padding. */
    public long headerLength() {
        return header.headerLength();
    }

    @Override
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @Override
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new SafetensorsException(path + ": no tensor named '" + name + "'");
        }
        return t;
    }

    /** All header entries in data-offset order. */
    public List<TensorInfo> infos() {
        return header.tensors();
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public float[] floats(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().isReadableAsFloat()) {
            throw new SafetensorsException(path + ": tensor '" + name + "' is " + t.dtype()
                    + ", not a float type (F32, F16, BF16, F64); read it with longs() or bytes()");
        }
        float[] out = new float[arrayLength(t)];
        int width = t.dtype().bits() / 8;
        forEachChunk(t, (buf, first) -> {
            int count = buf.remaining() / width;
            switch (t.dtype()) {
                case F32 -> buf.asFloatBuffer().get(out, first, count);
                case F64 -> {
                    for (int i = 0; i < count; i++) {
                        out[first + i] = (float) buf.getDouble(i * 8);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        out[first + i] = HalfFloats.f16ToF32(buf.getShort(i * 2));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        out[first + i] = HalfFloats.bf16ToF32(buf.getShort(i * 2));
                    }
                }
                default -> throw new IllegalStateException(t.dtype().name());
            }
        });
        return out;
    }

    @Override
    public long[] longs(String name) {
        TensorInfo t = info(name);
        DType d = t.dtype();
        boolean integer = switch (d) {
            case BOOL, U8, I8, I16, U16, I32, U32, I64, U64 -> true;
            default -> false;
        };
        if (!integer) {
            throw new SafetensorsException(path + ": tensor '" + name + "' is " + d
                    + ", not an integer type; read it with floats() or bytes()");
        }
        long[] out = new long[arrayLength(t)];
        int width = d.bits() / 8;
        forEachChunk(t, (buf, first) -> {
            int count = buf.remaining() / width;
            for (int i = 0; i < count; i++) {
                int at = i * width;
                out[first + i] = switch (d) {
                    case BOOL, U8 -> buf.get(at) & 0xFFL;
                    case I8 -> buf.get(at);
                    case I16 -> buf.getShort(at);
                    case U16 -> buf.getShort(at) & 0xFFFFL;
                    case I32 -> buf.getInt(at);
                    case U32 -> buf.getInt(at) & 0xFFFF_FFFFL;
                    default -> buf.getLong(at);
                };
            }
        });
        return out;
    }

    @Override
    public ByteBuffer bytes(String name) {
        TensorInfo t = info(name);
        if (t.byteLength() > Integer.MAX_VALUE) {
            throw new SafetensorsException(path + ": tensor '" + name + "' has " + t.byteLength()
                    + " bytes, more than one buffer can hold; read it with floats()");
        }
        return map(header.dataStart() + t.begin(), t.byteLength());
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private interface ChunkConsumer {
        /** {@code buf} is little-endian, positioned at 0; {@code first} is the index of its first element. */
        void accept(ByteBuffer buf, int first);
    }

    private void forEachChunk(TensorInfo t, ChunkConsumer consumer) {
        long width = t.dtype().bits() / 8;
        long done = 0;
        while (done < t.byteLength()) {
            long len = Math.min(CHUNK, t.byteLength() - done);
            consumer.accept(map(header.dataStart() + t.begin() + done, len), (int) (done / width));
            done += len;
        }
    }

    private int arrayLength(TensorInfo t) {
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(path + ": tensor '" + t.name() + "' has " + n
                    + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    private ByteBuffer map(long position, long length) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + length + " bytes at " + position + " of " + path, e);
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file at " + (position + buf.position()));
            }
        }
        return buf.flip();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a read-only channel loses nothing
        }
    }
}
