package org.lorapipeline.export;

import org.lorapipeline.core.config.ExportFormat;

/**
 * The {@code usageHint} of a model.exported event: the one line a user of each tool types to load the file. Paths are
 * the ones {@code lora pull RUN --format F -o DIR} produces.
 */
final class UsageHints {
    private UsageHints() {}

    static String of(ExportFormat format, String runId, String outputName, String mainFile) {
        String pull = "lora pull " + runId + " --format " + format.yamlName() + " -o DIR";
        return switch (format) {
            case KOHYA -> "<lora:" + outputName + ":0.7> in the prompt; " + pull + ", then copy DIR/" + mainFile
                    + " into stable-diffusion-webui/models/Lora (or ComfyUI/models/loras)";
            case DIFFUSERS -> pull + "; pipe.load_lora_weights(\"DIR\", weight_name=\"" + mainFile + "\")";
            case PEFT -> pull + "; PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(BASE), \"DIR\")";
            case GGUF -> pull + "; llama-cli -m BASE.gguf --lora DIR/" + mainFile;
            case MERGED -> pull + "; AutoModelForCausalLM.from_pretrained(\"DIR\")";
        };
    }
}
