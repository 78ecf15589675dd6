package org.lorapipeline.core.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A run config could not be used. Carries every problem found, so a user fixes them all in one go; the
 * message lists them one per line as {@code file:line:col: key: message}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::format).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
