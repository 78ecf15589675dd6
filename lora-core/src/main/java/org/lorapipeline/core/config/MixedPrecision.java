package org.lorapipeline.core.config;

/** {@code mixed_precision}, spelled as kohya and accelerate spell it. */
public enum MixedPrecision implements YamlNamed {
    NO("no"),
    FP16("fp16"),
    BF16("bf16");

    private final String yamlName;

    MixedPrecision(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
