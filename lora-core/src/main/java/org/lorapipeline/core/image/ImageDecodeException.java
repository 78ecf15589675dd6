package org.lorapipeline.core.image;

import java.io.IOException;

/** An image that cannot be used, with a machine-readable {@link Reason} and a message saying what to do. */
public final class ImageDecodeException extends IOException {
    /** Why the image was refused. */
    public enum Reason {
        /** No installed reader recognises the bytes (not PNG/JPEG/WebP/BMP, or a renamed file). */
        UNSUPPORTED_FORMAT,
        /** The header announces more pixels than allowed; refused before decoding. */
        TOO_MANY_PIXELS,
        /** The file ends before the image data does. */
        TRUNCATED,
        /** The bytes are damaged in some other way. */
        CORRUPT
    }

    private final Reason reason;

    public ImageDecodeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
