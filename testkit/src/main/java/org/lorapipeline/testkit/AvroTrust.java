package org.lorapipeline.testkit;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 reads {@code org.apache.avro.SERIALIZABLE_PACKAGES} once, when its validator class first loads. If any
 * Avro code ran before the schemas serde set that property, decoding our events fails with "Forbidden class".
 * Tests should not depend on class-loading order, so the kit trusts the events package in the validator itself.
 */
final class AvroTrust {
    private static final String EVENTS_PREFIX = "org.lorapipeline.events.";
    private static boolean done;

    private AvroTrust() {}

    static synchronized void ensure() {
        if (done) {
            return;
        }
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                type -> type.getName().startsWith(EVENTS_PREFIX)));
        done = true;
    }
}
