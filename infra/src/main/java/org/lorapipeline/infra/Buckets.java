package org.lorapipeline.infra;

/** S3 bucket-name rules, checked before any request so the user sees which name is wrong and why. */
final class Buckets {
    private Buckets() {}

    static void check(String bucket) {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") || bucket.contains("..")) {
            throw new IllegalArgumentException("bucket must be 3-63 characters of a-z, 0-9, '.' and '-', starting and "
                    + "ending with a letter or digit, got '" + bucket + "'");
        }
    }
}
