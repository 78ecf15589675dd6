package org.lorapipeline.core.kohya;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.safetensors.TensorInfo;

/**
 * The hashes kohya stores in a LoRA's metadata ({@code library/train_util.py} precalculate_safetensors_hashes),
 * which A1111 shows as the LoRA hash ({@code sshs_model_hash[:12]}) and recomputes when the key is missing.
 * kohya hashes {@code safetensors.torch.save(tensors, ss_metadata)}: the same tensors in Python's data order with
 * only the {@code ss_*} metadata.
 * <ul>
 *   <li>{@code sshs_model_hash}: SHA-256 (hex) of the data buffer after the header; metadata never affects it.</li>
 *   <li>{@code sshs_legacy_hash}: first 8 hex digits of SHA-256 over bytes [0x100000, 0x110000) of that
 *       serialisation, header included, so it depends on the header's length; {@code e3b0c442} below 1 MiB.</li>
 * </ul>
 * Hashes are computed from a written file and stored by rewriting it ({@link #addHashes}): the serialisation
 * is the writer's, so computing after writing cannot disagree with the bytes on disk.
 */
public final class SshsHash {
    public static final String MODEL_HASH = "sshs_model_hash";
    public static final String LEGACY_HASH = "sshs_legacy_hash";
    static final long LEGACY_OFFSET = 0x100000;
    static final long LEGACY_LENGTH = 0x10000;

    /** Both hashes of one file. */
    public record Hashes(String modelHash, String legacyHash) {
        /** What A1111 displays and writes into infotext ("Lora hashes"). */
        public String shortHash() {
            return modelHash.substring(0, 12);
        }
    }

    private SshsHash() {}

    /** The hashes kohya would store for the tensors and {@code ss_*} metadata of {@code file}. */
    public static Hashes compute(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return compute(f);
        }
    }

    public static Hashes compute(SafetensorsFile f) {
        // Python's data order and offsets for these tensors (the file may come from a writer that orders otherwise)
        List<TensorInfo> sorted = new ArrayList<>(f.infos());
        sorted.sort(SafetensorsWriter.dataOrder());
        List<TensorInfo> layout = new ArrayList<>(sorted.size());
        long offset = 0;
        for (TensorInfo t : sorted) {
            layout.add(new TensorInfo(t.name(), t.dtype(), t.shape(), offset, offset + t.byteLength()));
            offset += t.byteLength();
        }
        Map<String, String> ssOnly = new LinkedHashMap<>();
        f.metadata().forEach((k, v) -> {
            if (k.startsWith("ss_")) {
                ssOnly.put(k, v);
            }
        });
        byte[] header = SafetensorsWriter.encodeHeader(ssOnly, layout);

        MessageDigest model = sha256();
        Window legacy = new Window(LEGACY_OFFSET, LEGACY_LENGTH);
        legacy.feed(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
        legacy.feed(ByteBuffer.wrap(header));
        for (TensorInfo t : sorted) {
            ByteBuffer data = f.bytes(t.name());
            model.update(data.duplicate());
            legacy.feed(data);
        }
        HexFormat hex = HexFormat.of();
        return new Hashes(hex.formatHex(model.digest()), hex.formatHex(legacy.digest.digest()).substring(0, 8));
    }

    /**
     * Recomputes both hashes and rewrites {@code file} atomically with them in its metadata (other metadata and all
     * tensor bytes unchanged). Returns the new metadata.
     */
    public static Map<String, String> addHashes(Path file) {
        Map<String, String> metadata;
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Hashes h = compute(f);
            metadata = new LinkedHashMap<>(f.metadata());
            metadata.put(MODEL_HASH, h.modelHash());
            metadata.put(LEGACY_HASH, h.legacyHash());
            w.metadata(metadata);
            for (TensorInfo t : f.infos()) {
                w.addRaw(t.name(), t.dtype(), t.shape(), f.bytes(t.name()));
            }
            w.write(file); // reads the mapped bytes while f is open; the rename replaces the file afterwards
        }
        return metadata;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** Digests only the bytes of a stream that fall in [start, start + length). */
    private static final class Window {
        private final long start;
        private final long end;
        private final MessageDigest digest = sha256();
        private long position;

        Window(long start, long length) {
            this.start = start;
            this.end = start + length;
        }

        void feed(ByteBuffer bytes) {
            ByteBuffer b = bytes.duplicate();
            long from = Math.max(position, start);
            long to = Math.min(position + b.remaining(), end);
            if (from < to) {
                b.position(b.position() + (int) (from - position)).limit(b.position() + (int) (to - from));
                digest.update(b);
            }
            position += bytes.remaining();
        }
    }
}
