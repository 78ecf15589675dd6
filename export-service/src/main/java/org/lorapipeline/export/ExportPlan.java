package org.lorapipeline.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.lorapipeline.core.config.ExportFormat;

/**
 * Which of the requested formats a run's model type can be exported to. LLaMA adapters become {@code peft},
 * {@code gguf}, {@code merged}; Stable Diffusion adapters {@code kohya} and {@code diffusers}. A format that does
 * not fit is skipped with a reason instead of failing the whole run: the config validator already refuses such
 * combinations, so one reaching this point comes from an older client or a hand-made event, and the formats that
 * do fit are still worth delivering. No formats requested means the adapter's own format.
 */
public record ExportPlan(String modelType, List<ExportFormat> formats, Map<String, String> skipped) {

    public ExportPlan {
        formats = List.copyOf(formats);
        skipped = Map.copyOf(skipped);
    }

    /** The model types the service knows; others are refused as poison (no format fits an unknown model). */
    public static final List<String> MODEL_TYPES = List.of("llama", "sd15", "sdxl");

    public static ExportPlan of(String modelType, List<String> requested) {
        String type = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        if (!MODEL_TYPES.contains(type)) {
            throw new IllegalArgumentException("modelType '" + modelType + "' is not one of " + MODEL_TYPES);
        }
        List<ExportFormat> fitting = fitting(type);
        List<ExportFormat> formats = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        List<String> asked = requested.isEmpty() ? List.of(fitting.get(0).yamlName()) : requested;
        for (String name : asked) {
            Optional<ExportFormat> f = parse(name);
            if (f.isEmpty()) {
                skipped.put(name, "unknown format; known: " + names(List.of(ExportFormat.values())));
            } else if (type.equals("sdxl") && f.get() == ExportFormat.DIFFUSERS) {
                skipped.put(name, "SDXL kohya files are not converted (their UNet names are LDM blocks); diffusers"
                        + " loads the kohya export directly: pipe.load_lora_weights(DIR, weight_name=FILE)");
            } else if (!fitting.contains(f.get())) {
                skipped.put(name, "does not apply to " + type + " models; " + type + " exports to " + names(fitting));
            } else if (!formats.contains(f.get())) {
                formats.add(f.get());
            }
        }
        return new ExportPlan(type, formats, skipped);
    }

    /** The formats of a model type, the adapter's own format first. */
    public static List<ExportFormat> fitting(String modelType) {
        return modelType.equals("llama") ? List.of(ExportFormat.PEFT, ExportFormat.GGUF, ExportFormat.MERGED)
                : List.of(ExportFormat.KOHYA, ExportFormat.DIFFUSERS);
    }

    public static Optional<ExportFormat> parse(String name) {
        for (ExportFormat f : ExportFormat.values()) {
            if (f.yamlName().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static String names(List<ExportFormat> formats) {
        return String.join(", ", formats.stream().map(ExportFormat::yamlName).toList());
    }
}
