package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.lorapipeline.core.clip.ClipTextModel;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.engine.Tensors;

/**
 * SD 1.x conditioning: CLIP tokens padded to 77 with EOS, the text model's last hidden state after the final layer
 * norm ({@code skipLastLayers} > 0 for kohya's clip_skip; 1 = clip_skip 2). Prompts longer than 77 tokens are
 * truncated, as diffusers' pipeline does. Arrays are created in {@code manager}.
 */
public final class ClipPromptEncoder implements PromptEncoder {
    private final ClipTextModel model;
    private final ClipTokenizer tokenizer;
    private final NDManager manager;
    private final int skipLastLayers;

    public ClipPromptEncoder(ClipTextModel model, ClipTokenizer tokenizer, NDManager manager, int skipLastLayers) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.skipLastLayers = skipLastLayers;
    }

    public ClipPromptEncoder(ClipTextModel model, ClipTokenizer tokenizer, NDManager manager) {
        this(model, tokenizer, manager, 0);
    }

    /** (B, 77, hidden) */
    @Override
    public NDArray encode(List<String> prompts) {
        NDArray ids = Tensors.ids(manager, tokenizer.encodeBatch(prompts)); // (B, 77)
        return model.encode(ids, skipLastLayers, false);
    }
}
