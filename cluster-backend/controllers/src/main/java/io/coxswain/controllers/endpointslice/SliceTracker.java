package io.coxswain.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * kube's EndpointSliceTracker: the generation of every slice this controller wrote, per service, so that a sync never
 * plans from an informer cache that has not yet seen its own last writes (which would create the same endpoints
 * twice), and so that the controller's own writes coming back through the informer don't queue the service again.
 */
final class SliceTracker {

    private static final long DELETED = -1;

    private final Map<String, Map<String, Long>> byService = new HashMap<>();

    synchronized void written(String service, EndpointSlice slice) {
        byService.computeIfAbsent(service, k -> new HashMap<>()).put(slice.getMetadata().getName(), generation(slice));
    }

    synchronized void deleted(String service, EndpointSlice slice) {
        byService.computeIfAbsent(service, k -> new HashMap<>()).put(slice.getMetadata().getName(), DELETED);
    }

    synchronized void forget(String service) {
        byService.remove(service);
    }

    /** Whether a cached slice's event comes from someone else (or is news to us), so the service needs a sync. */
    synchronized boolean shouldSync(String service, EndpointSlice slice, boolean deleted) {
        Map<String, Long> slices = byService.get(service);
        Long known = slices == null ? null : slices.get(slice.getMetadata().getName());
        if (known == null) {
            return true;
        }
        if (deleted) {
            slices.remove(slice.getMetadata().getName());
            return known != DELETED;
        }
        return known == DELETED || generation(slice) > known;
    }

    /** {@code StaleSlices}: a slice we wrote that the cache lacks or has older, or one we deleted that it still has. */
    synchronized boolean stale(String service, List<EndpointSlice> cached) {
        Map<String, Long> slices = byService.get(service);
        if (slices == null) {
            return false;
        }
        Map<String, EndpointSlice> byName = cached.stream().collect(Collectors.toMap(s -> s.getMetadata().getName(), Function.identity()));
        for (Map.Entry<String, Long> e : slices.entrySet()) {
            EndpointSlice seen = byName.get(e.getKey());
            if (e.getValue() == DELETED ? seen != null : seen == null || generation(seen) < e.getValue()) {
                return true;
            }
        }
        return false;
    }

    private static long generation(EndpointSlice slice) {
        Long g = slice.getMetadata().getGeneration();
        return g == null ? 0 : g;
    }
}
