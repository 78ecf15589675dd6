package org.lorapipeline.core.kohya;

/** A LoRA file that is neither kohya's nor diffusers' layout, or is inconsistent; the message names the file. */
public class LoraFormatException extends RuntimeException {
    public LoraFormatException(String message) {
        super(message);
    }
}
