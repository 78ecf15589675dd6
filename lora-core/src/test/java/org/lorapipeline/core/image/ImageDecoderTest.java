package org.lorapipeline.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    private static final long LIMIT = ImageRules.DEFAULT_MAX_PIXELS;

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "bmp"})
    void decodesWrittenFormatsWithHeaderSize(String format) throws Exception {
        byte[] bytes = TestImages.encode(TestImages.scene(640, 520, 1), format);

        ImageHeader header = ImageDecoder.readHeader(bytes);
        DecodedImage decoded = ImageDecoder.decode(bytes, LIMIT);

        assertThat(header).isEqualTo(new ImageHeader(format, 640, 520));
        assertThat(decoded.image().getWidth()).isEqualTo(640);
        assertThat(decoded.image().getHeight()).isEqualTo(520);
        assertThat(decoded.warnings()).isEmpty();
    }

    @Test
    void decodesLosslessWebpThroughTwelveMonkeys() throws Exception {
        byte[] webp = TinyWebp.solid(600, 400, 0xff3366cc);

        DecodedImage decoded = ImageDecoder.decode(webp, LIMIT);

        assertThat(decoded.header()).isEqualTo(new ImageHeader("webp", 600, 400));
        BufferedImage image = decoded.image();
        assertThat(image.getRGB(0, 0) & 0xffffff).isEqualTo(0x3366cc);
        assertThat(image.getRGB(599, 399) & 0xffffff).isEqualTo(0x3366cc);
    }

    @Test
    void refusesPngBombFromHeaderBeforeDecoding() {
        byte[] bomb = withPngSize(TestImages.png(64, 64, 2), 50_000, 50_000);

        assertThatThrownBy(() -> ImageDecoder.decode(bomb, LIMIT))
                .isInstanceOfSatisfying(ImageDecodeException.class, e ->
                        assertThat(e.reason()).isEqualTo(ImageDecodeException.Reason.TOO_MANY_PIXELS))
                .hasMessageContaining("50000x50000 = 2500000000 pixels")
                .hasMessageContaining("limit of " + LIMIT);
    }

    @Test
    void refusesWebpBombThatWouldDecodeToAGigabyte() {
        byte[] bomb = TinyWebp.solid(16_384, 16_384, 0xff000000);
        assertThat(bomb.length).isLessThan(100); // ~30 bytes of bitstream + padding

        assertThatThrownBy(() -> ImageDecoder.decode(bomb, LIMIT))
                .isInstanceOfSatisfying(ImageDecodeException.class, e ->
                        assertThat(e.reason()).isEqualTo(ImageDecodeException.Reason.TOO_MANY_PIXELS));
    }

    @Test
    void pixelLimitIsConfigurable() throws Exception {
        byte[] png = TestImages.png(100, 100, 3);
        assertThat(ImageDecoder.decode(png, 10_000).header().pixels()).isEqualTo(10_000);
        assertThatThrownBy(() -> ImageDecoder.decode(png, 9_999)).isInstanceOf(ImageDecodeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg"})
    void truncatedFilesAreReportedAsTruncated(String format) {
        byte[] full = TestImages.encode(TestImages.scene(512, 512, 4), format);
        byte[] cut = TestImages.cut(full, full.length / 2);

        assertThatThrownBy(() -> ImageDecoder.decode(cut, LIMIT))
                .isInstanceOfSatisfying(ImageDecodeException.class, e ->
                        assertThat(e.reason()).isEqualTo(ImageDecodeException.Reason.TRUNCATED))
                .hasMessageContaining("cut off");
    }

    @Test
    void fileCutInsideTheHeaderIsTruncated() {
        byte[] cut = TestImages.cut(TestImages.png(64, 64, 5), 20);
        assertThatThrownBy(() -> ImageDecoder.readHeader(cut))
                .isInstanceOfSatisfying(ImageDecodeException.class, e ->
                        assertThat(e.reason()).isEqualTo(ImageDecodeException.Reason.TRUNCATED));
    }

    @Test
    void pngMissingOnlyItsTrailerDecodesWithAWarning() throws Exception {
        byte[] full = TestImages.png(64, 64, 6);
        byte[] noIend = TestImages.cut(full, full.length - 12);

        DecodedImage decoded = ImageDecoder.decode(noIend, LIMIT);

        assertThat(decoded.warnings()).singleElement().asString().contains("no IEND");
    }

    @Test
    void corruptedPixelDataIsCorrupt() {
        byte[] png = TestImages.png(256, 256, 7);
        for (int i = 100; i < png.length - 100; i += 7) {
            png[i] ^= 0x5a;
        }
        assertThatThrownBy(() -> ImageDecoder.decode(png, LIMIT))
                .isInstanceOfSatisfying(ImageDecodeException.class, e -> assertThat(e.reason())
                        .isIn(ImageDecodeException.Reason.CORRUPT, ImageDecodeException.Reason.TRUNCATED));
    }

    @Test
    void textAndEmptyFilesAreUnsupported() {
        assertThatThrownBy(() -> ImageDecoder.decode("hello, world".getBytes(StandardCharsets.UTF_8), LIMIT))
                .isInstanceOfSatisfying(ImageDecodeException.class, e ->
                        assertThat(e.reason()).isEqualTo(ImageDecodeException.Reason.UNSUPPORTED_FORMAT))
                .hasMessageContaining("68656c6c6f2c2077");
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[0], LIMIT))
                .hasMessageContaining("the file is empty");
    }

    @Test
    void factsCarryChecksumHashAndSize() throws Exception {
        byte[] png = TestImages.png(300, 200, 8);
        ImageFacts facts = ImageFacts.of(png, ImageRules.defaults());

        assertThat(facts.sha256()).isEqualTo(Sha256.hex(png));
        assertThat(facts.width()).isEqualTo(300);
        assertThat(facts.shortSide()).isEqualTo(200);
        assertThat(facts.phash()).isEqualTo(PerceptualHash.of(TestImages.scene(300, 200, 8)));
        assertThat(new ImageRules(512, LIMIT).isTooSmall(facts.width(), facts.height())).isTrue();
        assertThat(new ImageRules(200, LIMIT).isTooSmall(facts.width(), facts.height())).isFalse();
    }

    /** Rewrites IHDR width/height and its CRC, leaving the tiny pixel data in place. */
    private static byte[] withPngSize(byte[] png, int width, int height) {
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        buf.putInt(29, (int) crc.getValue());
        return png;
    }
}
