package org.lorapipeline.core.config;

/** The two kinds of model a run config can train; decides which keys apply and which defaults are used. */
public enum ModelFamily {
    /** Causal language models (LLaMA); {@code task_type: text-generation}. */
    LLM,
    /** Stable Diffusion 1.x / XL; {@code task_type: text-to-image}. */
    SD;

    public TaskType taskType() {
        return this == LLM ? TaskType.TEXT_GENERATION : TaskType.TEXT_TO_IMAGE;
    }
}
