package org.lorapipeline.train;

import java.util.List;
import org.lorapipeline.core.config.Device;
import org.lorapipeline.core.config.ExportFormat;
import org.lorapipeline.core.config.ModelFamily;
import org.lorapipeline.core.config.ModelType;
import org.lorapipeline.core.config.RunConfig;

/**
 * What the router decides for a run from its config alone.
 *
 * @param modelType     {@code llama}, {@code sd15} or {@code sdxl}: {@code model_type}, or for {@code auto} the
 *                      family's default ({@code sdxl} must be named; an auto SD config is taken as SD 1.5)
 * @param requiresGpu   {@code device: cuda:N}: the run goes to the GPU queue and waits for a GPU worker. {@code auto}
 *                      and {@code cpu} runs go to the shared queue; {@code auto} uses a GPU when the worker has one
 * @param exportFormats {@code export_formats} as written, for export-service
 */
public record JobRoute(String modelType, boolean requiresGpu, List<String> exportFormats) {
    public JobRoute {
        if (!List.of("llama", "sd15", "sdxl").contains(modelType)) {
            throw new IllegalArgumentException("modelType must be llama, sd15 or sdxl, got " + modelType);
        }
        exportFormats = List.copyOf(exportFormats);
    }

    public static JobRoute of(RunConfig config) {
        ModelType type = config.model().modelType();
        String modelType = type != ModelType.AUTO ? type.yamlName()
                : config.family() == ModelFamily.LLM ? ModelType.LLAMA.yamlName() : ModelType.SD15.yamlName();
        boolean gpu = config.runtime().device().kind() == Device.Kind.CUDA;
        return new JobRoute(modelType, gpu, config.output().exportFormats().stream().map(ExportFormat::yamlName).toList());
    }

    /**
     * The one format a worker trains into ({@code peft} for LLaMA, {@code kohya} for Stable Diffusion): the adapter
     * itself. Every other format is made from it by export-service, so workers spend their time training.
     */
    public static ExportFormat canonicalFormat(RunConfig config) {
        return config.family() == ModelFamily.LLM ? ExportFormat.PEFT : ExportFormat.KOHYA;
    }
}
