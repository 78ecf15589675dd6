package org.lorapipeline.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The local-run step of {@link RunConfig#validatePaths}: the input files a run reads must exist. */
final class PathCheck {
    private PathCheck() {}

    static List<ConfigProblem> missing(RunConfig config, Path workingDir) {
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigOrigin origin = config.origin();
        check(problems, origin, workingDir, ConfigKeys.BASE_MODEL, config.model().baseModel(), Kind.ANY);
        check(problems, origin, workingDir, ConfigKeys.TOKENIZER_PATH, config.model().tokenizerPath(), Kind.ANY);
        // SD data is an image folder; LLM data may be one JSONL file or a folder of them.
        check(problems, origin, workingDir, ConfigKeys.TRAIN_DATA_DIR, config.data().trainDataDir(),
                config.family() == ModelFamily.SD ? Kind.DIRECTORY : Kind.ANY);
        check(problems, origin, workingDir, ConfigKeys.METADATA_PATH, config.data().metadataPath(), Kind.FILE);
        // a LoRA file (kohya) or a PEFT adapter folder / its adapter_model.safetensors
        check(problems, origin, workingDir, ConfigKeys.NETWORK_WEIGHTS, config.lora().networkWeights(), Kind.ANY);
        Path resume = config.output().resumeFrom();
        if (resume != null && !resume.toString().equals("latest")) { // latest = newest checkpoint, found at run time
            check(problems, origin, workingDir, ConfigKeys.RESUME_FROM, resume, Kind.ANY);
        }
        return problems;
    }

    private enum Kind { ANY, FILE, DIRECTORY }

    private static void check(List<ConfigProblem> problems, ConfigOrigin origin, Path workingDir, ConfigKey key,
                              Path path, Kind kind) {
        if (path == null) {
            return;
        }
        Path resolved = workingDir.resolve(path).toAbsolutePath().normalize();
        String where = "`" + path + "` (resolved to " + resolved + ")";
        if (!Files.exists(resolved)) {
            problems.add(origin.problem(key, where + " does not exist; fix the path (relative paths start at the "
                    + "directory the run is started from)"));
        } else if (kind == Kind.DIRECTORY && !Files.isDirectory(resolved)) {
            problems.add(origin.problem(key, where + " is a file; give the folder that holds the images"));
        } else if (kind == Kind.FILE && !Files.isRegularFile(resolved)) {
            problems.add(origin.problem(key, where + " is a folder; give the file itself"));
        } else if (!Files.isReadable(resolved)) {
            problems.add(origin.problem(key, where + " is not readable; check its permissions"));
        }
    }
}
