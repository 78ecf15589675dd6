package org.lorapipeline.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.lorapipeline.core.kohya.DiffusersLoraFile;
import org.lorapipeline.core.kohya.KohyaLora;
import org.lorapipeline.core.kohya.KohyaLoraFile;
import org.lorapipeline.core.kohya.KohyaNameParser;
import org.lorapipeline.core.kohya.LoraModuleWeights;
import org.lorapipeline.runtime.PoisonEventException;

/** The Stable Diffusion formats, made from the run's kohya LoRA file ({@code <output_name>.safetensors}). */
final class SdExporter {
    private SdExporter() {}

    /** The kohya file train-service wrote: {@code <output_name>.safetensors}, else the tree's only safetensors file. */
    static Path kohyaFile(Path adapterDir, String outputName) throws IOException {
        Path named = adapterDir.resolve(outputName + ".safetensors");
        if (Files.isRegularFile(named)) {
            return named;
        }
        List<Path> candidates;
        try (Stream<Path> files = Files.list(adapterDir)) {
            candidates = files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        if (candidates.size() != 1) {
            throw new PoisonEventException("the adapter folder has no " + named.getFileName() + " and "
                    + candidates.size() + " other .safetensors files " + candidates.stream().map(Path::getFileName).toList()
                    + "; train-service writes <output_name>.safetensors there");
        }
        return candidates.get(0);
    }

    /** The kohya file as trained, byte for byte (its ss_* metadata and sshs hashes stay valid). */
    static Path kohya(Path kohyaFile, Path out) throws IOException {
        Files.createDirectories(out);
        return Files.copy(kohyaFile, out.resolve(kohyaFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@code pytorch_lora_weights.safetensors} with PEFT keys and alpha/r baked into lora_B. */
    static Path diffusers(Path kohyaFile, Path out) throws IOException {
        KohyaLora lora = KohyaLoraFile.read(kohyaFile);
        List<LoraModuleWeights> modules = lora.format() == KohyaLora.Format.DIFFUSERS ? lora.modules()
                : lora.resolve(KohyaNameParser.modulePaths(lora.modules().stream().map(LoraModuleWeights::module).toList()))
                        .modules();
        Files.createDirectories(out);
        return DiffusersLoraFile.write(out, modules);
    }
}
