package org.lorapipeline.train;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lorapipeline.runtime.ObjectInfo;
import org.lorapipeline.runtime.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease epoch a worker holds on a run: {@code runs/<runId>/attempts/NNNN.json}, the next free number.
 *
 * <p>Kafka already makes one worker the owner of a job (its partition's consumer), but ownership can move while the
 * old owner still runs: a rebalance that revoked a partition whose handler ignored the interrupt, a network partition
 * that expelled a member that is still training. The epoch makes the newer owner win: before every write that others
 * rely on (a checkpoint upload, the final event) a worker checks that no higher epoch exists and otherwise stops
 * quietly. Events carry the epoch ({@code attempt}) so readers can drop a zombie's late progress.
 *
 * <p>Claiming uses S3's conditional create ({@code If-None-Match: *}) and then reads the object back: a server that
 * ignores the condition (s3proxy, some S3 clones) lets a racing creator overwrite, and the read-back sees it and moves
 * to the next number. Two workers can then still both believe they hold the same epoch only if both listed, wrote and
 * read back inside the same few milliseconds; they are fenced at their next checkpoint by whichever claims next.
 */
final class RunLease {
    private static final Logger log = LoggerFactory.getLogger(RunLease.class);
    private static final Pattern NAME = Pattern.compile(".*/attempts/(\\d{4})\\.json");

    private final ObjectStore store;
    private final String runId;
    private final int epoch;

    private RunLease(ObjectStore store, String runId, int epoch) {
        this.store = store;
        this.runId = runId;
        this.epoch = epoch;
    }

    static RunLease claim(ObjectStore store, String runId, String workerId) {
        for (int tries = 0; tries < 20; tries++) {
            int next = highest(store, runId) + 1;
            String token = workerId + "@" + System.nanoTime();
            byte[] body = RunJson.write(Map.of("runId", runId, "attempt", next, "workerId", workerId, "token", token,
                    "claimedAt", Instant.now().toString()));
            if (store.putIfAbsent(RunKeys.attempt(runId, next), body, "application/json")) {
                var written = store.stat(RunKeys.attempt(runId, next)).map(store::getBytes);
                if (written.isPresent() && token.equals(RunJson.read(written.get(), RunKeys.attempt(runId, next))
                        .path("token").asText())) {
                    log.info("run {}: took lease epoch {}", runId, next);
                    return new RunLease(store, runId, next);
                }
            }
            log.info("run {}: epoch {} was taken by another worker, trying the next", runId, next);
        }
        throw new IllegalStateException("run " + runId + ": could not claim a lease epoch in 20 tries; too many workers"
                + " race for it");
    }

    int epoch() {
        return epoch;
    }

    /** @throws FencedException when a later epoch exists */
    void check(String beforeWhat) {
        int highest = highest(store, runId);
        if (highest > epoch) {
            throw new FencedException("run " + runId + ": epoch " + highest + " took over from epoch " + epoch
                    + "; not " + beforeWhat);
        }
    }

    private static int highest(ObjectStore store, String runId) {
        int max = 0;
        for (ObjectInfo o : store.list(RunKeys.attempts(runId))) {
            Matcher m = NAME.matcher(o.key());
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max;
    }

    /** A newer worker owns the run; this one stops without writing anything else. */
    static final class FencedException extends RuntimeException {
        FencedException(String message) {
            super(message);
        }
    }
}
