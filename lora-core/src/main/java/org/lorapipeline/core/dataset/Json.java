package org.lorapipeline.core.dataset;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON readers used for dataset files. */
final class Json {
    /** Rejects {@code {"a":1} {"b":2}} on one line instead of silently reading the first object. */
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }
}
