package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import org.lorapipeline.core.config.ConfigTemplates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lora init llm|sd [DIR]}: writes a commented starter config, never over an existing one. */
@Command(name = "init", description = "Write a commented starter config (lora_default.yaml) for an LLM or SD run.")
public final class InitCommand implements Callable<Integer> {
    static final String FILE = "lora_default.yaml";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "llm|sd", description = "Which template: llm (LLaMA) or sd (Stable Diffusion).")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "Folder to write into (default: current).")
    Path dir = Path.of(".");

    @Override
    public Integer call() throws IOException {
        if (!ConfigTemplates.names().contains(kind)) {
            throw new UserException("unknown template '" + kind + "'; use one of " + ConfigTemplates.names());
        }
        Files.createDirectories(dir);
        Path target = dir.resolve(FILE);
        try {
            Files.writeString(target, ConfigTemplates.text(kind), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new UserException(target + " already exists; edit it, delete it, or choose another folder");
        }
        spec.commandLine().getOut().println("wrote " + target + " (" + kind + " template); edit base_model,"
                + " train_data_dir and output_dir, then run: lora train --config " + target);
        return 0;
    }
}
