package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessedEventsTest {
    /** A durable store that counts its lookups; stands in for S3, which the ITs use for real. */
    static final class CountingStore implements ProcessedEvents {
        final Set<String> ids = new HashSet<>();
        final List<String> lookups = new ArrayList<>();
        boolean failWrites;

        @Override
        public boolean isProcessed(String eventId) {
            lookups.add(eventId);
            return ids.contains(eventId);
        }

        @Override
        public void markProcessed(String eventId, String description) {
            if (failWrites) {
                throw new ObjectStoreException("S3 down", true, null);
            }
            ids.add(eventId);
        }
    }

    @Test
    void recentIdsAreAnsweredFromMemory() {
        CountingStore durable = new CountingStore();
        CachedProcessedEvents cache = new CachedProcessedEvents(durable, 2);
        cache.markProcessed("a", "{}");
        assertThat(cache.isProcessed("a")).isTrue();
        assertThat(durable.lookups).isEmpty();
    }

    @Test
    void evictedIdsFallBackToTheDurableStore() {
        CountingStore durable = new CountingStore();
        CachedProcessedEvents cache = new CachedProcessedEvents(durable, 2);
        cache.markProcessed("a", "{}");
        cache.markProcessed("b", "{}");
        cache.markProcessed("c", "{}"); // evicts a
        assertThat(cache.isProcessed("b")).isTrue();
        assertThat(cache.isProcessed("c")).isTrue();
        assertThat(durable.lookups).isEmpty();
        assertThat(cache.isProcessed("a")).isTrue();
        assertThat(durable.lookups).containsExactly("a");
        // a is cached again now
        assertThat(cache.isProcessed("a")).isTrue();
        assertThat(durable.lookups).containsExactly("a");
    }

    @Test
    void unknownIdsAskTheDurableStoreEachTime() {
        CountingStore durable = new CountingStore();
        CachedProcessedEvents cache = new CachedProcessedEvents(durable, 10);
        assertThat(cache.isProcessed("x")).isFalse();
        assertThat(cache.isProcessed("x")).isFalse();
        assertThat(durable.lookups).containsExactly("x", "x");
    }

    @Test
    void aFailedDurableWriteIsNotRememberedInMemory() {
        CountingStore durable = new CountingStore();
        durable.failWrites = true;
        CachedProcessedEvents cache = new CachedProcessedEvents(durable, 10);
        assertThatThrownBy(() -> cache.markProcessed("a", "{}")).isInstanceOf(ObjectStoreException.class);
        assertThat(cache.isProcessed("a")).isFalse();
    }

    @Test
    void markerKeysStayUnderTheServicePrefix() {
        S3ProcessedEvents markers = new S3ProcessedEvents(null, "ingest-service");
        assertThat(markers.markerKey("6f1c2a9e-1b1f-4e0c-9c57-2f0b7c8a4d11"))
                .isEqualTo("processed/ingest-service/6f1c2a9e-1b1f-4e0c-9c57-2f0b7c8a4d11");
        // printf '../../etc' | sha256sum
        assertThat(markers.markerKey("../../etc"))
                .isEqualTo("processed/ingest-service/sha256-74ccf3c5b4c19a8167f9a3d1dd63e0e41fe451bc9616184fb273054c5743786c");
        assertThat(markers.markerKey("../../etc")).doesNotContain("..");
        assertThat(markers.markerKey(".hidden")).startsWith("processed/ingest-service/sha256-");
    }
}
