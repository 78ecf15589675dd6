package org.lorapipeline.core.train;

/**
 * One training text after rendering, before tokenization.
 *
 * @param origin      {@code file:line}, for messages
 * @param text        the whole rendered text (prompt then response)
 * @param promptChars length of the prompt prefix of {@code text} (through the response marker); -1 when the record
 *                    has no response marker, so only whole-text training can use it
 */
public record TextRecord(String origin, String text, int promptChars) {
    public TextRecord {
        if (text == null) {
            throw new IllegalArgumentException(origin + ": text must not be null");
        }
        if (promptChars < -1 || promptChars > text.length()) {
            throw new IllegalArgumentException(origin + ": promptChars " + promptChars + " outside the text");
        }
    }

    public boolean hasResponse() {
        return promptChars >= 0;
    }
}
