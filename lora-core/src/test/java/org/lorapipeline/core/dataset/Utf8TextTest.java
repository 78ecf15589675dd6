package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8TextTest {
    @Test
    void gbkBytesAreLocatedByLineAndByteColumn() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("filename,prompt\nok.png,水墨\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("bad.png,".getBytes(StandardCharsets.US_ASCII));
        // "水墨" in GBK happens to be valid UTF-8 (CB AE C4 AB); "你好" (C4 E3 ...) is not
        bytes.write("你好".getBytes(Charset.forName("GBK")));

        assertThatThrownBy(() -> Utf8Text.decode(bytes.toByteArray()))
                .isInstanceOfSatisfying(Utf8Text.NotUtf8Exception.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(9);
                })
                .hasMessageContaining("line 3, byte 9")
                .hasMessageContaining("0xC4 0xE3")
                .hasMessageContaining("re-save it as UTF-8");
    }

    @Test
    void byteOrderMarkIsDroppedAndUtf8Kept() throws Exception {
        byte[] withBom = ("\uFEFFfilename,prompt\n机器人").getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8Text.decode(withBom)).isEqualTo("filename,prompt\n机器人");
    }

    @Test
    void cutMultiByteSequenceAtTheEndIsReported() {
        byte[] cut = "ab水".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(cut, cut.length - 1);
        assertThatThrownBy(() -> Utf8Text.decode(bytes))
                .isInstanceOfSatisfying(Utf8Text.NotUtf8Exception.class, e -> assertThat(e.column()).isEqualTo(3));
    }
}
