package org.lorapipeline.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.export.ExportLayout;
import org.lorapipeline.runtime.ObjectInfo;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.ObjectTree;

/** A run's exports in S3 ({@code runs/<runId>/exports/<format>/index.json}, written by export-service). */
final class RunExports {
    private final ObjectStore store;
    private final String runId;

    RunExports(ObjectStore store, String runId) {
        this.store = store;
        this.runId = runId;
    }

    /** Formats whose upload is complete (their index.json exists), sorted. */
    List<String> formats() {
        String prefix = ExportLayout.exportsPrefix(runId);
        TreeSet<String> formats = new TreeSet<>();
        for (ObjectInfo o : store.list(prefix)) {
            String rest = o.key().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && rest.substring(slash + 1).equals(ObjectTree.INDEX)) {
                formats.add(rest.substring(0, slash));
            }
        }
        return List.copyOf(formats);
    }

    Optional<ObjectRef> index(String format) {
        return ObjectTree.find(store, ExportLayout.exportPrefix(runId, format));
    }

    /** Downloads every file of the export into {@code dir}, each verified against the index's sha256. */
    List<ObjectTree.Entry> download(ObjectRef index, Path dir) {
        List<ObjectTree.Entry> entries = ObjectTree.entries(store, index);
        ObjectTree.download(store, index, dir);
        return entries;
    }
}
