package org.lorapipeline.core.dataset;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** File-name conventions shared by the layouts: which files are images, what to skip, safe relative paths. */
public final class DatasetFiles {
    /** kohya's IMAGE_EXTENSIONS minus formats ImageIO cannot read. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "webp", "bmp");

    private DatasetFiles() {
    }

    static String extension(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        return dot > slash + 1 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    static String stem(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        return dot > slash + 1 ? name.substring(0, dot) : name;
    }

    public static boolean isImage(String name) {
        return IMAGE_EXTENSIONS.contains(extension(name));
    }

    /** macOS and editor litter that zips from desktops carry along; never part of a dataset. */
    static boolean isNoise(Path path) {
        String name = path.getFileName().toString();
        return name.startsWith(".") || name.equals("__MACOSX") || name.equals("Thumbs.db")
                || name.equals("desktop.ini");
    }

    /** Direct children of {@code dir} without noise, sorted by name. */
    static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> !isNoise(p)).sorted().toList();
        }
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Regular files under {@code dir} (recursively or not), noise skipped, as sorted root-relative paths. */
    public static List<String> files(Path root, Path dir, boolean recursive) throws IOException {
        List<String> out = new ArrayList<>();
        Files.walkFileTree(dir, Set.of(), recursive ? Integer.MAX_VALUE : 1, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return !d.equals(dir) && isNoise(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && !isNoise(f)) {
                    out.add(relative(root, f));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }

    /**
     * The root-relative form of a path written in a metadata file ({@code ./a.png}, {@code sub\a.png} from
     * Windows), or empty when it is absolute or climbs out of the dataset.
     */
    public static Optional<String> insideRoot(String written) {
        String name = written.strip().replace('\\', '/');
        if (name.isEmpty() || name.startsWith("/") || name.matches("^[A-Za-z]:.*") || name.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Path normal = Path.of("").resolve(name).normalize();
        String out = normal.toString().replace(java.io.File.separatorChar, '/');
        if (out.isEmpty() || out.equals("..") || out.startsWith("../")) {
            return Optional.empty();
        }
        return Optional.of(out);
    }
}
