package org.lorapipeline.core.engine;

import java.util.Locale;

/**
 * What the user asked for in the {@code device} key: {@code auto} (GPU when present, CPU otherwise), {@code cpu},
 * or {@code cuda:N} ({@code gpu:N} and bare {@code cuda} are accepted as synonyms, as in PyTorch).
 *
 * @param kind  which kind of device
 * @param index the GPU index for {@link Kind#CUDA}, otherwise -1
 */
public record DeviceSpec(Kind kind, int index) {

    /** The device families we can run on. */
    public enum Kind { AUTO, CPU, CUDA }

    public DeviceSpec {
        if (kind == null) {
            throw new IllegalArgumentException("device kind must not be null");
        }
        if (kind == Kind.CUDA && index < 0) {
            throw new IllegalArgumentException("device: cuda index must be >= 0, got " + index);
        }
        if (kind != Kind.CUDA && index != -1) {
            throw new IllegalArgumentException("device: only cuda takes an index, got " + kind + ":" + index);
        }
    }

    public static DeviceSpec auto() {
        return new DeviceSpec(Kind.AUTO, -1);
    }

    public static DeviceSpec cpu() {
        return new DeviceSpec(Kind.CPU, -1);
    }

    /** Parses {@code auto|cpu|cuda|cuda:N|gpu:N}; a null or blank value means {@code auto}. */
    public static DeviceSpec parse(String text) {
        if (text == null || text.isBlank()) {
            return auto();
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return auto();
        }
        if (s.equals("cpu")) {
            return cpu();
        }
        if (s.equals("cuda") || s.equals("gpu")) {
            return new DeviceSpec(Kind.CUDA, 0);
        }
        int colon = s.indexOf(':');
        if (colon > 0 && (s.startsWith("cuda:") || s.startsWith("gpu:"))) {
            try {
                return new DeviceSpec(Kind.CUDA, Integer.parseInt(s.substring(colon + 1)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("device: '" + text + "' is not one of auto, cpu, cuda:N (e.g. cuda:0)");
    }

    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
