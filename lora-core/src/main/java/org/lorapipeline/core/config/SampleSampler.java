package org.lorapipeline.core.config;

/** {@code sample_sampler}: the scheduler used for preview images during training. */
public enum SampleSampler implements YamlNamed {
    DDIM("ddim"),
    /** Euler without noise (diffusers EulerDiscreteScheduler, kohya's "euler"). */
    EULER("euler"),
    /** Euler ancestral (diffusers EulerAncestralDiscreteScheduler, kohya's and A1111's "euler_a"). */
    EULER_A("euler_a");

    private final String yamlName;

    SampleSampler(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
