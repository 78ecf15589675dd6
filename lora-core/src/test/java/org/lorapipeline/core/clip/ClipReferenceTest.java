package org.lorapipeline.core.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.engine.TorchRuntime;

/** The tiny CLIP against make_reference.py (an independent float64 torch forward and Pillow pre-processing). */
class ClipReferenceTest {
    private static final float TOL = 1e-4f;
    private static ClipModel model;

    @BeforeAll
    static void load() throws Exception {
        model = ClipModel.load(ClipReference.tinyClip(), TorchRuntime.open("cpu").newManager());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static float[] expected(String key) {
        return ClipReference.floats(ClipReference.json().get(key));
    }

    @Test
    void committedTinyClipIsExactlyWhatTheJavaGeneratorWrites(@TempDir Path tmp) throws Exception {
        TinyClip.write(tmp, ClipReference.SEED);
        try (var files = Files.list(ClipReference.tinyClip())) {
            for (Path f : files.toList()) {
                assertThat(Files.readAllBytes(tmp.resolve(f.getFileName().toString()))).as(f.getFileName().toString())
                        .isEqualTo(Files.readAllBytes(f));
            }
        }
    }

    @Test
    void textTowerMatchesHiddenStatesPooledAndProjected() {
        long[][] ids = ClipReference.longRows(ClipReference.json().get("input_ids"));
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = Tensors.ids(m, ids);
            ClipTextModel.Output out = model.text().forward(x, false);
            assertThat(out.lastHiddenState().getShape().getShape()).containsExactly(2, 77, TinyClip.TEXT_HIDDEN);
            assertThat(out.lastHiddenState().toFloatArray()).containsExactly(expected("text_last_hidden"), within(TOL));
            assertThat(out.pooled().toFloatArray()).containsExactly(expected("text_pooled"), within(TOL));
            assertThat(model.text().encode(x, 1, false).toFloatArray())
                    .containsExactly(expected("text_hidden_skip1"), within(TOL));
            assertThat(model.textEmbeds(x).toFloatArray()).containsExactly(expected("text_embeds"), within(TOL));
        }
    }

    @Test
    void pillowBicubicResizeIsBitExact() throws Exception {
        JsonNode resized = ClipReference.json().get("resized");
        for (var it = resized.fields(); it.hasNext(); ) {
            var e = it.next();
            BufferedImage src = ImageIO.read(ClipReference.dir().resolve(e.getValue().get("source").asText()).toFile());
            ClipImageProcessor p = ClipImageProcessor.openai(e.getValue().get("shortest_edge").asInt());
            int[] actual = p.resizeShortestEdge(ClipImageProcessor.rgb(src), src.getWidth(), src.getHeight());
            BufferedImage exp = ImageIO.read(ClipReference.dir().resolve(e.getKey()).toFile());
            assertThat(p.outputSize(src.getWidth(), src.getHeight()))
                    .as(e.getKey()).containsExactly(exp.getWidth(), exp.getHeight());
            assertThat(actual).as(e.getKey()).containsExactly(ClipImageProcessor.rgb(exp));
        }
    }

    @Test
    void preprocessedPixelsMatchForRgbRgbaAndGreyImages() throws Exception {
        assertThat(pixels()).containsExactly(expected("pixel_values"), within(1e-6f));
    }

    private static float[] pixels() throws Exception {
        ClipImageProcessor p = ClipImageProcessor.forModel(ClipReference.tinyClip(), model.config().vision());
        List<float[]> each = new ArrayList<>();
        for (JsonNode name : ClipReference.json().get("images")) {
            each.add(p.preprocess(ClipReference.dir().resolve(name.asText())));
        }
        int n = each.get(0).length;
        float[] all = new float[n * each.size()];
        for (int i = 0; i < each.size(); i++) {
            System.arraycopy(each.get(i), 0, all, i * n, n);
        }
        return all;
    }

    @Test
    void visionTowerMatchesFromTheImageFiles() throws Exception {
        int s = TinyClip.IMAGE_SIZE;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray px = Tensors.create(m, pixels(), 3, 3, s, s);
            ClipVisionModel.Output out = model.vision().forward(px, false);
            assertThat(out.lastHiddenState().toFloatArray()).containsExactly(expected("vision_last_hidden"),
                    within(TOL));
            assertThat(out.pooled().toFloatArray()).containsExactly(expected("image_pooled"), within(TOL));
            assertThat(model.imageEmbeds(px).toFloatArray()).containsExactly(expected("image_embeds"), within(TOL));
        }
    }

    @Test
    void logitsFromNormalisedEmbeddingsMatch() throws Exception {
        long[][] ids = ClipReference.longRows(ClipReference.json().get("input_ids"));
        float[][] t = model.embedTokens(ids);
        int s = TinyClip.IMAGE_SIZE;
        float[] all = pixels();
        List<float[]> imgs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            imgs.add(java.util.Arrays.copyOfRange(all, i * 3 * s * s, (i + 1) * 3 * s * s));
        }
        float[][] im = model.embedImages(imgs);
        float[] logits = new float[im.length * t.length];
        for (int i = 0; i < im.length; i++) {
            for (int j = 0; j < t.length; j++) {
                float dot = 0;
                for (int k = 0; k < t[j].length; k++) {
                    dot += im[i][k] * t[j][k];
                }
                logits[i * t.length + j] = model.logitScale() * dot;
            }
        }
        assertThat(model.logitScale()).isCloseTo((float) ClipReference.json().get("logit_scale").asDouble(),
                within(1e-4f));
        assertThat(logits).containsExactly(expected("logits_per_image"), within(1e-3f));
    }

    @Test
    void textLoraLinearsAreNamedByHfModulePath() {
        assertThat(model.text().linears()).containsKeys("text_model.encoder.layers.0.self_attn.q_proj",
                "text_model.encoder.layers.1.mlp.fc2");
        assertThat(model.text().linears()).hasSize(TinyClip.TEXT_LAYERS * 6);
    }
}
