package org.lorapipeline.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.image.PerceptualHash;
import org.lorapipeline.core.image.Sha256;

class SampleDatasetsTest {
    @TempDir
    Path dir;

    @Test
    void sameSeedGivesIdenticalBytesOtherSeedDiffers() throws Exception {
        Map<String, String> a = SampleDatasets.writeImageDataset(dir.resolve("a"), 3, 64, 5);
        Map<String, String> b = SampleDatasets.writeImageDataset(dir.resolve("b"), 3, 64, 5);
        Map<String, String> c = SampleDatasets.writeImageDataset(dir.resolve("c"), 3, 64, 6);

        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        for (String name : List.of("0000.png", "0002.png", "metadata.csv")) {
            assertThat(Sha256.hex(dir.resolve("a").resolve(name))).isEqualTo(Sha256.hex(dir.resolve("b").resolve(name)));
        }
        assertThat(Sha256.hex(dir.resolve("a/0000.png"))).isNotEqualTo(Sha256.hex(dir.resolve("c/0000.png")));
    }

    @Test
    void generatedImagesAreMutuallyFarApartAndCaptionsStructured() throws Exception {
        SampleDatasets.writeImageDataset(dir, 24, 64, 1);

        DatasetReport report = DatasetInspector.inspect(dir, InspectionRules.defaults().withMinShortSide(64));

        assertThat(report.problems()).isEmpty();
        List<ImageItem> images = report.images();
        assertThat(images).hasSize(24);
        for (int i = 0; i < images.size(); i++) {
            for (int j = 0; j < i; j++) {
                assertThat(PerceptualHash.distance(images.get(i).phash(), images.get(j).phash()))
                        .isGreaterThanOrEqualTo(SampleDatasets.MIN_IMAGE_DISTANCE);
            }
        }
        assertThat(images).allSatisfy(i -> {
            assertThat(i.structured().core()).hasSize(2);
            assertThat(i.structured().plain()).isNotEmpty();
            assertThat(i.structured().mood()).isNotEmpty();
        });
    }
}
