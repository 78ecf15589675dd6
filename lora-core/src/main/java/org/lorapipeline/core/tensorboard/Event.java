package org.lorapipeline.core.tensorboard;

import java.util.List;

/**
 * A TensorBoard {@code Event} (fields 1 wall_time, 2 step, 3 file_version, 5 summary): either the file-version
 * header or a summary with values.
 */
public record Event(double wallTime, long step, String fileVersion, List<SummaryValue> values) {
    public Event {
        values = values == null ? List.of() : List.copyOf(values);
    }

    public static Event summary(double wallTime, long step, SummaryValue... values) {
        return new Event(wallTime, step, null, List.of(values));
    }
}
