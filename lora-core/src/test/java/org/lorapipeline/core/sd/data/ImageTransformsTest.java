package org.lorapipeline.core.sd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.image.Sha256;
import org.lorapipeline.core.image.TestImages;

class ImageTransformsTest {
    @TempDir
    Path dir;

    @Test
    void cropPlansFollowKohyasResizeAndCentreTrim() {
        // 2:1 into 704x320 (2.2): widths match, 1000*0.704 = 704, 500*0.704 = 352, trim 32 -> top 16
        assertThat(CropPlan.center(1000, 500, new Bucket(704, 320)))
                .isEqualTo(new CropPlan(new Bucket(704, 320), 704, 352, 0, 16));
        // 3:2 into 640x384: scale 640/300, height (int)(426.67 + 0.5) = 427, trim 43 -> top 21
        assertThat(CropPlan.center(300, 200, new Bucket(640, 384)))
                .isEqualTo(new CropPlan(new Bucket(640, 384), 640, 427, 0, 21));
        // wider than the bucket: heights match, 300x100 -> 192x64, trim 128 -> left 64
        assertThat(CropPlan.center(300, 100, new Bucket(64, 64)))
                .isEqualTo(new CropPlan(new Bucket(64, 64), 192, 64, 64, 0));
    }

    @Test
    void loadGivesBucketSizedChwInMinusOneToOne() throws Exception {
        SdImage img = SdDataFixtures.png(dir, "a.png", 300, 200, 1);
        Bucket bucket = BucketPlanner.kohya(512, 256, 1024, 64).bucketFor(300, 200);

        SdPixels px = ImageTransforms.load(img, bucket, false, false, new SplittableRandom(1));

        assertThat(bucket).isEqualTo(new Bucket(640, 384));
        assertThat(px.width()).isEqualTo(640);
        assertThat(px.height()).isEqualTo(384);
        assertThat(px.chw()).hasSize(3 * 640 * 384);
        assertThat(px.cropTop()).isEqualTo(21);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : px.chw()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isGreaterThanOrEqualTo(-1f);
        assertThat(max).isLessThanOrEqualTo(1f);
        assertThat(max - min).isGreaterThan(0.5f); // a real picture, not a constant
    }

    @Test
    void halvingAveragesEachTwoByTwoBlockLikeAreaResampling() throws Exception {
        BufferedImage scene = TestImages.scene(128, 128, 5);
        SdImage img = write("scene.png", scene);

        SdPixels px = ImageTransforms.loadCentered(img, new Bucket(64, 64), false);

        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    double sum = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            sum += (scene.getRGB(2 * x + dx, 2 * y + dy) >> shift) & 0xff;
                        }
                    }
                    double expected = Math.round(sum / 4) / 127.5 - 1;
                    assertThat((double) px.chw()[c * 64 * 64 + y * 64 + x]).as("c%d y%d x%d", c, y, x)
                            .isCloseTo(expected, within(1e-5));
                }
            }
        }
    }

    @Test
    void alphaIsDroppedNotComposited() throws Exception {
        BufferedImage red = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                red.setRGB(x, y, 0x00ff0000); // fully transparent red
            }
        }
        SdPixels px = ImageTransforms.loadCentered(write("red.png", red), new Bucket(64, 64), false);

        assertThat(px.chw()[0]).isEqualTo(1f);
        assertThat(px.chw()[64 * 64]).isEqualTo(-1f);
        assertThat(px.chw()[2 * 64 * 64]).isEqualTo(-1f);
    }

    @Test
    void flipMirrorsLeftRight() throws Exception {
        SdImage img = SdDataFixtures.png(dir, "b.png", 200, 120, 2);
        Bucket b = new Bucket(128, 64);
        SdPixels straight = ImageTransforms.loadCentered(img, b, false);
        SdPixels mirrored = ImageTransforms.loadCentered(img, b, true);

        assertThat(mirrored.flipped()).isTrue();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 128; x++) {
                    int row = c * 128 * 64 + y * 128;
                    assertThat(mirrored.chw()[row + x]).isEqualTo(straight.chw()[row + 127 - x]);
                }
            }
        }
    }

    @Test
    void flipAugMirrorsAboutHalfTheTime() throws Exception {
        SdImage img = SdDataFixtures.png(dir, "c.png", 64, 64, 3);
        int flipped = 0;
        for (long seed = 0; seed < 200; seed++) {
            flipped += ImageTransforms.load(img, new Bucket(64, 64), false, true, new SplittableRandom(seed)).flipped()
                    ? 1 : 0;
            assertThat(ImageTransforms.load(img, new Bucket(64, 64), false, false, new SplittableRandom(seed))
                    .flipped()).isFalse();
        }
        assertThat(flipped).isBetween(70, 130); // binomial(200, 0.5): sd 7
    }

    @Test
    void randomCropPicksWindowsOfTheSameResizedImage() throws Exception {
        SdImage img = SdDataFixtures.png(dir, "d.png", 300, 100, 4);
        Bucket b = new Bucket(64, 64);
        Set<Integer> lefts = new HashSet<>();
        SdPixels reference = ImageTransforms.loadCentered(img, b, false); // left 64 of 192
        for (long seed = 0; seed < 40; seed++) {
            SdPixels px = ImageTransforms.load(img, b, true, false, new SplittableRandom(seed));
            assertThat(px.cropTop()).isZero();
            assertThat(px.cropLeft()).isBetween(0, 128);
            lefts.add(px.cropLeft());
            // the overlap with the centre window shows the same pixels, shifted by the offset difference
            int shift = px.cropLeft() - reference.cropLeft();
            for (int x = Math.max(0, -shift); x < Math.min(64, 64 - shift); x++) {
                assertThat(px.chw()[10 * 64 + x]).isEqualTo(reference.chw()[10 * 64 + x + shift]);
            }
        }
        assertThat(lefts.size()).isGreaterThan(10);
    }

    @Test
    void aFileThatChangedSizeIsReportedByKey() throws Exception {
        SdImage img = SdDataFixtures.png(dir, "e.png", 64, 64, 5);
        Files.write(img.file(), TestImages.png(80, 64, 5));

        assertThatThrownBy(() -> ImageTransforms.loadCentered(img, new Bucket(64, 64), false))
                .hasMessageContaining("e.png").hasMessageContaining("80x64");
    }

    private SdImage write(String name, BufferedImage image) throws Exception {
        Path file = Files.write(dir.resolve(name), TestImages.encode(image, "png"));
        return new SdImage(name, file, Sha256.hex(file), image.getWidth(), image.getHeight(),
                StructuredCaption.empty(), 1);
    }
}
