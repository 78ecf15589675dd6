package org.lorapipeline.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.lorapipeline.core.engine.TorchRuntime;
import org.lorapipeline.core.gguf.GgufLoraExport;
import org.lorapipeline.core.llama.LlamaCheckpoint;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.lora.LoraConfig;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.peft.AdapterConfig;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.run.LoraExports;

/**
 * The LLaMA formats, written from the run's PEFT adapter folder with lora-core's writers. Each method writes into an
 * empty folder and returns the folder's main file.
 */
final class LlamaExporter {
    /** The train-service's copy of the base model's config.json, beside the adapter; GGUF needs its head counts. */
    static final String BASE_CONFIG = "base_config.json";

    private final String device;
    private TorchRuntime runtime;

    LlamaExporter(String device) {
        this.device = device;
    }

    /** The adapter itself, byte for byte: what the run trained is what PEFT users get. */
    Path peft(Path adapterDir, Path out) throws IOException {
        Files.createDirectories(out);
        for (String f : new String[] {PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE}) {
            Files.copy(adapterDir.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        return out.resolve(PeftAdapter.WEIGHTS_FILE);
    }

    /**
     * {@code <output_name>.gguf} as convert_lora_to_gguf.py makes it. {@code general.name} comes from output_name
     * rather than the (temporary) folder name, so a redelivery writes the same bytes.
     */
    Path gguf(Path adapterDir, Path baseConfigJson, String outputName, Path out) throws IOException {
        Files.createDirectories(out);
        Path file = out.resolve(outputName + ".gguf");
        GgufLoraExport.build(PeftAdapter.read(adapterDir), GgufLoraExport.LlamaHeads.fromHfConfig(baseConfigJson),
                GgufLoraExport.idToTitle(outputName)).write(file);
        return file;
    }

    /** The base model with W + scale·B·A in every targeted projection, plus its config and tokenizer files. */
    Path merged(Path adapterDir, Path baseDir, Path out) throws IOException {
        PeftAdapter adapter = PeftAdapter.read(adapterDir);
        AdapterConfig c = adapter.config();
        LoraConfig lora = new LoraConfig(c.r(), c.lora_alpha(), 0.0, c.targetModuleNames(), c.use_rslora());
        try (LlamaModel model = LlamaCheckpoint.load(baseDir, runtime().newManager())) {
            LoraModel injected = LoraModel.inject(model.linears(), lora, model.manager(), 0L);
            LoraExports.loadInto(injected, adapter, adapterDir.toString());
            LoraExports.writeMerged(out, model, baseDir);
        }
        return out.resolve("model.safetensors");
    }

    private synchronized TorchRuntime runtime() {
        if (runtime == null) {
            runtime = TorchRuntime.open(device);
        }
        return runtime;
    }
}
