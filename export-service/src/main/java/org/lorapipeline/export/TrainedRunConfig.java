package org.lorapipeline.export;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.lorapipeline.core.config.ConfigException;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.runtime.PoisonEventException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the export needs from the config a run trained with ({@code runs/<runId>/config.yaml}).
 *
 * @param outputName {@code output_name}: names the kohya and GGUF files, as {@code lora train} names them
 * @param baseModel  {@code base_model} exactly as written: an {@code s3://} URI or a path on the worker. Read from the
 *                   raw YAML because the typed config holds it as a {@code Path}, which folds {@code s3://} to
 *                   {@code s3:/}
 */
record TrainedRunConfig(String outputName, String baseModel) {

    TrainedRunConfig {
        if (outputName == null || outputName.isBlank()) {
            throw new IllegalArgumentException("outputName must not be blank");
        }
        if (baseModel == null || baseModel.isBlank()) {
            throw new IllegalArgumentException("baseModel must not be blank");
        }
    }

    static TrainedRunConfig parse(byte[] yaml, String source) {
        String text = new String(yaml, StandardCharsets.UTF_8);
        RunConfig config;
        try {
            config = RunConfig.parse(text, source);
        } catch (ConfigException e) {
            throw new PoisonEventException(source + " is not a valid run config: " + e.getMessage(), e);
        }
        Object raw = null;
        if (new Yaml(new SafeConstructor(new LoaderOptions())).load(text) instanceof Map<?, ?> map) {
            raw = map.get("base_model");
        }
        String base = raw == null ? config.model().baseModel().toString() : raw.toString().strip();
        return new TrainedRunConfig(config.output().outputName(), base);
    }
}
