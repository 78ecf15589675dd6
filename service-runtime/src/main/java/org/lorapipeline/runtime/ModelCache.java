package org.lorapipeline.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.lorapipeline.events.ObjectRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a run's {@code base_model} available as a local path on a worker. Base models are big and shared by many runs,
 * so workers keep them in a local cache folder and download each once:
 * <ul>
 *   <li>{@code s3://<bucket>/<prefix>} naming a folder uploaded with {@link ObjectTree} (an {@code index.json} under
 *       the prefix) → the folder, verified file by file;</li>
 *   <li>{@code s3://<bucket>/<key>} naming one object (a single-file checkpoint) → that file;</li>
 *   <li>anything else → a path that must already exist on the worker (a mounted volume, a Hugging Face cache).</li>
 * </ul>
 */
public final class ModelCache {
    private static final Logger log = LoggerFactory.getLogger(ModelCache.class);
    private static final String SCHEME = "s3://";

    private final ObjectStore store;
    private final Path cacheDir;

    public ModelCache(ObjectStore store, Path cacheDir) {
        this.store = store;
        this.cacheDir = cacheDir.toAbsolutePath();
    }

    /** The URI under which {@code key} in this store's bucket is written in configs. */
    public static String uri(String bucket, String key) {
        return SCHEME + bucket + "/" + key;
    }

    public static boolean isRemote(String baseModel) {
        return baseModel.startsWith(SCHEME);
    }

    /**
     * The local path of {@code baseModel}, downloading it first when it lives in S3.
     *
     * @throws PoisonEventException when it names nothing that exists: retrying cannot help, the config must change
     */
    public Path resolve(String baseModel) {
        if (!isRemote(baseModel)) {
            Path local = Path.of(baseModel);
            if (!Files.exists(local)) {
                throw new PoisonEventException("base_model " + baseModel + " does not exist on this worker; give an s3://" + store.bucket() + "/models/... URI (lora submit"
                        + " uploads a local base model for you) or mount the model at that path on every worker");
            }
            return local;
        }
        String rest = baseModel.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new PoisonEventException("base_model " + baseModel + " is not s3://<bucket>/<key>");
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        if (!bucket.equals(store.bucket())) {
            throw new PoisonEventException("base_model " + baseModel + " is in bucket " + bucket + ", but this worker"
                    + " reads bucket " + store.bucket() + "; copy the model into " + store.bucket());
        }
        String prefix = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        Path target = cacheDir.resolve(bucket).resolve(prefix);
        // the single object first: a file-backed S3 (the dev stack) answers 500, not 404, for keys below a file
        Optional<ObjectRef> file = prefix.endsWith("/" + ObjectTree.INDEX) ? Optional.empty() : store.stat(prefix);
        if (file.isPresent()) {
            log.info("base model {}: syncing file into {}", baseModel, target);
            return store.getToFile(file.get(), target);
        }
        Optional<ObjectRef> index = ObjectTree.find(store, prefix);
        if (index.isPresent()) {
            log.info("base model {}: syncing folder into {}", baseModel, target);
            return ObjectTree.download(store, index.get(), target);
        }
        throw new PoisonEventException("base_model " + baseModel + " not found: neither a folder uploaded by lora"
                + " (" + prefix + "/" + ObjectTree.INDEX + ") nor an object " + prefix + " exists");
    }
}
