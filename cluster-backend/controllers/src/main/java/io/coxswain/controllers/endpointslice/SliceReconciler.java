package io.coxswain.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's endpointslice reconciler.go for the slices one controller keeps for one service, as a pure function from
 * what is desired and what exists to the writes that get there. Per address type and list of ports: an existing
 * slice keeps the endpoints it has that are still desired (updated in place when one changed), a slice left with
 * none is deleted, and new endpoints go first into slices that are being updated anyway, then into the one unchanged
 * slice that fits all of them, and only then into new slices of at most {@code maxEndpointsPerSlice}. So a pod's
 * event rewrites at most the slice that holds it. A create that meets a delete of the same address type becomes an
 * update of the slice that would go. A service without endpoints keeps one empty placeholder slice.
 */
final class SliceReconciler {

    /** The writes, in the order they are sent: creates, updates, deletes. */
    record Plan(List<EndpointSlice> create, List<EndpointSlice> update, List<EndpointSlice> delete) {
        boolean isEmpty() {
            return create.isEmpty() && update.isEmpty() && delete.isEmpty();
        }
    }

    private SliceReconciler() {
    }

    /**
     * @param placeholderType the address type of the placeholder when nothing is desired (the service's first family)
     * @param existing        the slices this controller keeps for this service, from the informer's cache
     */
    static Plan plan(SliceTemplate template, DesiredEndpoints desired, String placeholderType, List<EndpointSlice> existing) {
        List<EndpointSlice> create = new ArrayList<>();
        List<EndpointSlice> update = new ArrayList<>();
        List<EndpointSlice> delete = new ArrayList<>();
        Map<String, List<EndpointSlice>> existingByGroup = new LinkedHashMap<>();
        existing.stream().sorted(Comparator.comparing(s -> s.getMetadata().getName()))
                .forEach(s -> existingByGroup.computeIfAbsent(DesiredEndpoints.groupKey(s.getAddressType(), s.getPorts()),
                        k -> new ArrayList<>()).add(s));
        for (Map.Entry<String, DesiredEndpoints.Group> e : desired.groups().entrySet()) {
            List<EndpointSlice> slices = existingByGroup.remove(e.getKey());
            reconcileGroup(template, e.getValue(), slices == null ? List.of() : slices, create, update, delete);
        }
        existingByGroup.values().forEach(delete::addAll);
        if (template.placeholder() && desired.size() == 0) {
            EndpointSlice placeholder = template.newSlice(placeholderType, List.of(), List.of());
            EndpointSlice kept = delete.stream().filter(s -> isPlaceholder(template, s, placeholderType)).findFirst().orElse(null);
            if (kept != null) {
                delete.remove(kept);
            } else {
                create.add(placeholder);
            }
        }
        reuseDeletedSlices(template, create, update, delete);
        return new Plan(create, update, delete);
    }

    private static void reconcileGroup(SliceTemplate template, DesiredEndpoints.Group group, List<EndpointSlice> slices,
                                       List<EndpointSlice> create, List<EndpointSlice> update, List<EndpointSlice> delete) {
        int max = template.maxEndpointsPerSlice();
        Map<String, Endpoint> remaining = new LinkedHashMap<>(group.endpoints());
        List<EndpointSlice> toUpdate = new ArrayList<>();
        List<EndpointSlice> unchanged = new ArrayList<>();
        for (EndpointSlice slice : slices) {
            boolean changed = !template.stamped(slice);
            List<Endpoint> kept = new ArrayList<>();
            for (Endpoint endpoint : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
                Endpoint want = remaining.remove(DesiredEndpoints.identity(endpoint));
                if (want == null || kept.size() >= max) {
                    changed = true; // gone, a duplicate, or over a lowered maximum (it goes back to be placed)
                    if (want != null) {
                        remaining.put(DesiredEndpoints.identity(want), want);
                    }
                    continue;
                }
                changed |= !DesiredEndpoints.same(endpoint, want);
                kept.add(want);
            }
            if (kept.isEmpty()) {
                delete.add(slice);
            } else if (changed) {
                toUpdate.add(rewritten(template, slice, kept));
            } else {
                unchanged.add(slice);
            }
        }
        List<Endpoint> left = new ArrayList<>(DesiredEndpoints.sorted(remaining));
        // 1. slices that are written anyway take new endpoints first, the fullest first
        toUpdate.sort(Comparator.comparingInt((EndpointSlice s) -> s.getEndpoints().size()).reversed());
        for (EndpointSlice slice : toUpdate) {
            while (!left.isEmpty() && slice.getEndpoints().size() < max) {
                slice.getEndpoints().add(left.remove(0));
            }
        }
        // 2. then the unchanged slice with the least room that takes all the rest, else new slices
        while (!left.isEmpty()) {
            EndpointSlice fill = left.size() < max ? sliceToFill(unchanged, left.size(), max) : null;
            if (fill != null) {
                unchanged.remove(fill);
                fill = rewritten(template, fill, new ArrayList<>(fill.getEndpoints()));
                toUpdate.add(fill);
            } else {
                fill = template.newSlice(group.addressType(), group.ports(), List.of());
                create.add(fill);
            }
            while (!left.isEmpty() && fill.getEndpoints().size() < max) {
                fill.getEndpoints().add(left.remove(0));
            }
        }
        update.addAll(toUpdate);
    }

    /** kube's {@code getSliceToFill}: the slice with the least room that still fits {@code count} endpoints. */
    private static EndpointSlice sliceToFill(List<EndpointSlice> slices, int count, int max) {
        EndpointSlice best = null;
        for (EndpointSlice slice : slices) {
            int room = max - slice.getEndpoints().size();
            if (room >= count && (best == null || room < max - best.getEndpoints().size())) {
                best = slice;
            }
        }
        return best;
    }

    /** A copy of the slice with these endpoints and the template's labels and owner. */
    private static EndpointSlice rewritten(SliceTemplate template, EndpointSlice slice, List<Endpoint> endpoints) {
        EndpointSlice copy = Serialization.clone(slice);
        copy.setEndpoints(endpoints);
        template.stamp(copy);
        return copy;
    }

    private static boolean isPlaceholder(SliceTemplate template, EndpointSlice slice, String addressType) {
        return addressType.equals(slice.getAddressType()) && (slice.getEndpoints() == null || slice.getEndpoints().isEmpty())
                && (slice.getPorts() == null || slice.getPorts().isEmpty()) && template.stamped(slice);
    }

    /** kube's {@code finalize}: rather than create one slice and delete another of the same address type, update the latter. */
    private static void reuseDeletedSlices(SliceTemplate template, List<EndpointSlice> create, List<EndpointSlice> update,
                                           List<EndpointSlice> delete) {
        for (int i = 0; i < create.size(); i++) {
            EndpointSlice fresh = create.get(i);
            EndpointSlice old = delete.stream().filter(d -> fresh.getAddressType().equals(d.getAddressType())).findFirst().orElse(null);
            if (old == null) {
                continue;
            }
            delete.remove(old);
            EndpointSlice reused = rewritten(template, old, fresh.getEndpoints());
            reused.setPorts(fresh.getPorts());
            update.add(reused);
            create.remove(i--);
        }
    }
}
