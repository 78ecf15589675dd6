package org.lorapipeline.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything known about one run, folded from its events. Mutable on purpose: the Streams aggregator updates one
 * instance per event and the store serialises it as JSON (an internal table, not a contract between services).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunStatus {
    public String runId;
    public String datasetId;
    public RunPhase phase = RunPhase.SUBMITTED;
    public long createdAtMillis;
    public long updatedAtMillis;
    public String lastEvent;
    public int eventCount;

    public String datasetKind;
    public String layout;
    public Integer itemCount;
    public Integer uncaptionedCount;
    /** When the dataset.registered event happened (epoch millis), for latency reports. */
    public Long registeredAtMillis;
    public List<String> problems = new ArrayList<>();

    public Integer captionsGenerated;
    public Integer captionsKept;
    public Integer captionsFailed;

    public String modelType;
    public String workerId;
    public Integer attempt;
    public String device;
    public Long step;
    public Long totalSteps;
    public Integer epoch;
    public Double loss;
    public Double learningRate;
    public Double itPerSec;
    public Double etaSeconds;
    public Long lastCheckpointStep;
    public String lastCheckpointKey;

    public String failureReason;
    public String failureMessage;
    public boolean cancelRequested;
    public Map<String, String> exports = new LinkedHashMap<>();

    /** One line for terminals: `run-1  TRAINING  step 40/100  loss 0.4123  cpu`. */
    public String summaryLine() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-24s %-16s", runId, phase));
        if (step != null && totalSteps != null) {
            b.append(String.format(" step %d/%d", step, totalSteps));
        }
        if (loss != null) {
            b.append(String.format(" loss %.4f", loss));
        }
        if (itemCount != null) {
            b.append(" items ").append(itemCount);
        }
        if (failureReason != null) {
            b.append(" ").append(failureReason).append(": ").append(failureMessage);
        }
        if (!exports.isEmpty()) {
            b.append(" exports ").append(String.join(",", exports.keySet()));
        }
        return b.toString();
    }
}
