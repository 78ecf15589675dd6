package org.lorapipeline.core.dataset;

/** Record shape of a JSONL text dataset. */
public enum TextFormat {
    /** {@code {"text": "..."}}. */
    TEXT,
    /** {@code {"instruction", "input", "output", "system"?, "history"?}}. */
    ALPACA
}
