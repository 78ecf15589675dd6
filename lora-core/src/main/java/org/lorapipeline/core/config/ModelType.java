package org.lorapipeline.core.config;

/**
 * {@code model_type}. {@code auto} leaves the architecture to the model loader, which reads it from the
 * checkpoint; the config then takes its family from {@code task_type}.
 */
public enum ModelType implements YamlNamed {
    AUTO("auto", null),
    LLAMA("llama", ModelFamily.LLM),
    SD15("sd15", ModelFamily.SD),
    SDXL("sdxl", ModelFamily.SD);

    private final String yamlName;
    private final ModelFamily family;

    ModelType(String yamlName, ModelFamily family) {
        this.yamlName = yamlName;
        this.family = family;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The family this architecture belongs to, or {@code null} for {@code auto}. */
    public ModelFamily family() {
        return family;
    }
}
