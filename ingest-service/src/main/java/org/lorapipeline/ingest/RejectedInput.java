package org.lorapipeline.ingest;

import java.util.List;
import org.lorapipeline.events.Problem;

/** The submission itself is unusable (bad config, unsafe archive, missing objects): reject it, never retry. */
final class RejectedInput extends Exception {
    private final transient List<Problem> reasons;

    RejectedInput(List<Problem> reasons) {
        super(reasons.isEmpty() ? "rejected" : reasons.get(0).getMessage());
        this.reasons = List.copyOf(reasons);
    }

    static RejectedInput of(String code, String file, String message) {
        return new RejectedInput(List.of(Problems.error(code, file, null, message)));
    }

    List<Problem> reasons() {
        return reasons;
    }
}
