package org.lorapipeline.core.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipeline.core.engine.Tensors;
import org.lorapipeline.core.gguf.GgufLoraExport;
import org.lorapipeline.core.llama.BaseModelLocation;
import org.lorapipeline.core.llama.LlamaModel;
import org.lorapipeline.core.lora.LoraLinear;
import org.lorapipeline.core.lora.LoraModel;
import org.lorapipeline.core.lora.LoraTensor;
import org.lorapipeline.core.peft.AdapterConfig;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.safetensors.DType;
import org.lorapipeline.core.safetensors.SafetensorsWriter;
import org.lorapipeline.core.safetensors.TensorInfo;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.tensor.FloatTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The three things a finished LLaMA run hands out: a PEFT directory, a llama.cpp GGUF LoRA, a merged HF model. */
public final class LoraExports {
    private static final Logger log = LoggerFactory.getLogger(LoraExports.class);
    /** Files copied next to a merged model so it loads with AutoModelForCausalLM/AutoTokenizer as the base did. */
    static final List<String> SIDE_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model");

    private LoraExports() {}

    /** The trained adapter as a PEFT adapter (keys as PEFT saves them, F32). */
    public static PeftAdapter peftAdapter(LoraModel lora, AdapterConfig config) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        lora.export().forEach((k, t) -> tensors.put(k, new FloatTensor(t.shape(), t.values())));
        return new PeftAdapter(config, tensors);
    }

    /** What {@code save_pretrained} writes for this run's LoRA settings. */
    public static AdapterConfig adapterConfig(LoraModel lora, String baseModelNameOrPath) {
        var c = lora.config();
        return AdapterConfig.causalLm(baseModelNameOrPath, c.r(), c.loraAlpha(), c.targetModules())
                .withLoraDropout(c.loraDropout()).withUseRslora(c.useRslora());
    }

    /** Copies a PEFT adapter's values into the injected adapters; keys and shapes must match exactly. */
    public static void loadInto(LoraModel lora, PeftAdapter adapter, String source) {
        Map<String, LoraTensor> tensors = new LinkedHashMap<>();
        adapter.tensors().forEach((k, t) -> tensors.put(k, new LoraTensor(k, t.shape(), t.data())));
        lora.load(tensors, source);
    }

    /** Writes {@code adapter_config.json} + {@code adapter_model.safetensors} into {@code dir}. */
    public static Path writePeft(Path dir, LoraModel lora, AdapterConfig config) {
        peftAdapter(lora, config).write(dir);
        return dir;
    }

    /** llama.cpp LoRA GGUF from a written PEFT directory, as convert_lora_to_gguf.py would make it. */
    public static Path writeGguf(Path peftDir, Path baseConfigJson, Path out) {
        GgufLoraExport.fromPeft(peftDir, baseConfigJson, out);
        return out;
    }

    /**
     * A merged Hugging Face model in {@code out}: every tensor of the base checkpoint, the LoRA targets replaced
     * by W + scale·B·A (computed in F32, stored in the base tensor's dtype), the rest copied byte for byte; plus
     * config and tokenizer files. The model itself is not modified.
     */
    public static Path writeMerged(Path out, LlamaModel model, Path baseDir) throws IOException {
        BaseModelLocation.resolve(baseDir);
        Files.createDirectories(out);
        SafetensorsWriter w = new SafetensorsWriter();
        int merged = 0;
        try (TensorSource base = TensorSource.open(baseDir)) {
            for (String name : base.names()) {
                TensorInfo info = base.info(name);
                LoraLinear l = name.endsWith(".weight")
                        ? model.linears().get(name.substring(0, name.length() - ".weight".length())) : null;
                if (l != null && l.adapter() != null) {
                    float[] values;
                    try (NDScope scope = new NDScope()) {
                        // fp16-stored weights merge into the file's own values, not their fp16 rounding
                        NDArray baseW = l.weight().getDataType() == DataType.FLOAT32 ? l.weight()
                                : Tensors.create(l.weight().getManager(), base.floats(name), info.shape());
                        NDArray wPrime = baseW.add(l.adapter().denseUpdate()); // (out, in)
                        values = Tensors.toFloats(wPrime);
                        scope.suppressNotUsedWarning();
                    }
                    DType dtype = info.dtype().isReadableAsFloat() ? info.dtype() : DType.F32;
                    w.add(name, info.shape(), values, dtype == DType.F64 ? DType.F32 : dtype);
                    merged++;
                } else {
                    ByteBuffer bytes = base.bytes(name);
                    w.addRaw(name, info.dtype(), info.shape(), bytes);
                }
            }
            w.write(out.resolve("model.safetensors"));
        }
        for (String f : SIDE_FILES) {
            Path src = baseDir.resolve(f);
            if (Files.isRegularFile(src)) {
                Files.copy(src, out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        log.info("merged model with {} LoRA-updated weights written to {}", merged, out);
        return out;
    }
}
