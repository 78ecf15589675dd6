package org.lorapipeline.core.safetensors;

/** A safetensors file (or sharded index) that breaks the format's rules; the message names file and tensor. */
public class SafetensorsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
