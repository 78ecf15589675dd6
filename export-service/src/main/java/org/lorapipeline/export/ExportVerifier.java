package org.lorapipeline.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.lorapipeline.core.gguf.GgufFile;
import org.lorapipeline.core.gguf.GgufTensorInfo;
import org.lorapipeline.core.kohya.KohyaLora;
import org.lorapipeline.core.kohya.KohyaLoraFile;
import org.lorapipeline.core.kohya.LoraModuleWeights;
import org.lorapipeline.core.llama.BaseModelLocation;
import org.lorapipeline.core.llama.LlamaConfig;
import org.lorapipeline.core.peft.PeftAdapter;
import org.lorapipeline.core.peft.PeftKeys;
import org.lorapipeline.core.safetensors.SafetensorsFile;
import org.lorapipeline.core.safetensors.TensorInfo;
import org.lorapipeline.core.safetensors.TensorSource;
import org.lorapipeline.core.tensor.FloatTensor;

/**
 * Re-reads each written export with our own readers before anyone is told about it: the structure a loader checks
 * (pairs, ranks, required keys, names and shapes) and that every LoRA value is finite. Throws
 * {@link ExportVerificationException} naming the file and what is wrong.
 */
final class ExportVerifier {
    private ExportVerifier() {}

    /** The PEFT folder reads back, every lora_A has its lora_B, and the values are finite. Returns the tensor count. */
    static int peft(Path dir) {
        PeftAdapter adapter = read(dir);
        try {
            adapter.validate();
        } catch (RuntimeException e) {
            throw new ExportVerificationException(dir, e.getMessage());
        }
        if (adapter.tensors().isEmpty()) {
            throw new ExportVerificationException(dir, "the adapter holds no tensors");
        }
        adapter.tensors().forEach((name, t) -> finite(dir.resolve(PeftAdapter.WEIGHTS_FILE), name, t.data()));
        return adapter.tensors().size();
    }

    /**
     * A llama.cpp LoRA adapter: the keys {@code llama_adapter_lora_init} requires, one {@code lora_a}/{@code lora_b}
     * pair per PEFT module ({@code expectedTensors} = the PEFT tensor count), matching ranks, finite values.
     */
    static void gguf(Path file, int expectedTensors) {
        try (GgufFile g = GgufFile.open(file)) {
            expect(file, g, "general.type", "adapter");
            expect(file, g, "adapter.type", "lora");
            expect(file, g, "general.architecture", "llama");
            if (g.get("adapter.lora.alpha") == null) {
                throw new ExportVerificationException(file, "adapter.lora.alpha is missing (llama.cpp would read 0)");
            }
            if (g.tensors().size() != expectedTensors) {
                throw new ExportVerificationException(file, g.tensors().size() + " tensors, expected " + expectedTensors
                        + " (one lora_a and one lora_b per adapted module)");
            }
            for (GgufTensorInfo t : g.tensors()) {
                if (t.name().endsWith(".lora_a")) {
                    String base = t.name().substring(0, t.name().length() - ".lora_a".length());
                    GgufTensorInfo b = g.tensor(base + ".lora_b");
                    if (b == null || t.ne()[1] != b.ne()[0]) {
                        throw new ExportVerificationException(file, t.name() + " has no lora_b of the same rank");
                    }
                }
                finite(file, t.name(), g.floats(t.name()));
            }
        } catch (RuntimeException e) {
            throw e instanceof ExportVerificationException v ? v : new ExportVerificationException(file, e.getMessage());
        }
    }

    /**
     * A merged Hugging Face folder: config.json parses as a LLaMA config, the weights have exactly the base model's
     * tensor names and shapes, and the tensors the adapter changed are finite.
     */
    static void merged(Path dir, Path baseDir, Set<String> adaptedModules) {
        try {
            LlamaConfig.read(dir.resolve("config.json"));
            BaseModelLocation.resolve(dir);
        } catch (IOException | RuntimeException e) {
            throw new ExportVerificationException(dir.resolve("config.json"), e.getMessage());
        }
        Path weights = dir.resolve("model.safetensors");
        try (SafetensorsFile merged = SafetensorsFile.open(weights); TensorSource base = TensorSource.open(baseDir)) {
            Set<String> names = new TreeSet<>(merged.names());
            if (!names.equals(new TreeSet<>(base.names()))) {
                throw new ExportVerificationException(weights, "tensor names differ from the base model's: "
                        + difference(names, base.names()));
            }
            for (TensorInfo info : merged.infos()) {
                if (!Arrays.equals(info.shape(), base.info(info.name()).shape())) {
                    throw new ExportVerificationException(weights, info.name() + " has shape " + Arrays.toString(info.shape())
                            + ", the base model " + Arrays.toString(base.info(info.name()).shape()));
                }
            }
            for (String module : adaptedModules) {
                String name = module + ".weight";
                if (!merged.contains(name)) {
                    throw new ExportVerificationException(weights, "the adapted weight " + name + " is missing");
                }
                finite(weights, name, merged.floats(name));
            }
        } catch (ExportVerificationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ExportVerificationException(weights, e.getMessage());
        }
    }

    /**
     * The kohya export reads as a kohya LoRA (lora_down/lora_up/alpha per module, finite values) and carries the
     * trained file's metadata unchanged.
     */
    static void kohya(Path file, Path source) {
        KohyaLora lora = readLora(file);
        if (lora.format() != KohyaLora.Format.KOHYA) {
            throw new ExportVerificationException(file, "is not in kohya layout (lora_unet_*/lora_te_* keys)");
        }
        if (!lora.metadata().equals(readLora(source).metadata())) {
            throw new ExportVerificationException(file, "its metadata differs from the trained file's");
        }
        finiteModules(file, lora);
    }

    /** The diffusers export reads back in diffusers layout with one module per kohya module, finite values. */
    static void diffusers(Path file, Path source) {
        KohyaLora lora = readLora(file);
        if (lora.format() != KohyaLora.Format.DIFFUSERS) {
            throw new ExportVerificationException(file, "is not in diffusers layout (unet.*.lora_A/lora_B keys)");
        }
        int expected = readLora(source).modules().size();
        if (lora.modules().size() != expected) {
            throw new ExportVerificationException(file, lora.modules().size() + " modules, the kohya file has " + expected);
        }
        finiteModules(file, lora);
    }

    private static KohyaLora readLora(Path file) {
        try {
            KohyaLora lora = KohyaLoraFile.read(file);
            if (lora.modules().isEmpty()) {
                throw new ExportVerificationException(file, "holds no LoRA modules");
            }
            return lora;
        } catch (ExportVerificationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ExportVerificationException(file, e.getMessage());
        }
    }

    private static void finiteModules(Path file, KohyaLora lora) {
        for (LoraModuleWeights m : lora.modules()) {
            finite(file, m.module() + ".down", m.down().data());
            finite(file, m.module() + ".up", m.up().data());
        }
    }

    /** The module paths a PEFT adapter changes ({@code model.layers.0.self_attn.q_proj}). */
    static Set<String> modules(PeftAdapter adapter) {
        return adapter.tensors().keySet().stream().map(PeftKeys::modulePath).flatMap(java.util.Optional::stream)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static PeftAdapter read(Path dir) {
        try {
            return PeftAdapter.read(dir);
        } catch (RuntimeException e) {
            throw new ExportVerificationException(dir, e.getMessage());
        }
    }

    static void finite(Path file, String tensor, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new ExportVerificationException(file, "tensor " + tensor + " holds " + values[i] + " at index " + i
                        + "; the run diverged - retrain with a lower learning rate or resume from an earlier checkpoint");
            }
        }
    }

    static void finite(Path file, String tensor, FloatTensor t) {
        finite(file, tensor, t.data());
    }

    private static void expect(Path file, GgufFile g, String key, String value) {
        var v = g.get(key);
        if (v == null || !value.equals(v.asString())) {
            throw new ExportVerificationException(file, key + " is " + (v == null ? "missing" : "'" + v.asString() + "'")
                    + ", llama.cpp requires '" + value + "'");
        }
    }

    private static String difference(Set<String> merged, java.util.List<String> base) {
        Set<String> missing = new TreeSet<>(base);
        missing.removeAll(merged);
        Set<String> extra = new TreeSet<>(merged);
        extra.removeAll(base);
        return "missing " + first(missing) + ", extra " + first(extra);
    }

    private static String first(Set<String> names) {
        return names.stream().limit(5).toList() + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
    }
}
