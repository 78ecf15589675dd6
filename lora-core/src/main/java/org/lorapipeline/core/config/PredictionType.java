package org.lorapipeline.core.config;

/** {@code prediction_type}: what the UNet predicts (SD 1.x/XL: epsilon; SD 2.x-v: v_prediction). */
public enum PredictionType implements YamlNamed {
    EPSILON("epsilon"),
    V_PREDICTION("v_prediction");

    private final String yamlName;

    PredictionType(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
