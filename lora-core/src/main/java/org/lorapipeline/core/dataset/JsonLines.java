package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Streams JSONL as strictly decoded, non-blank lines with their 1-based numbers, so multi-gigabyte text
 * datasets are checked without loading them whole.
 */
final class JsonLines {
    interface LineHandler {
        void line(int number, String text);
    }

    private JsonLines() {
    }

    /** Blank lines are skipped (many writers end with one); lines that are not UTF-8 are reported and skipped. */
    static void forEach(InputStream in, String file, ProblemLog log, LineHandler handler) throws IOException {
        byte[] chunk = new byte[1 << 16];
        byte[] line = new byte[1 << 12];
        int lineLen = 0;
        int number = 1;
        for (int n; (n = in.read(chunk)) > 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    emit(line, lineLen, number++, file, log, handler);
                    lineLen = 0;
                } else {
                    if (lineLen == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[lineLen++] = b;
                }
            }
        }
        if (lineLen > 0) {
            emit(line, lineLen, number, file, log, handler);
        }
    }

    private static void emit(byte[] line, int len, int number, String file, ProblemLog log, LineHandler handler) {
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        try {
            String text = Utf8Text.decode(line, 0, len, number);
            if (!text.isBlank()) {
                handler.line(number, text);
            }
        } catch (Utf8Text.NotUtf8Exception e) {
            log.add(ProblemCode.NOT_UTF8, file, e.line(), e.column(), e.getMessage());
        }
    }
}
