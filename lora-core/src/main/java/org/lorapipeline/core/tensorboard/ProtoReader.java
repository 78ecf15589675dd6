package org.lorapipeline.core.tensorboard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Minimal protobuf decoder: iterate fields, read the value for the wire type, skip what we do not know. */
final class ProtoReader {
    private final ByteBuffer buf;
    private int field;
    private int wireType;

    ProtoReader(byte[] data) {
        this.buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (!buf.hasRemaining()) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = get();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    double fixed64AsDouble() {
        need(8);
        return buf.getDouble();
    }

    float fixed32AsFloat() {
        need(4);
        return buf.getFloat();
    }

    byte[] bytes() {
        long len = varint();
        if (len < 0 || len > buf.remaining()) {
            throw new IllegalArgumentException("length " + len + " runs past the end of the message");
        }
        byte[] b = new byte[(int) len];
        buf.get(b);
        return b;
    }

    String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    void skip() {
        switch (wireType) {
            case 0 -> varint();
            case 1 -> {
                need(8);
                buf.position(buf.position() + 8);
            }
            case 2 -> bytes();
            case 5 -> {
                need(4);
                buf.position(buf.position() + 4);
            }
            default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
        }
    }

    private byte get() {
        need(1);
        return buf.get();
    }

    private void need(int n) {
        if (buf.remaining() < n) {
            throw new IllegalArgumentException("message ends inside a field");
        }
    }
}
