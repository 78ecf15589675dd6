package org.lorapipeline.core.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import org.lorapipeline.core.config.MixedPrecision;

/**
 * What {@code mixed_precision} means for a run, decided in one place from the setting and the device:
 * <ul>
 *   <li>{@code no}: everything in fp32;</li>
 *   <li>{@code fp16} (CUDA only): frozen base projection weights stored in fp16 on the device and multiplied in fp16
 *       (activations cast in the autograd graph, see {@link HalfPrecision}); LoRA A/B, their gradients and the AdamW
 *       moments stay fp32 (master weights); norms, attention softmax, residual stream and loss stay fp32; dynamic
 *       loss scaling on;</li>
 *   <li>{@code bf16}: refused on every device, because DJL 0.35.1 cannot create or cast to bfloat16 without
 *       aborting the JVM.</li>
 * </ul>
 * fp16 is refused on the CPU although CPU libtorch can multiply fp16 (tests use that to check the path): PyTorch's
 * own autocast offers no fp16 on CPU, and there it is slower than fp32 with nothing gained.
 *
 * @param mode          the setting
 * @param baseWeights   storage and matmul type of the frozen base projections
 * @param lossScaling   whether gradients are computed from a scaled loss
 */
public record PrecisionPolicy(MixedPrecision mode, DataType baseWeights, boolean lossScaling) {

    public PrecisionPolicy {
        if (mode == null || baseWeights == null) {
            throw new IllegalArgumentException("precision policy needs a mode and a base weight type");
        }
        HalfPrecision.requireSupported(baseWeights);
    }

    /** fp32 everywhere. */
    public static PrecisionPolicy fp32() {
        return new PrecisionPolicy(MixedPrecision.NO, DataType.FLOAT32, false);
    }

    /** fp16 base weights and compute, fp32 master weights, loss scaling; no device check (see {@link #resolve}). */
    public static PrecisionPolicy fp16() {
        return new PrecisionPolicy(MixedPrecision.FP16, DataType.FLOAT16, true);
    }

    /**
     * The policy for {@code mixed_precision} on {@code device}.
     *
     * @throws IllegalArgumentException naming {@code mixed_precision} and what to set instead when the device (or DJL)
     *                                  cannot run it
     */
    public static PrecisionPolicy resolve(MixedPrecision mode, Device device) {
        return switch (mode) {
            case NO -> fp32();
            case FP16 -> {
                if (!device.isGpu()) {
                    throw new IllegalArgumentException("mixed_precision: fp16 needs a CUDA GPU, but this run is on "
                            + device + " (no GPU visible to PyTorch, or device: cpu); set mixed_precision: \"no\"");
                }
                yield fp16();
            }
            case BF16 -> throw new IllegalArgumentException("mixed_precision: bf16 is not supported: DJL 0.35.1's"
                    + " PyTorch engine has no bfloat16 type (creating or casting to one aborts the JVM). Set"
                    + " mixed_precision: fp16 on a CUDA GPU, or \"no\"");
        };
    }

    /** For the run's start line, e.g. {@code fp16 (base weights fp16, LoRA/AdamW fp32, loss scaling)}. */
    public String describe() {
        if (mode == MixedPrecision.NO) {
            return "fp32";
        }
        return mode.yamlName() + " (base weights " + baseWeights.name().toLowerCase(Locale.ROOT)
                + ", LoRA/AdamW fp32" + (lossScaling ? ", dynamic loss scaling)" : ")");
    }
}
