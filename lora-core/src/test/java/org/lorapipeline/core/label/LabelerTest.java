package org.lorapipeline.core.label;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.clip.ClipImageProcessor;
import org.lorapipeline.core.clip.ClipModel;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.clip.TinyClip;
import org.lorapipeline.core.engine.TorchRuntime;

class LabelerTest {
    @TempDir
    Path tmp;

    private Path png(String name, Color color, int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.WHITE);
        g.drawLine(0, 0, w - 1, h - 1);
        g.dispose();
        Path p = tmp.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    /** Red images look like a moody cat, others like a serene forest; a 13-px-wide image breaks the model. */
    private static final ImageEmbedder FAKE = batch -> {
        float[][] out = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            BufferedImage img = batch.get(i);
            if (img.getWidth() == 13) {
                throw new IllegalStateException("model failure on a 13 px image");
            }
            boolean red = new Color(img.getRGB(img.getWidth() - 1, 0)).getRed() > 128;
            out[i] = red ? TagRankerTest.image("cat", 1, "moody", 0.8) : TagRankerTest.image("forest", 1, "serene", 0.9);
        }
        return out;
    };

    @Test
    void labelsInOrderWithPerImageFailuresAndProgress() throws Exception {
        Path red = png("red.png", Color.RED, 20, 16);
        Path blue = png("blue.png", Color.BLUE, 16, 20);
        Path broken = png("broken.png", Color.GREEN, 13, 10);
        Path text = Files.writeString(tmp.resolve("notes.png"), "not an image");
        Path missing = tmp.resolve("missing.jpg");
        Path red2 = png("red2.png", Color.RED, 30, 30);
        Labeler labeler = new Labeler(TagRankerTest.basis(), FAKE, null, new Labeler.Options(4, 1_000_000));
        List<String> progress = new ArrayList<>();
        List<ImageLabel> out = labeler.label(List.of(red, blue, broken, text, missing, red2),
                (done, total, latest) -> progress.add(done + "/" + total + " " + latest.image().getFileName()));

        assertThat(out).extracting(ImageLabel::image).containsExactly(red, blue, broken, text, missing, red2);
        assertThat(out).extracting(ImageLabel::ok).containsExactly(true, true, false, false, false, true);
        assertThat(out.get(0).caption().render()).isEqualTo("**cat**, *moody*");
        assertThat(out.get(1).caption().render()).isEqualTo("**forest**, *serene*");
        assertThat(out.get(5).caption()).isEqualTo(out.get(0).caption());
        assertThat(out.get(2).error()).contains("13 px");
        assertThat(out.get(3).error()).isNotBlank();
        assertThat(out.get(4).error()).contains("missing.jpg");
        assertThat(out.get(2).caption().isEmpty()).isTrue();
        assertThat(progress).containsExactly("1/6 red.png", "2/6 blue.png", "3/6 broken.png", "4/6 notes.png",
                "5/6 missing.jpg", "6/6 red2.png");
    }

    @Test
    void oversizedImagesAreRefusedBeforeDecoding() throws Exception {
        Path big = png("big.png", Color.RED, 200, 200);
        Labeler labeler = new Labeler(TagRankerTest.basis(), FAKE, null, new Labeler.Options(2, 10_000));
        ImageLabel l = labeler.label(List.of(big), Labeler.Progress.NONE).get(0);
        assertThat(l.ok()).isFalse();
        assertThat(l.error()).contains("40000");
    }

    @Test
    void tinyClipEndToEndAgreesWithTheModelAndTheCaptionParser() throws Exception {
        Path model = tmp.resolve("clip");
        TinyClip.write(model, 5);
        ClipTokenizer tok = ClipTokenizer.load(model);
        List<Path> images = List.of(png("a.png", Color.ORANGE, 40, 30), png("b.png", Color.CYAN, 25, 50),
                png("c.png", Color.DARK_GRAY, 33, 33));
        try (ClipModel clip = ClipModel.load(model, TorchRuntime.open("cpu").newManager())) {
            ClipImageProcessor proc = ClipImageProcessor.forModel(model, clip.config().vision());
            // thresholds of -1 keep top_k tags of every category, whatever the random model scores
            TagVocabulary vocab = TagVocabulary.builtIn();
            List<TagCategory> open = new ArrayList<>();
            vocab.categories().forEach(c -> open.add(new TagCategory(c.name(), c.kind(), c.templates(), -1f,
                    c.topK(), c.tags())));
            Labeler labeler = Labeler.forClip(clip, tok, proc, new TagVocabulary(open), new Labeler.Options(2,
                    1_000_000));
            List<ImageLabel> out = labeler.label(images, Labeler.Progress.NONE);
            assertThat(out).allMatch(ImageLabel::ok);
            for (int i = 0; i < images.size(); i++) {
                ImageLabel l = out.get(i);
                float[] e = clip.embedImages(List.of(proc.preprocess(images.get(i))))[0];
                List<ScoredTag> single = labeler.ranker().rank(e); // batch of 1: float noise only
                assertThat(l.tags()).extracting(ScoredTag::tag)
                        .containsExactlyElementsOf(single.stream().map(ScoredTag::tag).toList());
                for (int k = 0; k < single.size(); k++) {
                    assertThat(l.tags().get(k).score()).isCloseTo(single.get(k).score(),
                            org.assertj.core.api.Assertions.within(1e-5f));
                }
                assertThat(l.tags()).hasSize(2 + 2 + 2 + 2 + 2 + 2);
                assertThat(StructuredCaption.parse(l.caption().render())).isEqualTo(l.caption());
                assertThat(l.caption().core()).isNotEmpty();
                assertThat(l.tokens()).isEqualTo(tok.countTokens(l.caption().plainText())).isPositive();
            }
            // a tag's score is the cosine between the image and the ensembled prompt embedding
            ScoredTag top = out.get(0).tags().get(0);
            TagCategory subject = vocab.category("subject");
            float[][] prompts = clip.embedTexts(tok, subject.prompts(top.tag()));
            float[] mean = new float[prompts[0].length];
            for (float[] p : prompts) {
                for (int d = 0; d < mean.length; d++) {
                    mean[d] += p[d];
                }
            }
            float[] img = clip.embedImages(List.of(proc.preprocess(images.get(0))))[0];
            float[] unit = TagEmbeddings.unit(mean);
            float cos = 0;
            for (int d = 0; d < mean.length; d++) {
                cos += unit[d] * img[d];
            }
            assertThat(top.score()).isCloseTo(cos, org.assertj.core.api.Assertions.within(1e-5f));
        }
    }
}
