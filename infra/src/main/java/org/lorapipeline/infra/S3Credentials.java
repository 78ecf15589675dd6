package org.lorapipeline.infra;

import java.security.SecureRandom;

/**
 * An S3 access key and secret key. {@link #toString()} never shows the secret, so a record that holds these can be
 * logged safely.
 */
public record S3Credentials(String accessKey, String secretKey) {
    private static final String ACCESS_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public S3Credentials {
        // Keys travel in HTTP headers, properties files and shell commands: printable ASCII without spaces only.
        if (accessKey == null || !accessKey.matches("[\\x21-\\x7e]{3,128}")) {
            throw new IllegalArgumentException("accessKey must be 3-128 printable ASCII characters without spaces");
        }
        if (secretKey == null || !secretKey.matches("[\\x21-\\x7e]{8,128}")) {
            throw new IllegalArgumentException("secretKey must be 8-128 printable ASCII characters without spaces");
        }
    }

    /** Fresh random keys shaped like AWS ones: a 20-character access key and a 40-character secret. */
    public static S3Credentials generate() {
        return new S3Credentials("LORA" + random(ACCESS_ALPHABET, 16), random(SECRET_ALPHABET, 40));
    }

    private static String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "S3Credentials[accessKey=" + accessKey + ", secretKey=***]";
    }
}
