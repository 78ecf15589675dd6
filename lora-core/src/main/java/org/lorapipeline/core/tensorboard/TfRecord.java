package org.lorapipeline.core.tensorboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing used by TensorBoard event files: {@code u64 LE length | u32 masked CRC32C(length bytes) |
 * data | u32 masked CRC32C(data)}. CRC32C is Castagnoli (reflected 0x82F63B78), masked as
 * {@code ((c >>> 15) | (c << 17)) + 0xA282EAD8}.
 */
public final class TfRecord {
    private static final int MASK_DELTA = 0xA282EAD8;

    private TfRecord() {}

    public static int crc32c(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        return (int) crc.getValue();
    }

    public static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    public static int maskedCrc(byte[] data, int off, int len) {
        return mask(crc32c(data, off, len));
    }

    /** Writes one framed record. */
    public static void write(OutputStream out, byte[] data) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(data.length);
        head.putInt(maskedCrc(head.array(), 0, 8));
        out.write(head.array());
        out.write(data);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(data, 0, data.length)).array());
    }

    /**
     * Reads the next record's data; null at a clean end of stream, or when the stream ends inside a record
     * (a writer still appending). A CRC mismatch throws {@link CorruptRecordException}.
     */
    public static byte[] read(InputStream in, String source, long recordIndex) throws IOException {
        byte[] head = new byte[12];
        int got = in.readNBytes(head, 0, 12);
        if (got < 12) {
            return null;
        }
        ByteBuffer hb = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long len = hb.getLong(0);
        if (hb.getInt(8) != maskedCrc(head, 0, 8)) {
            throw new CorruptRecordException(source + ": record " + recordIndex + " has a bad length checksum");
        }
        if (len < 0 || len > Integer.MAX_VALUE - 8) {
            throw new CorruptRecordException(source + ": record " + recordIndex + " claims " + len + " bytes");
        }
        byte[] data = new byte[(int) len];
        if (in.readNBytes(data, 0, data.length) < data.length) {
            return null;
        }
        byte[] tail = new byte[4];
        if (in.readNBytes(tail, 0, 4) < 4) {
            return null;
        }
        if (ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getInt() != maskedCrc(data, 0, data.length)) {
            throw new CorruptRecordException(source + ": record " + recordIndex + " has a bad data checksum");
        }
        return data;
    }

    /** A record whose checksum does not match: the file was damaged, not merely cut short. */
    public static final class CorruptRecordException extends IOException {
        private static final long serialVersionUID = 1L;

        public CorruptRecordException(String message) {
            super(message);
        }
    }
}
