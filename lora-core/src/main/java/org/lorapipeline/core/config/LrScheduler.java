package org.lorapipeline.core.config;

/** {@code lr_scheduler}, named as in diffusers/transformers {@code get_scheduler}. */
public enum LrScheduler implements YamlNamed {
    CONSTANT("constant"),
    LINEAR("linear"),
    COSINE("cosine"),
    CONSTANT_WITH_WARMUP("constant_with_warmup");

    private final String yamlName;

    LrScheduler(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
