package org.lorapipeline.schemas;

/**
 * Avro 1.12 refuses to instantiate classes outside {@code org.apache.avro.SERIALIZABLE_PACKAGES}; our
 * generated events live in {@code org.lorapipeline.events}, so add it before Avro reads the property.
 */
final class TrustedPackages {
    static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    static final String EVENTS_PACKAGE = "org.lorapipeline.events";

    private TrustedPackages() {}

    static synchronized void ensure() {
        String current = System.getProperty(PROPERTY);
        if (current == null || current.isBlank()) {
            System.setProperty(PROPERTY, "java.lang,java.math,java.io,java.net,org.apache.avro.util," + EVENTS_PACKAGE);
        } else if (!current.contains(EVENTS_PACKAGE)) {
            System.setProperty(PROPERTY, current + "," + EVENTS_PACKAGE);
        }
    }
}
