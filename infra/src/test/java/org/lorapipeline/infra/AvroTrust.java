package org.lorapipeline.infra;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro reads {@code org.apache.avro.SERIALIZABLE_PACKAGES} once, when its validator class initialises; if any Avro
 * code ran before the schemas serde set the property, decoding our events fails. Trust the events package directly.
 */
final class AvroTrust {
    private AvroTrust() {}

    static synchronized void ensure() {
        var global = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(global,
                type -> type.getName().startsWith("org.lorapipeline.events.")));
    }
}
