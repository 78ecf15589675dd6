package org.lorapipeline.core.caption;

/** The role a tag plays in a structured caption; the markers are those of the seeds' metadata.csv. */
public enum TagKind {
    /** {@code **core tags**}: the key subject/style tags. */
    CORE("**"),
    /** {@code *mood tags*}: atmosphere. */
    MOOD("*"),
    /** Unmarked tags. */
    PLAIN("");

    private final String marker;

    TagKind(String marker) {
        this.marker = marker;
    }

    /** The marker written on both sides of a group of this kind ("" for plain tags). */
    public String marker() {
        return marker;
    }
}
