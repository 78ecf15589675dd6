package org.lorapipeline.core.config;

/**
 * Where and how numerically the run executes.
 *
 * @param mixedPrecision {@code mixed_precision}
 * @param seed           {@code seed}
 * @param device         {@code device}
 * @param numGpus        {@code num_gpus}: data parallel over this many GPUs, from the device's index on
 */
public record RuntimeSection(MixedPrecision mixedPrecision, int seed, Device device, int numGpus) {
    public RuntimeSection {
        ConfigKeys.MIXED_PRECISION.require(mixedPrecision);
        ConfigKeys.SEED.require(seed);
        ConfigKeys.DEVICE.require(device == null ? null : device.yamlName());
        ConfigKeys.NUM_GPUS.require(numGpus);
    }

    /** One device, no data parallelism. */
    public RuntimeSection(MixedPrecision mixedPrecision, int seed, Device device) {
        this(mixedPrecision, seed, device, 1);
    }
}
