package org.lorapipeline.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.lorapipeline.core.config.ConfigException;
import org.lorapipeline.core.config.RunConfig;
import org.lorapipeline.core.image.Sha256;
import org.lorapipeline.runtime.ModelCache;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;
import org.lorapipeline.runtime.ServiceConfig;

/**
 * {@code lora submit}: makes a run config usable by workers that cannot see this machine's files, then pushes the
 * dataset like {@code lora dataset push}. A local {@code base_model} is uploaded once to
 * {@code models/<name>-<sha8>/} (the hash covers every file, so the same model is never uploaded twice and a changed
 * one never overwrites the old) and the submitted config names it as {@code s3://<bucket>/models/<name>-<sha8>}.
 */
final class RunSubmitter {
    private static final Pattern BASE_MODEL_LINE = Pattern.compile("(?m)^base_model[ \\t]*:.*$");

    private RunSubmitter() {}

    record Submitted(DatasetPusher.Pushed pushed, String baseModel) {}

    static Submitted submit(ServiceConfig config, Path dataDir, Path configFile, String runId, String datasetId,
                            boolean progress) throws IOException {
        RunConfig run;
        try {
            run = RunConfig.load(configFile);
        } catch (ConfigException e) {
            throw new UserException("the run config has problems, nothing was uploaded:\n" + e.getMessage());
        }
        String yaml = Files.readString(configFile, StandardCharsets.UTF_8);
        String written = run.model().baseModel().toString();
        String baseModel;
        if (written.startsWith("s3:/")) {
            baseModel = "s3://" + written.substring(written.startsWith("s3://") ? 5 : 4);
        } else {
            Path local = run.model().baseModel();
            if (!Files.exists(local)) {
                throw new UserException(configFile + ": base_model " + local.toAbsolutePath().normalize() + " does not"
                        + " exist; give a local model folder or file (lora submit uploads it) or an s3:// URI");
            }
            try (ObjectStore store = ObjectStore.connect(config)) {
                baseModel = upload(store, local);
            }
            yaml = withBaseModel(yaml, baseModel, configFile);
        }
        Path rewritten = Files.createTempFile("lora-submit-", ".yaml");
        try {
            Files.writeString(rewritten, yaml, StandardCharsets.UTF_8);
            return new Submitted(DatasetPusher.push(config, dataDir, rewritten, runId, datasetId, progress), baseModel);
        } finally {
            Files.deleteIfExists(rewritten);
        }
    }

    /** Uploads a model folder (as a tree) or file under a content-addressed prefix; returns its s3:// URI. */
    static String upload(ObjectStore store, Path model) throws IOException {
        Path abs = model.toAbsolutePath().normalize();
        String name = abs.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        String prefix = "models/" + stem(name) + "-" + contentHash(abs).substring(0, 8);
        if (Files.isRegularFile(abs)) {
            String key = prefix + "/" + name;
            store.putFile(key, abs);
            return ModelCache.uri(store.bucket(), key);
        }
        if (ObjectTree.find(store, prefix).isEmpty()) {
            ObjectTree.upload(store, abs, prefix);
        }
        return ModelCache.uri(store.bucket(), prefix);
    }

    /** sha256 over "relative-path sha256" lines of every file, so renames and edits change it. */
    static String contentHash(Path model) throws IOException {
        if (Files.isRegularFile(model)) {
            return Sha256.hex(model);
        }
        StringBuilder lines = new StringBuilder();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(model)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            lines.append(model.relativize(f).toString().replace('\\', '/')).append(' ').append(Sha256.hex(f)).append('\n');
        }
        return Sha256.hex(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The config text with its base_model line replaced; the rest (comments, order) is kept as written. */
    static String withBaseModel(String yaml, String uri, Path configFile) {
        Matcher m = BASE_MODEL_LINE.matcher(yaml);
        if (!m.find()) {
            throw new UserException(configFile + ": no top-level base_model line to point at the uploaded model");
        }
        return m.replaceFirst(Matcher.quoteReplacement("base_model: \"" + uri + "\""));
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
