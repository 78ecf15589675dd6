package org.lorapipeline.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.lorapipeline.core.dataset.ExtractedArchive;
import org.lorapipeline.core.dataset.SafeArchive;
import org.lorapipeline.core.dataset.UnsafeArchiveException;
import org.lorapipeline.events.DatasetSource;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.runtime.ChecksumMismatchException;
import org.lorapipeline.runtime.ObjectInfo;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectStoreException;

/**
 * Brings a submitted dataset onto local disk for inspection: every object under an S3 prefix, or an uploaded zip
 * extracted safely. Never writes outside {@code target}, never touches the source objects.
 */
final class DatasetMaterializer {
    private final ObjectStore store;
    private final IngestLimits limits;

    DatasetMaterializer(ObjectStore store, IngestLimits limits) {
        this.store = store;
        this.limits = limits;
    }

    /** Fills the empty directory {@code target}; throws {@link RejectedInput} for sources that can never work. */
    void materialize(DatasetSource source, Path target, Path scratch) throws RejectedInput, IOException {
        if (!source.getBucket().equals(store.bucket())) {
            throw RejectedInput.of("source.bucket", null, "the dataset is in bucket " + source.getBucket()
                    + " but this pipeline reads bucket " + store.bucket() + "; upload it there (lora dataset push does)");
        }
        switch (source.getKind()) {
            case S3_PREFIX -> fromPrefix(source.getPrefix(), target);
            case ZIP_ARCHIVE -> fromZip(source.getArchive(), target, scratch);
            default -> throw RejectedInput.of("source.kind", null, "unsupported source kind " + source.getKind());
        }
    }

    private void fromPrefix(String prefix, Path target) throws RejectedInput, IOException {
        if (prefix == null || prefix.isBlank()) {
            throw RejectedInput.of("source.prefix", null, "an S3_PREFIX source needs a prefix, e.g. uploads/<datasetId>/files/");
        }
        String dirPrefix = prefix.endsWith("/") ? prefix : prefix + "/";
        List<ObjectInfo> objects = store.list(dirPrefix);
        if (objects.isEmpty()) {
            throw RejectedInput.of("source.empty", null, "no objects under s3://" + store.bucket() + "/" + dirPrefix
                    + "; upload the dataset first (lora dataset push DIR --config run.yaml)");
        }
        if (objects.size() > limits.maxObjects()) {
            throw RejectedInput.of("source.too_many_objects", null, objects.size() + " objects under " + dirPrefix
                    + ", more than the limit of " + limits.maxObjects() + "; split the dataset");
        }
        long total = objects.stream().mapToLong(ObjectInfo::sizeBytes).sum();
        if (total > limits.maxTotalBytes()) {
            throw RejectedInput.of("source.too_large", null, total + " bytes under " + dirPrefix + ", more than the limit of "
                    + limits.maxTotalBytes() + " bytes");
        }
        Path root = target.toAbsolutePath().normalize();
        for (ObjectInfo o : objects) {
            String relative = o.key().substring(dirPrefix.length());
            Path file = root.resolve(relative).normalize();
            if (relative.isEmpty() || !file.startsWith(root) || relative.contains("\\")) {
                throw RejectedInput.of("source.unsafe_key", o.key(), "object key " + o.key()
                        + " would land outside the dataset folder; rename it");
            }
            Files.createDirectories(file.getParent());
            try (InputStream in = store.open(store.bucket(), o.key())) {
                Files.copy(in, file);
            }
        }
    }

    private void fromZip(ObjectRef archive, Path target, Path scratch) throws RejectedInput {
        if (archive == null) {
            throw RejectedInput.of("source.archive", null, "a ZIP_ARCHIVE source needs the archive's object reference");
        }
        Path zip = scratch.resolve("upload.zip");
        try {
            store.getToFile(archive, zip);
        } catch (ChecksumMismatchException e) {
            throw RejectedInput.of("source.checksum", archive.getKey(), e.getMessage()
                    + "; the upload is corrupt or was replaced, upload it again");
        } catch (ObjectStoreException e) {
            if (e.retryable()) {
                throw e;
            }
            throw RejectedInput.of("source.missing", archive.getKey(), e.getMessage());
        }
        try {
            ExtractedArchive extracted = SafeArchive.extract(zip, target, limits.archive());
            if (extracted.files().isEmpty()) {
                throw RejectedInput.of("source.empty", archive.getKey(), "the zip archive holds no files");
            }
        } catch (UnsafeArchiveException e) {
            throw RejectedInput.of("archive." + e.reason().name().toLowerCase(java.util.Locale.ROOT), e.entry(), e.getMessage());
        } catch (IOException e) {
            throw RejectedInput.of("archive.unreadable", archive.getKey(), "not a readable zip archive: " + e.getMessage());
        }
    }
}
