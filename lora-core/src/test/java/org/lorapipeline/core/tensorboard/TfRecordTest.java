package org.lorapipeline.core.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TfRecordTest {

    @Test
    void crc32cMatchesPublishedCheckValues() {
        byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(TfRecord.crc32c(digits, 0, digits.length)).isEqualTo(0xE3069283);
        // RFC 3720 (iSCSI) B.4: 32 bytes of zeros
        assertThat(TfRecord.crc32c(new byte[32], 0, 32)).isEqualTo(0x8A9136AA);
    }

    @Test
    void maskRotatesRight15AndAddsTheDelta() {
        assertThat(TfRecord.mask(0)).isEqualTo(0xA282EAD8);
        assertThat(TfRecord.mask(1)).isEqualTo(0xA282EAD8 + (1 << 17));
        assertThat(TfRecord.mask(1 << 15)).isEqualTo(0xA282EAD8 + 1);
        assertThat(TfRecord.mask(0xFFFFFFFF)).isEqualTo(0xFFFFFFFF + 0xA282EAD8);
    }

    @Test
    void eventRecordMatchesBytesBuiltFromTheSpec() throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/tensorboard/expected_record.hex")) {
            expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TfRecord.write(out, EventCodec.encode(Event.summary(1.0, 5, SummaryValue.simple("a", 2f))));
        assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo(expected);
    }
}
