package org.lorapipeline.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.lorapipeline.core.config.ConfigProblem;
import org.lorapipeline.events.Problem;
import org.lorapipeline.events.Severity;

/** Turns the library's findings into the event contract's {@link Problem}s: errors first, file and line kept. */
final class Problems {
    private Problems() {}

    static Problem error(String code, String file, Integer line, String message) {
        return Problem.newBuilder().setSeverity(Severity.ERROR).setCode(code).setFile(file).setLine(line)
                .setMessage(message).build();
    }

    static Problem of(org.lorapipeline.core.dataset.Problem p) {
        String message = p.column() > 0 ? "column " + p.column() + ": " + p.message() : p.message();
        return Problem.newBuilder()
                .setSeverity(Severity.valueOf(p.severity().name()))
                .setCode(p.code().name().toLowerCase(java.util.Locale.ROOT))
                .setFile(p.file().isEmpty() ? null : p.file())
                .setLine(p.line() > 0 ? p.line() : null)
                .setMessage(message)
                .build();
    }

    static List<Problem> ofAll(List<org.lorapipeline.core.dataset.Problem> problems) {
        List<Problem> out = new ArrayList<>();
        problems.forEach(p -> out.add(of(p)));
        out.sort(Comparator.comparing(Problem::getSeverity)); // ERROR, WARNING, INFO; stable within each
        return out;
    }

    static List<Problem> ofConfig(String configName, List<ConfigProblem> problems) {
        List<Problem> out = new ArrayList<>();
        for (ConfigProblem p : problems) {
            out.add(error("config.invalid", configName, p.line() > 0 ? p.line() : null, p.format()));
        }
        return out;
    }
}
