package org.lorapipeline.core.sd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BucketPlannerTest {
    /**
     * kohya's list for resolution 512, min 256, max 1024, step 64, worked out by hand: for each width w the height
     * is min(1024, floor(262144 / w / 64) * 64), plus the transposes and the 512 square.
     */
    private static final List<Bucket> KOHYA_512 = List.of(
            new Bucket(256, 832), new Bucket(256, 896), new Bucket(256, 960), new Bucket(256, 1024),
            new Bucket(320, 704), new Bucket(320, 768), new Bucket(384, 640), new Bucket(448, 576),
            new Bucket(512, 512), new Bucket(576, 448), new Bucket(640, 384), new Bucket(704, 320),
            new Bucket(768, 320), new Bucket(832, 256), new Bucket(896, 256), new Bucket(960, 256),
            new Bucket(1024, 256));

    @Test
    void kohyaBucketsFor512MatchTheHandComputedList() {
        BucketPlanner planner = BucketPlanner.of(SdDataFixtures.image(512, true, false, true, false, 0, 0));

        assertThat(planner.buckets()).containsExactlyElementsOf(KOHYA_512);
        assertThat(planner.buckets()).allSatisfy(b -> {
            assertThat(b.width() * b.height()).isLessThanOrEqualTo(512 * 512);
            assertThat(b.width() % 64).isZero();
            assertThat(b.height() % 64).isZero();
            assertThat(b.width()).isBetween(256, 1024);
            assertThat(b.height()).isBetween(256, 1024);
        });
    }

    @Test
    void squareResolutionNotOnTheStepGridIsRoundedDown() {
        // 520 is a multiple of 8 but not of 64: kohya's square is floor(520/64)*64 = 512.
        BucketPlanner planner = BucketPlanner.kohya(520, 256, 1024, 64);

        assertThat(planner.buckets()).contains(new Bucket(512, 512)).doesNotContain(new Bucket(520, 520));
        assertThat(planner.buckets()).allSatisfy(b -> assertThat(b.width() * b.height()).isLessThanOrEqualTo(520 * 520));
    }

    @Test
    void imagesGoToTheBucketWithTheNearestAspectRatio() {
        BucketPlanner planner = BucketPlanner.kohya(512, 256, 1024, 64);

        assertThat(planner.bucketFor(1000, 1000)).isEqualTo(new Bucket(512, 512));
        // 2.0: 704x320 is 2.2 (off by 0.2), 640x384 is 1.667 (off by 0.333)
        assertThat(planner.bucketFor(1000, 500)).isEqualTo(new Bucket(704, 320));
        // 16:9 = 1.778: 640x384 (0.111) beats 704x320 (0.422)
        assertThat(planner.bucketFor(1920, 1080)).isEqualTo(new Bucket(640, 384));
        // 3:4 = 0.75: 448x576 = 0.778 beats 384x640 = 0.6
        assertThat(planner.bucketFor(600, 800)).isEqualTo(new Bucket(448, 576));
        // very tall: the tallest bucket
        assertThat(planner.bucketFor(100, 2000)).isEqualTo(new Bucket(256, 1024));
    }

    @Test
    void anImageOfExactlyABucketSizeKeepsThatBucket() {
        BucketPlanner planner = BucketPlanner.kohya(512, 256, 1024, 64);

        assertThat(planner.bucketFor(320, 704)).isEqualTo(new Bucket(320, 704));
        assertThat(planner.bucketFor(768, 320)).isEqualTo(new Bucket(768, 320));
    }

    @Test
    void withoutBucketingEveryImageGoesToTheSquare() {
        BucketPlanner planner = BucketPlanner.of(SdDataFixtures.image(512, false, false, true, false, 0, 0));

        assertThat(planner.buckets()).containsExactly(new Bucket(512, 512));
        assertThat(planner.bucketFor(1920, 1080)).isEqualTo(new Bucket(512, 512));
        assertThat(planner.bucketFor(64, 900)).isEqualTo(new Bucket(512, 512));
    }

    @Test
    void inconsistentBoundsAreRefusedNamingTheKeys() {
        assertThatThrownBy(() -> BucketPlanner.kohya(512, 1024, 256, 64))
                .hasMessageContaining("min_bucket_reso").hasMessageContaining("max_bucket_reso");
        assertThatThrownBy(() -> BucketPlanner.kohya(512, 256, 1000, 64))
                .hasMessageContaining("bucket_reso_steps");
    }
}
