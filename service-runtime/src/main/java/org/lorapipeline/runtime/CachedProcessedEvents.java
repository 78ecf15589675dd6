package org.lorapipeline.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An LRU of recently seen ids in front of a durable store: most duplicates arrive soon after the original (a
 * rebalance, a producer retry), so they are answered from memory; only misses ask the durable store.
 */
public final class CachedProcessedEvents implements ProcessedEvents {
    private final ProcessedEvents durable;
    private final Set<String> recent;

    public CachedProcessedEvents(ProcessedEvents durable, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.durable = durable;
        this.recent = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        }));
    }

    @Override
    public boolean isProcessed(String eventId) {
        if (recent.contains(eventId)) {
            return true;
        }
        if (durable.isProcessed(eventId)) {
            recent.add(eventId);
            return true;
        }
        return false;
    }

    @Override
    public void markProcessed(String eventId, String description) {
        durable.markProcessed(eventId, description); // durable first: the cache must never claim more than S3 knows
        recent.add(eventId);
    }
}
