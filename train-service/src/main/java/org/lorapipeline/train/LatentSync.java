package org.lorapipeline.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.lorapipeline.runtime.ObjectInfo;
import org.lorapipeline.runtime.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the SD latent cache between runs and workers through S3 ({@code latents/…}). The cache's own file names
 * already key each entry by VAE identity, image sha256, bucket, crop and flip, so one flat prefix serves every run:
 * a second run on the same images (another worker, a resume after a crash) skips the VAE. Entries are verified on
 * download like every object; a corrupt local entry is re-encoded by the cache itself.
 */
final class LatentSync {
    static final String PREFIX = "latents/";
    private static final Logger log = LoggerFactory.getLogger(LatentSync.class);

    private LatentSync() {}

    /**
     * Downloads the cached latents under {@code prefix} of the images in {@code imageSha256s} into {@code cacheDir}
     * (entry names start with the image's sha256, so other datasets' latents stay in S3); returns how many.
     */
    static int restore(ObjectStore store, String prefix, Path cacheDir, Set<String> imageSha256s) {
        List<ObjectInfo> objects = store.list(prefix).stream().filter(o -> imageSha256s.contains(imageSha(o.key())))
                .toList();
        for (ObjectInfo o : objects) {
            store.stat(o.key()).ifPresent(ref -> store.getToFile(ref, cacheDir.resolve(o.key().substring(prefix.length()))));
        }
        if (!objects.isEmpty()) {
            log.info("latent cache: {} entries from s3 {}", objects.size(), prefix);
        }
        return objects.size();
    }

    private static String imageSha(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        int cut = name.indexOf('_');
        return cut < 0 ? name : name.substring(0, cut);
    }

    /** Uploads the entries of {@code cacheDir} under {@code prefix} (ones already there with the same bytes are skipped). */
    static int save(ObjectStore store, String prefix, Path cacheDir) {
        if (!Files.isDirectory(cacheDir)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(cacheDir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the latent cache " + cacheDir, e);
        }
        for (Path f : files) {
            store.putFile(prefix + cacheDir.relativize(f).toString().replace('\\', '/'), f);
        }
        return files.size();
    }
}
