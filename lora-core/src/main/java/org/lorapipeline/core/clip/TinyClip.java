package org.lorapipeline.core.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * Writes a tiny random CLIP in the exact Hugging Face {@code CLIPModel} folder layout (config.json,
 * model.safetensors with HF tensor names, vocab.json, merges.txt, preprocessor_config.json), so the loading code
 * that reads openai/clip-vit-large-patch14 runs in tests in milliseconds. The tokenizer is learned from a small
 * built-in tag corpus ({@link BpeTrainer}). Same seed, same bytes.
 *
 * <p>The text tower uses quick_gelu and the vision tower gelu so one tiny model exercises both activations.
 */
public final class TinyClip {
    public static final int TEXT_HIDDEN = 32;
    public static final int TEXT_INTERMEDIATE = 64;
    public static final int TEXT_HEADS = 4;
    public static final int TEXT_LAYERS = 2;
    public static final int VISION_HIDDEN = 48;
    public static final int VISION_INTERMEDIATE = 96;
    public static final int VISION_HEADS = 4;
    public static final int VISION_LAYERS = 2;
    public static final int IMAGE_SIZE = 32;
    public static final int PATCH_SIZE = 8;
    public static final int PROJECTION_DIM = 24;
    public static final int MERGES = 200;

    /** Tag-like phrases the tiny tokenizer learns its merges from. */
    static final List<String> CORPUS = List.of(
            "a photo of a cat", "a photo of a dog", "a portrait of a woman", "a portrait of a man",
            "cyberpunk cityscape", "neon lights", "rain-soaked streets", "ink wash", "chinese ink style",
            "high contrast", "soft glow", "golden hour lighting", "studio lighting", "dramatic lighting",
            "in the style of watercolor", "in the style of oil painting", "in the style of pixel art",
            "moody atmosphere", "cheerful mood", "calm and serene", "close-up shot", "wide angle shot",
            "symmetrical composition", "rule of thirds", "red and orange colors", "blue and teal colors",
            "black and white", "pastel colors", "mountain landscape", "forest at night", "robot monk",
            "cherry blossoms", "futuristic temple", "floating above clouds", "glowing lanterns",
            "a photo of a house", "a photo of a car", "a painting of a ship", "a sketch of a bird",
            "the lighting is dramatic", "the colors are vivid", "the mood is melancholic");

    private TinyClip() {}

    /** The config written by {@link #write}, for a tokenizer of {@code vocabSize} entries. */
    public static ClipConfig config(int vocabSize, int eosTokenId) {
        return new ClipConfig(
                new ClipTextConfig(TEXT_HIDDEN, TEXT_INTERMEDIATE, TEXT_HEADS, TEXT_LAYERS,
                        ClipTokenizer.CONTEXT_LENGTH, vocabSize, ClipTextConfig.Activation.QUICK_GELU, 1e-5,
                        eosTokenId),
                new ClipVisionConfig(VISION_HIDDEN, VISION_INTERMEDIATE, VISION_HEADS, VISION_LAYERS, IMAGE_SIZE,
                        PATCH_SIZE, 3, ClipTextConfig.Activation.GELU, 1e-5),
                PROJECTION_DIM, Math.log(1 / 0.07));
    }

    /** Writes the folder (created if missing); existing files of the same names are replaced. */
    public static void write(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        BpeTrainer.Result bpe = BpeTrainer.train(CORPUS, MERGES);
        int eos = bpe.vocab().get(ClipTokenizer.EOS);
        ClipConfig config = config(bpe.vocab().size(), eos);
        writeJson(dir.resolve("config.json"), configJson(config, bpe.vocab()));
        writeTokenizer(dir, bpe);
        writeJson(dir.resolve("preprocessor_config.json"), preprocessorJson());
        weights(config, seed).write(dir.resolve("model.safetensors"));
    }

    private static ObjectNode configJson(ClipConfig c, Map<String, Integer> vocab) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putArray("architectures").add("CLIPModel");
        root.put("model_type", "clip");
        root.put("projection_dim", c.projectionDim());
        root.put("logit_scale_init_value", c.logitScaleInitValue());
        ObjectNode t = root.putObject("text_config");
        t.put("model_type", "clip_text_model");
        t.put("hidden_size", c.text().hiddenSize());
        t.put("intermediate_size", c.text().intermediateSize());
        t.put("num_attention_heads", c.text().numAttentionHeads());
        t.put("num_hidden_layers", c.text().numHiddenLayers());
        t.put("max_position_embeddings", c.text().maxPositionEmbeddings());
        t.put("vocab_size", c.text().vocabSize());
        t.put("hidden_act", c.text().hiddenAct().key());
        t.put("layer_norm_eps", c.text().layerNormEps());
        t.put("bos_token_id", vocab.get(ClipTokenizer.BOS));
        t.put("eos_token_id", c.text().eosTokenId());
        t.put("pad_token_id", c.text().eosTokenId());
        t.put("projection_dim", c.projectionDim());
        ObjectNode v = root.putObject("vision_config");
        v.put("model_type", "clip_vision_model");
        v.put("hidden_size", c.vision().hiddenSize());
        v.put("intermediate_size", c.vision().intermediateSize());
        v.put("num_attention_heads", c.vision().numAttentionHeads());
        v.put("num_hidden_layers", c.vision().numHiddenLayers());
        v.put("image_size", c.vision().imageSize());
        v.put("patch_size", c.vision().patchSize());
        v.put("num_channels", c.vision().numChannels());
        v.put("hidden_act", c.vision().hiddenAct().key());
        v.put("layer_norm_eps", c.vision().layerNormEps());
        v.put("projection_dim", c.projectionDim());
        return root;
    }

    private static ObjectNode preprocessorJson() {
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.put("image_processor_type", "CLIPImageProcessor");
        p.put("do_resize", true);
        p.putObject("size").put("shortest_edge", IMAGE_SIZE);
        p.put("resample", 3);
        p.put("do_center_crop", true);
        p.putObject("crop_size").put("height", IMAGE_SIZE).put("width", IMAGE_SIZE);
        p.put("do_rescale", true);
        p.put("rescale_factor", 1 / 255.0);
        p.put("do_normalize", true);
        var mean = p.putArray("image_mean");
        var std = p.putArray("image_std");
        for (int i = 0; i < 3; i++) {
            mean.add(ClipImageProcessor.OPENAI_MEAN[i]);
            std.add(ClipImageProcessor.OPENAI_STD[i]);
        }
        p.put("do_convert_rgb", true);
        return p;
    }

    static void writeTokenizer(Path dir, BpeTrainer.Result bpe) throws IOException {
        ObjectNode vocab = new ObjectMapper().createObjectNode();
        bpe.vocab().forEach(vocab::put);
        writeJson(dir.resolve("vocab.json"), vocab);
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        bpe.merges().forEach(m -> merges.append(m).append('\n'));
        Files.writeString(dir.resolve("merges.txt"), merges, StandardCharsets.UTF_8);
    }

    static void writeJson(Path file, ObjectNode node) throws IOException {
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
    }

    /** Every tensor a CLIPModel has, with HF names and shapes, filled from the seed in name order. */
    static SafetensorsWriter weights(ClipConfig c, long seed) {
        SafetensorsWriter w = new SafetensorsWriter();
        values(c, seed).forEach((name, t) -> w.add(name, t, DType.F32));
        return w;
    }

    /** The values {@link #weights} writes, by HF name in name order. */
    static Map<String, FloatTensor> values(ClipConfig c, long seed) {
        Map<String, long[]> shapes = shapes(c);
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        shapes.keySet().stream().sorted().forEach(name -> {
            long[] shape = shapes.get(name);
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                double u = rng.nextDouble() * 2 - 1;
                v[i] = (float) init(name, u);
            }
            if (name.equals("logit_scale")) {
                v[0] = (float) c.logitScaleInitValue();
            }
            out.put(name, new FloatTensor(shape, v));
        });
        return out;
    }

    /** Scales chosen so activations stay O(1) through two layers (a real model's 0.02 init would hide bugs). */
    private static double init(String name, double u) {
        if (name.contains("layer_norm") || name.contains("layrnorm") || name.contains("layernorm")) {
            return name.endsWith(".weight") ? 1 + 0.1 * u : 0.05 * u;
        }
        if (name.endsWith(".bias")) {
            return 0.05 * u;
        }
        if (name.contains("embedding") || name.endsWith("class_embedding")) {
            return name.contains("patch_embedding") ? 0.15 * u : 0.5 * u;
        }
        return 0.3 * u;
    }

    static Map<String, long[]> shapes(ClipConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        ClipTextConfig t = c.text();
        ClipVisionConfig v = c.vision();
        s.put("text_model.embeddings.token_embedding.weight", new long[] {t.vocabSize(), t.hiddenSize()});
        s.put("text_model.embeddings.position_embedding.weight",
                new long[] {t.maxPositionEmbeddings(), t.hiddenSize()});
        layers(s, "text_model.encoder", t.numHiddenLayers(), t.hiddenSize(), t.intermediateSize());
        s.put("text_model.final_layer_norm.weight", new long[] {t.hiddenSize()});
        s.put("text_model.final_layer_norm.bias", new long[] {t.hiddenSize()});
        s.put("vision_model.embeddings.class_embedding", new long[] {v.hiddenSize()});
        s.put("vision_model.embeddings.patch_embedding.weight",
                new long[] {v.hiddenSize(), v.numChannels(), v.patchSize(), v.patchSize()});
        s.put("vision_model.embeddings.position_embedding.weight", new long[] {v.numPositions(), v.hiddenSize()});
        s.put("vision_model.pre_layrnorm.weight", new long[] {v.hiddenSize()});
        s.put("vision_model.pre_layrnorm.bias", new long[] {v.hiddenSize()});
        layers(s, "vision_model.encoder", v.numHiddenLayers(), v.hiddenSize(), v.intermediateSize());
        s.put("vision_model.post_layernorm.weight", new long[] {v.hiddenSize()});
        s.put("vision_model.post_layernorm.bias", new long[] {v.hiddenSize()});
        s.put("text_projection.weight", new long[] {c.projectionDim(), t.hiddenSize()});
        s.put("visual_projection.weight", new long[] {c.projectionDim(), v.hiddenSize()});
        s.put("logit_scale", new long[] {});
        return s;
    }

    private static void layers(Map<String, long[]> s, String prefix, int n, int h, int inter) {
        for (int i = 0; i < n; i++) {
            String p = prefix + ".layers." + i + ".";
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                s.put(p + "self_attn." + proj + ".weight", new long[] {h, h});
                s.put(p + "self_attn." + proj + ".bias", new long[] {h});
            }
            s.put(p + "layer_norm1.weight", new long[] {h});
            s.put(p + "layer_norm1.bias", new long[] {h});
            s.put(p + "layer_norm2.weight", new long[] {h});
            s.put(p + "layer_norm2.bias", new long[] {h});
            s.put(p + "mlp.fc1.weight", new long[] {inter, h});
            s.put(p + "mlp.fc1.bias", new long[] {inter});
            s.put(p + "mlp.fc2.weight", new long[] {h, inter});
            s.put(p + "mlp.fc2.bias", new long[] {h});
        }
    }
}
