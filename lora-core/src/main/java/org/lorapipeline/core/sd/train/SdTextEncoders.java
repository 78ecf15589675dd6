package org.lorapipeline.core.sd.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.lorapipeline.core.clip.ClipTextConfig;
import org.lorapipeline.core.clip.ClipTextModel;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.clip.ClipTokenizerLocator;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.sd.StableDiffusionCheckpoint;

/**
 * The CLIP text encoder and tokenizer of a Stable Diffusion base model, for either layout: a diffusers folder's
 * {@code text_encoder/} (config.json + weights) and {@code tokenizer/}, or a single LDM file's
 * {@code cond_stage_model.transformer.*} tensors (seen with transformers' {@code text_model.*} names by
 * {@link StableDiffusionCheckpoint}) with the tokenizer found by {@link ClipTokenizerLocator}, since a single file
 * carries no vocabulary.
 */
public final class SdTextEncoders {
    /** CLIP ViT-L/14's text tower: 64-wide heads, the width every SD 1.x single file's text encoder has. */
    static final int VIT_L_HEAD_DIM = 64;

    private SdTextEncoders() {}

    /**
     * Loads the text encoder into {@code manager}.
     *
     * @throws IllegalArgumentException when the checkpoint has no text encoder, naming where it looked
     */
    public static ClipTextModel load(StableDiffusionCheckpoint checkpoint, NDManager manager) throws IOException {
        if (checkpoint.textEncoderConfig().isPresent()) {
            return ClipTextModel.load(checkpoint.textEncoderConfig().get().getParent(), manager);
        }
        TensorSource weights = checkpoint.textEncoderWeights().orElseThrow(() -> new IllegalArgumentException(
                checkpoint.path() + " has no CLIP text encoder ("
                        + (checkpoint.layout() == StableDiffusionCheckpoint.Layout.DIFFUSERS
                        ? "no text_encoder/ folder with config.json" : "no cond_stage_model.transformer.* tensors")
                        + "); use a full Stable Diffusion 1.x checkpoint"));
        ClipTextConfig config = checkpoint.singleFileTextEncoderConfig().isPresent()
                ? ClipTextConfig.fromJson(new ObjectMapper().readTree(checkpoint.singleFileTextEncoderConfig().get()))
                : inferSingleFileConfig(weights, checkpoint.path());
        return ClipTextModel.load(weights, config, manager, checkpoint.path() + " (text encoder)");
    }

    /**
     * The text tower's config read off a single file's tensor shapes, with the heads of CLIP ViT-L/14 (64 wide),
     * the encoder SD 1.x was trained with; everything else (quick_gelu, eps 1e-5) is that model's too.
     */
    static ClipTextConfig inferSingleFileConfig(TensorSource w, Path file) {
        long[] tok = shape(w, "text_model.embeddings.token_embedding.weight", file);
        long[] pos = shape(w, "text_model.embeddings.position_embedding.weight", file);
        long[] fc1 = shape(w, "text_model.encoder.layers.0.mlp.fc1.weight", file);
        int hidden = (int) tok[1];
        if (hidden % VIT_L_HEAD_DIM != 0) {
            throw new IllegalArgumentException(file + ": text encoder width " + hidden + " is not CLIP ViT-L/14's"
                    + " layout (64-wide heads), and the file states no text encoder config; use a diffusers folder"
                    + " with text_encoder/config.json");
        }
        int layers = 0;
        while (w.contains("text_model.encoder.layers." + layers + ".self_attn.q_proj.weight")) {
            layers++;
        }
        return new ClipTextConfig(hidden, (int) fc1[0], hidden / VIT_L_HEAD_DIM, layers, (int) pos[0], (int) tok[0],
                ClipTextConfig.Activation.QUICK_GELU, 1e-5, 2);
    }

    private static long[] shape(TensorSource w, String name, Path file) {
        if (!w.contains(name)) {
            throw new IllegalArgumentException(file + ": text encoder tensor cond_stage_model.transformer."
                    + name + " is missing; is this a complete SD 1.x checkpoint?");
        }
        return w.info(name).shape();
    }

    /**
     * The CLIP tokenizer: {@code tokenizer_path} when set, else the diffusers {@code tokenizer/} folder, else the
     * Hugging Face cache's openai/clip-vit-large-patch14; the error lists every place looked at.
     */
    public static ClipTokenizer tokenizer(Path tokenizerPath, Path baseModel, ClipTokenizerLocator locator)
            throws IOException {
        try {
            return locator.load(tokenizerPath, baseModel);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenizer_path: " + e.getMessage(), e);
        }
    }
}
