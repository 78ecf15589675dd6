package org.lorapipeline.core.clip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the folder holding a CLIP tokenizer's {@code vocab.json} + {@code merges.txt}, looking where users keep
 * them: an explicit path, the model's own folder (a Hugging Face {@code CLIPModel} folder has them at the top), a
 * diffusers {@code tokenizer/} folder inside or beside the model, then the Hugging Face hub cache
 * ({@code $HF_HUB_CACHE}, {@code $HF_HOME/hub}, {@code ~/.cache/huggingface/hub}) for
 * {@code openai/clip-vit-large-patch14}, the tokenizer SD 1.x was trained with.
 */
public final class ClipTokenizerLocator {
    /** The hub repository whose tokenizer is the SD 1.x / CLIP ViT-L/14 one. */
    public static final String DEFAULT_REPO = "openai/clip-vit-large-patch14";

    private final Map<String, String> env;
    private final Path userHome;

    /** A locator reading the process environment and {@code user.home}. */
    public ClipTokenizerLocator() {
        this(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** A locator with an explicit environment (for tests and services that pass their own settings). */
    public ClipTokenizerLocator(Map<String, String> env, Path userHome) {
        this.env = Map.copyOf(env);
        this.userHome = userHome;
    }

    /**
     * The tokenizer folder for a model.
     *
     * @param explicit a folder holding the two files (or a folder with a {@code tokenizer/} child), or null
     * @param model    the model folder or file (a CLIP folder, a diffusers pipeline folder, its
     *                 {@code text_encoder/} folder, or a single checkpoint file), or null
     * @throws IllegalArgumentException naming every place looked at, in order, and how to fix it
     */
    public Path locate(Path explicit, Path model) {
        List<Path> candidates = candidates(explicit, model);
        for (Path dir : candidates) {
            if (hasFiles(dir)) {
                return dir;
            }
        }
        StringBuilder msg = new StringBuilder("no CLIP tokenizer (vocab.json + merges.txt) found; looked in:");
        for (Path dir : candidates) {
            msg.append("\n  ").append(dir);
        }
        msg.append("\nPass the tokenizer folder explicitly, put a diffusers tokenizer/ folder beside the model, or"
                + " download ").append(DEFAULT_REPO).append(" into the Hugging Face cache");
        throw new IllegalArgumentException(msg.toString());
    }

    /** Shorthand: locate then load. */
    public ClipTokenizer load(Path explicit, Path model) throws IOException {
        return ClipTokenizer.load(locate(explicit, model));
    }

    /** Every folder {@link #locate} tries, in order (hub snapshots expanded as they exist on disk). */
    List<Path> candidates(Path explicit, Path model) {
        Set<Path> out = new LinkedHashSet<>();
        if (explicit != null) {
            out.add(explicit);
            out.add(explicit.resolve("tokenizer"));
        }
        if (model != null) {
            Path dir = Files.isRegularFile(model) ? parentOrSelf(model) : model;
            out.add(dir);
            out.add(dir.resolve("tokenizer"));
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                // a diffusers component folder (text_encoder/, unet/) has the tokenizer as a sibling
                out.add(parent.resolve("tokenizer"));
            }
        }
        for (Path hub : hubRoots()) {
            Path repo = hub.resolve("models--" + DEFAULT_REPO.replace("/", "--"));
            out.addAll(snapshots(repo));
        }
        return new ArrayList<>(out);
    }

    private static Path parentOrSelf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file : parent;
    }

    /** The hub cache folders in huggingface_hub's precedence order. */
    List<Path> hubRoots() {
        List<Path> roots = new ArrayList<>();
        String hubCache = env.get("HF_HUB_CACHE");
        if (hubCache != null && !hubCache.isBlank()) {
            roots.add(Path.of(hubCache));
        }
        String hfHome = env.get("HF_HOME");
        if (hfHome != null && !hfHome.isBlank()) {
            roots.add(Path.of(hfHome).resolve("hub"));
        } else {
            String xdg = env.get("XDG_CACHE_HOME");
            Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : userHome.resolve(".cache");
            roots.add(cache.resolve("huggingface").resolve("hub"));
        }
        return roots;
    }

    /**
     * The snapshot named by {@code refs/main} first, then every other snapshot folder; the {@code snapshots/}
     * folder itself stands in when none exists, so the error message shows where we looked.
     */
    private static List<Path> snapshots(Path repo) {
        Path snapshots = repo.resolve("snapshots");
        List<Path> out = new ArrayList<>();
        Path ref = repo.resolve("refs").resolve("main");
        try {
            if (Files.isRegularFile(ref)) {
                out.add(snapshots.resolve(Files.readString(ref).strip()));
            }
            if (Files.isDirectory(snapshots)) {
                try (Stream<Path> s = Files.list(snapshots)) {
                    s.filter(Files::isDirectory).sorted().forEach(p -> {
                        if (!out.contains(p)) {
                            out.add(p);
                        }
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Hugging Face cache at " + repo, e);
        }
        if (out.isEmpty()) {
            out.add(snapshots);
        }
        return out;
    }

    private static boolean hasFiles(Path dir) {
        return Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"));
    }
}
