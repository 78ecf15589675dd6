package org.lorapipeline.core.llama;

import org.lorapipeline.core.lora.LoraModel;

/** Lets tests in other packages load the tiny reference model the way {@link LlamaReferenceTest} does. */
public final class LlamaReferenceAccess {
    private LlamaReferenceAccess() {}

    public static LlamaModel loadTiny() throws Exception {
        return LlamaReferenceTest.loadTiny();
    }

    public static LoraModel applyPeft(LlamaModel model) {
        return LlamaReferenceTest.applyPeft(model);
    }

    public static long[][] maskedLabels() {
        return LlamaReferenceTest.maskedLabels();
    }
}
