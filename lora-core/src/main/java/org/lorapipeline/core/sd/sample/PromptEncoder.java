package org.lorapipeline.core.sd.sample;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Text conditioning for the UNet: prompts to encoder hidden states (B, 77, cross_attention_dim). */
public interface PromptEncoder {
    NDArray encode(List<String> prompts);
}
