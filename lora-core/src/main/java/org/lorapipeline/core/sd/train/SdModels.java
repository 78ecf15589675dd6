package org.lorapipeline.core.sd.train;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.lorapipeline.core.clip.ClipTextModel;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.clip.ClipTokenizerLocator;
import org.lorapipeline.core.sd.StableDiffusionCheckpoint;
import org.lorapipeline.core.sd.unet.UNet2DConditionModel;
import org.lorapipeline.core.sd.vae.AutoencoderKL;

/**
 * Everything of a Stable Diffusion base model a LoRA run uses, loaded once: UNet, VAE, CLIP text encoder and
 * tokenizer, from a diffusers folder or a single LDM file. Closing releases the weights and the file.
 *
 * @param textEncoderManager owns the text encoder's weights (the UNet and VAE own theirs)
 */
public record SdModels(StableDiffusionCheckpoint checkpoint, UNet2DConditionModel unet, AutoencoderKL vae,
                       ClipTextModel textEncoder, NDManager textEncoderManager, ClipTokenizer tokenizer)
        implements AutoCloseable {

    /**
     * @param tokenizerPath {@code tokenizer_path} or null to look beside the model and in the Hugging Face cache
     * @param manager       parent of the models' managers (a runtime's)
     */
    public static SdModels load(Path baseModel, Path tokenizerPath, NDManager manager, ClipTokenizerLocator locator)
            throws IOException {
        StableDiffusionCheckpoint c = StableDiffusionCheckpoint.open(baseModel);
        NDManager te = manager.newSubManager();
        try {
            ClipTokenizer tokenizer = SdTextEncoders.tokenizer(tokenizerPath, baseModel, locator);
            ClipTextModel text = SdTextEncoders.load(c, te);
            UNet2DConditionModel unet = c.loadUNet(manager.newSubManager());
            if (unet.config().crossAttentionDim() != text.config().hiddenSize()) {
                throw new IllegalArgumentException(baseModel + ": the UNet attends to " + unet.config()
                        .crossAttentionDim() + "-wide text states but the text encoder is " + text.config()
                        .hiddenSize() + " wide; the parts belong to different models");
            }
            return new SdModels(c, unet, c.loadVae(manager.newSubManager()), text, te, tokenizer);
        } catch (RuntimeException | IOException e) {
            te.close();
            c.close();
            throw e;
        }
    }

    @Override
    public void close() {
        unet.close();
        vae.close();
        textEncoderManager.close();
        checkpoint.close();
    }
}
