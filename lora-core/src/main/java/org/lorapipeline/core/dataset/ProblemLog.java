package org.lorapipeline.core.dataset;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Collects problems with the rules' severities, listing at most {@code maxProblemsPerCode} of each code. */
final class ProblemLog {
    private final InspectionRules rules;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<ProblemCode, Integer> counts = new EnumMap<>(ProblemCode.class);

    ProblemLog(InspectionRules rules) {
        this.rules = rules;
    }

    void add(ProblemCode code, String file, int line, int column, String message) {
        int count = counts.merge(code, 1, Integer::sum);
        if (count <= rules.maxProblemsPerCode()) {
            problems.add(new Problem(rules.severityOf(code), code, file, line, column, message));
        }
    }

    void add(ProblemCode code, String file, String message) {
        add(code, file, 0, 0, message);
    }

    void add(ProblemCode code, String file, int line, String message) {
        add(code, file, line, 0, message);
    }

    boolean has(ProblemCode code) {
        return counts.containsKey(code);
    }

    /** Listed problems plus one summary per code that hit the cap, keeping that code's severity. */
    List<Problem> problems() {
        List<Problem> out = new ArrayList<>(problems);
        counts.forEach((code, count) -> {
            if (count > rules.maxProblemsPerCode()) {
                out.add(new Problem(rules.severityOf(code), code, "", 0, 0,
                        (count - rules.maxProblemsPerCode()) + " more " + code + " problems not listed ("
                                + count + " in total); fix the ones above and inspect again"));
            }
        });
        return out;
    }
}
