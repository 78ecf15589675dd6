package org.lorapipeline.core.dataset;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding that says where it broke. {@code new String(bytes, UTF_8)} would silently turn GBK or
 * Latin-1 captions into U+FFFD and train on garbage, so malformed input is an error naming line and byte column.
 */
public final class Utf8Text {
    private Utf8Text() {
    }

    /** A byte sequence that is not UTF-8, located by 1-based line and 1-based byte column. */
    public static final class NotUtf8Exception extends Exception {
        private final int line;
        private final int column;

        NotUtf8Exception(int line, int column, String bytes) {
            super("line " + line + ", byte " + column + ": " + bytes + " is not valid UTF-8; the file was saved in "
                    + "another encoding (GBK, Shift-JIS, Latin-1, ...): re-save it as UTF-8");
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /** Decodes a whole file's bytes, dropping a leading byte-order mark (Excel writes one). */
    public static String decode(byte[] bytes) throws NotUtf8Exception {
        return decode(bytes, 0, bytes.length, 1);
    }

    /** Decodes {@code bytes[off, off+len)} whose first byte sits on line {@code firstLine}. */
    public static String decode(byte[] bytes, int off, int len, int firstLine) throws NotUtf8Exception {
        if (len >= 3 && (bytes[off] & 0xff) == 0xEF && (bytes[off + 1] & 0xff) == 0xBB
                && (bytes[off + 2] & 0xff) == 0xBF) {
            off += 3;
            len -= 3;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, off, len);
        CharBuffer out = CharBuffer.allocate(len);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int bad = in.position();
            int line = firstLine;
            int lineStart = off;
            for (int i = off; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            StringBuilder hex = new StringBuilder();
            for (int i = bad; i < Math.min(bad + Math.max(result.length(), 2), off + len); i++) {
                hex.append(hex.length() == 0 ? "" : " ").append(String.format("0x%02X", bytes[i] & 0xff));
            }
            throw new NotUtf8Exception(line, bad - lineStart + 1, hex.length() == 0 ? "an incomplete sequence"
                    : "byte sequence " + hex);
        }
        out.flip();
        return out.toString();
    }
}
