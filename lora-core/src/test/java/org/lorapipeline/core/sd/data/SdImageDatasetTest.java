package org.lorapipeline.core.sd.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.dataset.DatasetInspector;
import org.lorapipeline.core.dataset.InspectionRules;
import org.lorapipeline.core.dataset.Manifest;
import org.lorapipeline.core.dataset.SampleDatasets;
import org.lorapipeline.core.image.Sha256;
import org.lorapipeline.core.image.TestImages;
import org.lorapipeline.core.testing.SharedReference;

class SdImageDatasetTest {
    @TempDir
    Path dir;

    @Test
    void seedMetadataCsvGivesKeysCaptionsAndChecksums() throws Exception {
        Map<String, String> captions = SampleDatasets.writeImageDataset(dir, 3, 64, 1);

        SdImageDataset ds = SdImageDataset.load(dir, null, ".caption");

        assertThat(ds.images()).extracting(SdImage::key, SdImage::caption, SdImage::repeats, SdImage::width)
                .containsExactly(captions.entrySet().stream()
                        .map(e -> tuple(e.getKey(), StructuredCaption.parse(e.getValue()), 1, 64)).toArray(
                                org.assertj.core.groups.Tuple[]::new));
        for (SdImage img : ds.images()) {
            assertThat(img.sha256()).isEqualTo(Sha256.hex(dir.resolve(img.key())));
            assertThat(img.file()).isEqualTo(dir.resolve(img.key()));
        }
        assertThat(ds.stats()).contains("3 images").contains("3 examples");
    }

    @Test
    void metadataPathMayLiveOutsideTheImageFolder() throws Exception {
        Map<String, String> captions = SampleDatasets.writeImageDataset(dir.resolve("images"), 2, 64, 2);
        Files.createDirectories(dir.resolve("elsewhere"));
        Path csv = Files.move(dir.resolve("images/metadata.csv"), dir.resolve("elsewhere/train.csv"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        SdImageDataset ds = SdImageDataset.load(dir.resolve("images"), csv, ".caption");

        assertThat(ds.images()).extracting(SdImage::key).containsExactlyElementsOf(captions.keySet());
        assertThat(ds.images().get(0).caption()).isEqualTo(StructuredCaption.parse(captions.get("0000.png")));
    }

    @Test
    void trainingRulesRefuseImagesBelowMinResolutionAndBrokenMarkupNamingTheFile() throws Exception {
        SampleDatasets.writeImageDataset(dir.resolve("small"), 2, 64, 3);
        assertThatThrownBy(() -> SdImageDataset.load(dir.resolve("small"), null, ".caption",
                InspectionRules.forTraining(128)))
                .isInstanceOf(IOException.class).hasMessageContaining("0000.png").hasMessageContaining("128");
        assertThat(SdImageDataset.load(dir.resolve("small"), null, ".caption", InspectionRules.forTraining(64))
                .images()).hasSize(2);

        SampleDatasets.writeImageDataset(dir.resolve("markup"), 2, 64, 3);
        Path csv = dir.resolve("markup/metadata.csv");
        List<String> rows = Files.readAllLines(csv);
        rows.set(2, rows.get(2).split(",")[0] + ",\"**red hair, smiling\"");
        Files.write(csv, rows);
        assertThatThrownBy(() -> SdImageDataset.load(dir.resolve("markup"), null, ".caption",
                InspectionRules.forTraining(64)))
                .isInstanceOf(IOException.class).hasMessageContaining("metadata.csv:3");
    }

    @Test
    void aRowNamingAMissingImageIsAnErrorWithFileAndLine() throws Exception {
        SampleDatasets.writeImageDataset(dir, 2, 64, 3);
        Files.writeString(dir.resolve("metadata.csv"), "missing.png,**a cat**\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> SdImageDataset.load(dir, null, ".caption"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("metadata.csv:4").hasMessageContaining("missing.png");
    }

    @Test
    void anImageWithoutARowIsAnErrorNamingItAndTheMetadataFile() throws Exception {
        SampleDatasets.writeImageDataset(dir, 2, 64, 4);
        Files.write(dir.resolve("extra.png"), TestImages.png(64, 64, 9));

        assertThatThrownBy(() -> SdImageDataset.load(dir, null, ".caption"))
                .hasMessageContaining("extra.png").hasMessageContaining("metadata.csv");
    }

    @Test
    void aCorruptImageIsAnErrorNamingIt() throws Exception {
        SampleDatasets.writeImageDataset(dir, 2, 64, 5);
        byte[] png = Files.readAllBytes(dir.resolve("0001.png"));
        Files.write(dir.resolve("0001.png"), java.util.Arrays.copyOf(png, png.length / 2));

        assertThatThrownBy(() -> SdImageDataset.load(dir, null, ".caption")).hasMessageContaining("0001.png");
    }

    @Test
    void kohyaFoldersGiveRepeatsAndPreferTheConfiguredCaptionExtension() throws Exception {
        Path cat = dir.resolve("10_sks cat");
        Files.createDirectories(cat);
        Files.write(cat.resolve("a.png"), TestImages.png(96, 64, 1));
        SdDataFixtures.text(cat.resolve("a.caption"), "from caption file");
        SdDataFixtures.text(cat.resolve("a.txt"), "**sks cat**, from txt file");
        Files.write(cat.resolve("b.png"), TestImages.png(64, 96, 2));
        Path style = dir.resolve("2_style");
        Files.createDirectories(style);
        Files.write(style.resolve("c.png"), TestImages.png(64, 64, 3));
        SdDataFixtures.text(style.resolve("c.caption"), "*dreamy*, clouds");

        SdImageDataset txt = SdImageDataset.load(dir, null, ".txt");
        SdImageDataset caption = SdImageDataset.load(dir, null, ".caption");

        assertThat(txt.images()).extracting(SdImage::key, i -> CaptionProcessor.plain(i.caption()), SdImage::repeats)
                .containsExactly(tuple("10_sks cat/a.png", "sks cat, from txt file", 10),
                        tuple("10_sks cat/b.png", "sks cat", 10), // kohya's class-token fallback
                        tuple("2_style/c.png", "dreamy, clouds", 2));
        assertThat(caption.images().get(0).caption().plainText()).isEqualTo("from caption file");
        assertThat(txt.stats()).contains("3 images").contains("22 examples");
    }

    @Test
    void metadataJsonlIsRead() throws Exception {
        Files.write(dir.resolve("x.png"), TestImages.png(64, 64, 1));
        Files.write(dir.resolve("y.png"), TestImages.png(64, 64, 2));
        SdDataFixtures.text(dir.resolve("metadata.jsonl"), "{\"file_name\": \"x.png\", \"text\": \"**fox**, snow\"}\n"
                + "{\"file_name\": \"y.png\", \"text\": \"owl\"}\n");

        SdImageDataset ds = SdImageDataset.load(dir, null, ".caption");

        assertThat(ds.images()).extracting(SdImage::key, i -> i.caption().core())
                .containsExactly(tuple("x.png", List.of("fox")), tuple("y.png", List.of()));
    }

    @Test
    void aJsonlLineWithoutFileNameIsAnErrorWithItsLine() throws Exception {
        Files.write(dir.resolve("x.png"), TestImages.png(64, 64, 1));
        SdDataFixtures.text(dir.resolve("metadata.jsonl"), "{\"file_name\": \"x.png\", \"text\": \"fox\"}\n"
                + "{\"text\": \"owl\"}\n");

        assertThatThrownBy(() -> SdImageDataset.load(dir, null, ".caption")).hasMessageContaining("metadata.jsonl:2");
    }

    @Test
    void plainFolderImagesWithoutCaptionsAreRefusedButEmptyCaptionsOnlyWarn() throws Exception {
        Files.write(dir.resolve("a.png"), TestImages.png(64, 64, 1));
        SdDataFixtures.text(dir.resolve("a.caption"), "a caption");
        Files.write(dir.resolve("b.png"), TestImages.png(64, 64, 2));
        SdDataFixtures.text(dir.resolve("b.caption"), "\n");

        SdImageDataset ds = SdImageDataset.load(dir, null, ".caption");
        assertThat(ds.images()).extracting(SdImage::key).containsExactly("a.png", "b.png");
        assertThat(ds.images().get(1).caption().isEmpty()).isTrue();
        assertThat(ds.warnings()).anySatisfy(w -> assertThat(w).contains("b.png").contains("empty caption"));

        Files.write(dir.resolve("c.png"), TestImages.png(64, 64, 3));
        assertThatThrownBy(() -> SdImageDataset.load(dir, null, ".caption"))
                .hasMessageContaining("c.png").hasMessageContaining("caption")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("b.png"));
    }

    @Test
    void anIngestManifestBesideTheFilesFolderIsUsedAndChecked() throws Exception {
        Path files = dir.resolve("datasets/ds1/files");
        SampleDatasets.writeImageDataset(files, 2, 64, 6);
        Manifest manifest = Manifest.of(DatasetInspector.inspect(files, InspectionRules.defaults()));
        manifest.write(dir.resolve("datasets/ds1/manifest.json"));
        // the manifest wins over a metadata.csv edited after registration
        SdDataFixtures.text(files.resolve("metadata.csv"), "filename,prompt\n0000.png,changed\n0001.png,changed\n");

        SdImageDataset ds = SdImageDataset.load(files, null, ".caption");

        assertThat(ds.images()).extracting(SdImage::key).containsExactly("0000.png", "0001.png");
        assertThat(ds.images().get(0).caption().core()).isEqualTo(manifest.images().get(0).coreTags());
        assertThat(ds.images().get(0).sha256()).isEqualTo(manifest.images().get(0).sha256());
        assertThat(ds.stats()).contains("manifest.json");

        Files.write(files.resolve("0001.png"), TestImages.png(64, 64, 77));
        assertThatThrownBy(() -> SdImageDataset.load(files, null, ".caption"))
                .hasMessageContaining("0001.png").hasMessageContaining("manifest.json");
    }

    @Test
    void longCaptionsListsPromptsOverClipsWindow() throws Exception {
        Files.write(dir.resolve("short.png"), TestImages.png(64, 64, 1));
        SdDataFixtures.text(dir.resolve("short.caption"), "**a cat**, *calm*, on a sofa");
        Files.write(dir.resolve("long.png"), TestImages.png(64, 64, 2));
        SdDataFixtures.text(dir.resolve("long.caption"), "**a cat**, " + String.join(", ",
                Collections.nCopies(40, "red sofa")));
        ClipTokenizer tok = ClipTokenizer.load(SharedReference.path("clip-tokenizer"));

        List<String> longOnes = SdImageDataset.load(dir, null, ".caption").longCaptions(tok);

        // "a cat" = 2 tokens, 40 x ("," "red" "sofa") = 120 tokens, less the first comma: 2 + 1 + 119
        assertThat(longOnes).containsExactly("long.png: " + (2 + 120) + " tokens > 75");
    }
}
