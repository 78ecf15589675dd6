package org.lorapipeline.runtime;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro reads {@code org.apache.avro.SERIALIZABLE_PACKAGES} once, when its validator initialises; if a service built
 * an event (say in a handler's constructor) before the first serde set that property, every decode would fail as
 * "not trusted". Adding our events package to the global validator works whatever ran first.
 */
final class AvroTrust {
    private static boolean done;

    private AvroTrust() {}

    static synchronized void ensure() {
        if (!done) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                    type -> type.getName().startsWith("org.lorapipeline.events.")));
            done = true;
        }
    }
}
