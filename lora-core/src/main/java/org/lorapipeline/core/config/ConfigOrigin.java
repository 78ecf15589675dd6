package org.lorapipeline.core.config;

import java.util.List;
import java.util.Map;

/**
 * Where a loaded config came from: the source name and where each key was written, so problems found
 * after loading (missing files, for instance) can still point at the line.
 *
 * @param source  file name, or the name given to {@link RunConfig#parse}
 * @param written canonical key name to how and where it was written
 */
public record ConfigOrigin(String source, Map<String, WrittenKey> written) {
    /** How a key was spelt (canonical or alias) and where. */
    public record WrittenKey(String name, SourcePosition position) {}

    public ConfigOrigin {
        if (source == null) {
            throw new IllegalArgumentException("source is required");
        }
        written = Map.copyOf(written);
    }

    /** For configs built in code rather than read from a file. */
    public static ConfigOrigin inCode() {
        return new ConfigOrigin("<code>", Map.of());
    }

    public boolean isWritten(ConfigKey key) {
        return written.containsKey(key.name());
    }

    /** A problem about {@code keys}, placed at the first of them that the file contains. */
    ConfigProblem problem(List<ConfigKey> keys, String message) {
        for (ConfigKey k : keys) {
            WrittenKey w = written.get(k.name());
            if (w != null) {
                return new ConfigProblem(source, w.position().line(), w.position().column(), w.name(), message);
            }
        }
        return new ConfigProblem(source, 0, 0, keys.get(0).name(), message);
    }

    ConfigProblem problem(ConfigKey key, String message) {
        return problem(List.of(key), message);
    }
}
