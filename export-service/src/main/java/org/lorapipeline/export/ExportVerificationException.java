package org.lorapipeline.export;

import java.nio.file.Path;
import org.lorapipeline.runtime.PoisonEventException;

/**
 * A written export does not re-read cleanly. Not retryable: the same adapter gives the same file. The event goes to
 * the dead-letter topic with this message, and no model.exported is emitted for the format.
 */
final class ExportVerificationException extends PoisonEventException {
    ExportVerificationException(Path file, String problem) {
        super("export check failed for " + file.getFileName() + ": " + problem);
    }
}
