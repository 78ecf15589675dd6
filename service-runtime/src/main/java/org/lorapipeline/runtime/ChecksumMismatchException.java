package org.lorapipeline.runtime;

/**
 * The bytes read from S3 are not the bytes an event promised. Not retryable: the object was replaced or damaged,
 * reading it again gives the same bytes; the event goes to the dead-letter topic for a person to look at.
 */
public final class ChecksumMismatchException extends ObjectStoreException {
    private final String key;
    private final String expectedSha256;
    private final String actualSha256;

    public ChecksumMismatchException(String bucket, String key, String expectedSha256, String actualSha256, String detail) {
        super("sha256 mismatch for s3://" + bucket + "/" + key + ": expected " + expectedSha256 + ", got " + actualSha256
                + (detail == null ? "" : " (" + detail + ")")
                + "; the object changed since the event was written - re-upload it or re-submit the run", false, null);
        this.key = key;
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    public String key() {
        return key;
    }

    public String expectedSha256() {
        return expectedSha256;
    }

    public String actualSha256() {
        return actualSha256;
    }
}
