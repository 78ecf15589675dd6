package org.lorapipeline.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code device}: {@code auto} (CUDA when present, else CPU), {@code cpu}, {@code cuda} (GPU 0) or
 * {@code cuda:N}.
 *
 * @param kind  which kind of device
 * @param index the GPU index for {@link Kind#CUDA}, else 0
 */
public record Device(Kind kind, int index) {
    public enum Kind { AUTO, CPU, CUDA }

    private static final Pattern SPEC = Pattern.compile("auto|cpu|cuda(?::(\\d{1,3}))?");

    public static final Device AUTO = new Device(Kind.AUTO, 0);
    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (kind == null) {
            throw new IllegalArgumentException("device: kind is required");
        }
        if (index < 0 || (kind != Kind.CUDA && index != 0)) {
            throw new IllegalArgumentException("device: index " + index + " is only valid for cuda:N, N >= 0");
        }
    }

    /** Parses {@code auto|cpu|cuda|cuda:N}; throws IllegalArgumentException saying what is accepted. */
    public static Device parse(String text) {
        Matcher m = SPEC.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("must be auto, cpu, cuda or cuda:N (N = GPU index), got '" + text + "'");
        }
        String spec = m.group();
        if (spec.equals("auto")) {
            return AUTO;
        }
        if (spec.equals("cpu")) {
            return CPU;
        }
        return new Device(Kind.CUDA, m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
    }

    /** The YAML spelling, e.g. {@code cuda:1}. */
    public String yamlName() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case CUDA -> "cuda:" + index;
        };
    }
}
