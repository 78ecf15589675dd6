package org.lorapipeline.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipeline.core.config.ExportFormat;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.runtime.ModelCache;
import org.lorapipeline.runtime.PoisonEventException;

/** Writes one format of a run into an empty folder and checks it re-reads; returns the format's main file. */
final class FormatWriter {

    /** What every format is made from: the downloaded adapter folder and the run's config. */
    record Inputs(String runId, String modelType, Path adapterDir, TrainedRunConfig config) {}

    private final ModelCache models;
    private final LlamaExporter llama;

    FormatWriter(ModelCache models, LlamaExporter llama) {
        this.models = models;
        this.llama = llama;
    }

    Path write(ExportFormat format, Inputs in, Path out) throws IOException {
        return switch (format) {
            case PEFT -> {
                Path main = llama.peft(in.adapterDir(), out);
                ExportVerifier.peft(out);
                yield main;
            }
            case GGUF -> {
                int tensors = ExportVerifier.peft(in.adapterDir());
                Path main = llama.gguf(in.adapterDir(), baseConfig(in), in.config().outputName(), out);
                ExportVerifier.gguf(main, tensors);
                yield main;
            }
            case MERGED -> {
                Path base = models.resolve(in.config().baseModel());
                PeftAdapter adapter = ExportVerifier.read(in.adapterDir());
                if (!adapter.config().rank_pattern().isEmpty() || !adapter.config().alpha_pattern().isEmpty()) {
                    throw new ExportVerificationException(in.adapterDir().resolve(PeftAdapter.CONFIG_FILE),
                            "rank_pattern/alpha_pattern are not supported by the merge");
                }
                Path main = llama.merged(in.adapterDir(), Files.isDirectory(base) ? base : base.getParent(), out);
                ExportVerifier.merged(out, Files.isDirectory(base) ? base : base.getParent(), ExportVerifier.modules(adapter));
                yield main;
            }
            case KOHYA -> {
                Path source = SdExporter.kohyaFile(in.adapterDir(), in.config().outputName());
                Path main = SdExporter.kohya(source, out);
                ExportVerifier.kohya(main, source);
                yield main;
            }
            case DIFFUSERS -> {
                Path source = SdExporter.kohyaFile(in.adapterDir(), in.config().outputName());
                Path main;
                try {
                    main = SdExporter.diffusers(source, out);
                } catch (RuntimeException e) {
                    throw new ExportVerificationException(source, "cannot convert to diffusers: " + e.getMessage());
                }
                ExportVerifier.diffusers(main, source);
                yield main;
            }
        };
    }

    /**
     * The base model's config.json for the GGUF head counts: the copy train-service stores beside the adapter, else
     * the base model's own (downloaded into the model cache).
     */
    private Path baseConfig(Inputs in) {
        Path copy = in.adapterDir().resolve(LlamaExporter.BASE_CONFIG);
        if (Files.isRegularFile(copy)) {
            return copy;
        }
        Path base = models.resolve(in.config().baseModel());
        Path config = (Files.isDirectory(base) ? base : base.getParent()).resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new PoisonEventException("run " + in.runId() + ": the adapter has no " + LlamaExporter.BASE_CONFIG
                    + " and base_model " + in.config().baseModel() + " has no config.json; GGUF needs the base model's"
                    + " head counts");
        }
        return config;
    }
}
