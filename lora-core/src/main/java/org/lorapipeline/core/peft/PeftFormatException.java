package org.lorapipeline.core.peft;

/** A PEFT adapter directory that cannot be used; the message names the file and key. */
public class PeftFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PeftFormatException(String message) {
        super(message);
    }
}
