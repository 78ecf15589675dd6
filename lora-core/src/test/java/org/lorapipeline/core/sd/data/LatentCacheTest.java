package org.lorapipeline.core.sd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.safetensors.TensorSource;

class LatentCacheTest {
    private static final long[] SHAPE = {4, 8, 8};

    @TempDir
    Path dir;

    private static float[] latents(float base) {
        float[] out = new float[4 * 8 * 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = base + i * 0.01f;
        }
        return out;
    }

    @Test
    void putThenGetIsAHitAndOtherKeysAreMisses() {
        LatentCache cache = LatentCache.open(dir, "vae-0123456789abcdef");
        SdImage img = SdDataFixtures.virtual("10_cat/a.png", 1000, 500, 10);
        Bucket b = new Bucket(704, 320);

        assertThat(cache.get(img, b, false)).isEmpty();
        cache.put(img, b, false, latents(1), SHAPE);

        assertThat(cache.get(img, b, false)).hasValueSatisfying(v -> assertThat(v).containsExactly(latents(1)));
        assertThat(cache.entry(img, b, false).orElseThrow().shape()).containsExactly(SHAPE);
        assertThat(cache.get(img, b, true)).isEmpty();
        assertThat(cache.get(img, new Bucket(640, 384), false)).isEmpty();
        assertThat(cache.get(SdDataFixtures.virtual("10_cat/other.png", 1000, 500, 10), b, false)).isEmpty();
        assertThat(cache.hits()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(4);
        assertThat(LatentCache.open(dir, "vae-ffffffffffffffff").get(img, b, false)).isEmpty();
    }

    @Test
    void flippedLatentsAreASeparateEntry() {
        LatentCache cache = LatentCache.open(dir, "vae-1");
        SdImage img = SdDataFixtures.virtual("a.png", 512, 512, 1);
        Bucket b = new Bucket(512, 512);
        cache.put(img, b, false, latents(1), SHAPE);
        cache.put(img, b, true, latents(2), SHAPE);

        assertThat(cache.get(img, b, false).orElseThrow()).containsExactly(latents(1));
        assertThat(cache.get(img, b, true).orElseThrow()).containsExactly(latents(2));
    }

    @Test
    void fileNamesArePortableAndUnderTheVaeFolder() throws Exception {
        LatentCache cache = LatentCache.open(dir, "vae-1");
        SdImage img = SdDataFixtures.virtual("10_my cat/ä b.png", 1000, 500, 1);
        cache.put(img, new Bucket(704, 320), true, latents(1), SHAPE);

        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')))
                    .singleElement().satisfies(name -> {
                        assertThat(name).startsWith("vae-1/" + img.sha256().substring(0, 2) + "/" + img.sha256());
                        assertThat(name).endsWith("_704x320_0-16_flip.safetensors");
                        assertThat(name).matches("[a-z0-9._/-]+");
                    });
        }
    }

    @Test
    void aTruncatedEntryIsAMissAndIsRewritten() throws Exception {
        LatentCache cache = LatentCache.open(dir, "vae-1");
        SdImage img = SdDataFixtures.virtual("a.png", 512, 512, 1);
        Bucket b = new Bucket(512, 512);
        cache.put(img, b, false, latents(1), SHAPE);
        Path file = cache.file(img, b, false);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));

        assertThat(cache.get(img, b, false)).isEmpty();
        assertThat(file).doesNotExist();
        cache.put(img, b, false, latents(3), SHAPE);
        assertThat(cache.get(img, b, false).orElseThrow()).containsExactly(latents(3));
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void anEntryWrittenForAnotherImageUnderThisNameIsAMiss() throws Exception {
        LatentCache cache = LatentCache.open(dir, "vae-1");
        SdImage a = SdDataFixtures.virtual("a.png", 512, 512, 1);
        SdImage b = SdDataFixtures.virtual("b.png", 512, 512, 1);
        Bucket bucket = new Bucket(512, 512);
        cache.put(a, bucket, false, latents(1), SHAPE);
        Files.createDirectories(cache.file(b, bucket, false).getParent());
        Files.copy(cache.file(a, bucket, false), cache.file(b, bucket, false));

        assertThat(cache.get(b, bucket, false)).isEmpty();
        assertThat(cache.get(a, bucket, false)).isPresent();
    }

    @Test
    void vaeIdentityFollowsEncoderDataAndAllShapesButNotDecoderData() throws Exception {
        String base = identity("base", 1f, 1f, 3);
        assertThat(base).matches("vae-[0-9a-f]{16}").isEqualTo(identity("again", 1f, 1f, 3));
        assertThat(identity("enc", 2f, 1f, 3)).isNotEqualTo(base);
        assertThat(identity("dec", 1f, 2f, 3)).isEqualTo(base); // decoder-only fine-tunes share latents
        assertThat(identity("shape", 1f, 1f, 4)).isNotEqualTo(base);
    }

    private String identity(String name, float encoder, float decoder, int decoderSize) throws Exception {
        Path file = dir.resolve(name + ".safetensors");
        new SafetensorsWriter()
                .add("encoder.conv_in.weight", new long[] {2, 3}, new float[] {encoder, 0, 0, 0, 0, 1}, DType.F32)
                .add("quant_conv.weight", new long[] {2}, new float[] {1, 2}, DType.F32)
                .add("post_quant_conv.weight", new long[] {2}, new float[] {decoder, 2}, DType.F32)
                .add("decoder.conv_out.weight", new long[] {decoderSize}, new float[decoderSize], DType.F16)
                .write(file);
        try (TensorSource source = TensorSource.open(file)) {
            return LatentCache.vaeIdentity(source);
        }
    }

    @Test
    void cacheLatentsWithRandomCropIsRefusedNamingBothKeys() {
        assertThatThrownBy(() -> LatentCache.checkCompatible(SdDataFixtures.image(512, true, true, true, false, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache_latents").hasMessageContaining("random_crop");
        assertThatCode(() -> LatentCache.checkCompatible(SdDataFixtures.image(512, true, true, false, false, 0, 0)))
                .doesNotThrowAnyException();
        assertThatCode(() -> LatentCache.checkCompatible(SdDataFixtures.image(512, true, false, true, false, 0, 0)))
                .doesNotThrowAnyException();
    }

    @Test
    void badIdentityAndShapeAreRefused() {
        assertThatThrownBy(() -> LatentCache.open(dir, "../x")).hasMessageContaining("vaeIdentity");
        LatentCache cache = LatentCache.open(dir, "vae-1");
        assertThatThrownBy(() -> cache.put(SdDataFixtures.virtual("a.png", 64, 64, 1), new Bucket(64, 64), false,
                new float[3], SHAPE)).hasMessageContaining("a.png");
    }
}
