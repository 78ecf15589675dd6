package org.lorapipeline.core.config;

/**
 * Where and how numerically the run executes.
 *
 * @param mixedPrecision {@code mixed_precision}
 * @param seed           {@code seed}
 * @param device         {@code device}
 */
public record RuntimeSection(MixedPrecision mixedPrecision, int seed, Device device) {
    public RuntimeSection {
        ConfigKeys.MIXED_PRECISION.require(mixedPrecision);
        ConfigKeys.SEED.require(seed);
        ConfigKeys.DEVICE.require(device == null ? null : device.yamlName());
    }
}
