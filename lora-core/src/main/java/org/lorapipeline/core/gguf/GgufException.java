package org.lorapipeline.core.gguf;

/** A GGUF file that breaks the format's rules (ggml {@code gguf.cpp}); the message names file, key or tensor. */
public class GgufException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GgufException(String message) {
        super(message);
    }
}
