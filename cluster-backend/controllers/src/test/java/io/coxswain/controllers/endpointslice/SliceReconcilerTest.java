package io.coxswain.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SliceReconcilerTest {

    private static final List<EndpointPort> HTTP = List.of(new EndpointPort(null, "http", 8080, "TCP"));
    private static final SliceTemplate TEMPLATE = new SliceTemplate("default", "web",
            Map.of(SliceTemplate.SERVICE_NAME, "web", SliceTemplate.MANAGED_BY, PodEndpoints.CONTROLLER), null,
            new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service").withName("web").withUid("svc-uid")
                    .withController(true).withBlockOwnerDeletion(true).build(), 100, true);
    private int names;

    @Test
    void twoHundredFiftyEndpointsMakeThreeSlicesOfAtMostAHundred() {
        SliceReconciler.Plan plan = SliceReconciler.plan(TEMPLATE, desired(0, 250, true), "IPv4", List.of());
        assertThat(plan.create()).extracting(s -> s.getEndpoints().size()).containsExactly(100, 100, 50);
        assertThat(plan.update()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        EndpointSlice first = plan.create().get(0);
        assertThat(first.getMetadata().getGenerateName()).isEqualTo("web-");
        assertThat(first.getAddressType()).isEqualTo("IPv4");
        assertThat(first.getPorts()).isEqualTo(HTTP);
        assertThat(first.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo("svc-uid"));
    }

    @Test
    void nothingChangedWritesNothing() {
        List<EndpointSlice> existing = stored(SliceReconciler.plan(TEMPLATE, desired(0, 150, true), "IPv4", List.of()).create());
        assertThat(SliceReconciler.plan(TEMPLATE, desired(0, 150, true), "IPv4", existing).isEmpty()).isTrue();
    }

    @Test
    void oneEndpointChangingRewritesOnlyItsSlice() {
        List<EndpointSlice> existing = stored(SliceReconciler.plan(TEMPLATE, desired(0, 150, true), "IPv4", List.of()).create());
        DesiredEndpoints desired = desired(0, 150, true);
        Endpoint notReady = endpoint(120, false);
        desired.groups().values().iterator().next().endpoints().put(DesiredEndpoints.identity(notReady), notReady);
        SliceReconciler.Plan plan = SliceReconciler.plan(TEMPLATE, desired, "IPv4", existing);
        assertThat(plan.create()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        EndpointSlice holder = existing.stream().filter(s -> s.getEndpoints().stream()
                .anyMatch(e -> DesiredEndpoints.identity(e).equals(DesiredEndpoints.identity(notReady)))).findFirst().orElseThrow();
        assertThat(plan.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo(holder.getMetadata().getName());
            assertThat(s.getEndpoints()).hasSameSizeAs(holder.getEndpoints()).contains(notReady);
        });
    }

    @Test
    void newEndpointsFillAnUnchangedSliceWithRoomBeforeANewOne() {
        List<EndpointSlice> existing = stored(SliceReconciler.plan(TEMPLATE, desired(0, 150, true), "IPv4", List.of()).create());
        SliceReconciler.Plan plan = SliceReconciler.plan(TEMPLATE, desired(0, 160, true), "IPv4", existing);
        assertThat(plan.create()).isEmpty();
        assertThat(plan.update()).singleElement().satisfies(s -> assertThat(s.getEndpoints()).hasSize(60));
    }

    @Test
    void removedEndpointsShrinkTheirSliceAndAnEmptiedSliceIsDeleted() {
        List<EndpointSlice> existing = stored(SliceReconciler.plan(TEMPLATE, desired(0, 150, true), "IPv4", List.of()).create());
        // every endpoint of the second slice goes, and one of the first
        DesiredEndpoints desired = new DesiredEndpoints();
        existing.get(0).getEndpoints().stream().skip(1).forEach(e -> desired.add("IPv4", HTTP, e));
        SliceReconciler.Plan plan = SliceReconciler.plan(TEMPLATE, desired, "IPv4", existing);
        assertThat(plan.create()).isEmpty();
        assertThat(plan.update()).singleElement().satisfies(s -> assertThat(s.getEndpoints()).hasSize(99));
        assertThat(plan.delete()).singleElement().isEqualTo(existing.get(1));
    }

    @Test
    void noEndpointsLeaveOnePlaceholderSliceThatIsKeptAfterwards() {
        List<EndpointSlice> existing = stored(SliceReconciler.plan(TEMPLATE, desired(0, 3, true), "IPv4", List.of()).create());
        SliceReconciler.Plan emptied = SliceReconciler.plan(TEMPLATE, new DesiredEndpoints(), "IPv4", existing);
        assertThat(emptied.delete()).as("the slice is reused as the placeholder rather than deleted").isEmpty();
        assertThat(emptied.update()).singleElement().satisfies(s -> {
            assertThat(s.getEndpoints()).isEmpty();
            assertThat(s.getPorts()).isEmpty();
        });
        List<EndpointSlice> placeholder = stored(emptied.update());
        assertThat(SliceReconciler.plan(TEMPLATE, new DesiredEndpoints(), "IPv4", placeholder).isEmpty()).isTrue();
    }

    @Test
    void changedPortsMoveEndpointsToASliceOfTheNewPortsReusingTheOldSlice() {
        List<EndpointSlice> existing = stored(SliceReconciler.plan(TEMPLATE, desired(0, 3, true), "IPv4", List.of()).create());
        DesiredEndpoints desired = new DesiredEndpoints();
        List<EndpointPort> https = List.of(new EndpointPort(null, "https", 8443, "TCP"));
        IntStream.range(0, 3).forEach(i -> desired.add("IPv4", https, endpoint(i, true)));
        SliceReconciler.Plan plan = SliceReconciler.plan(TEMPLATE, desired, "IPv4", existing);
        assertThat(plan.create()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo(existing.get(0).getMetadata().getName());
            assertThat(s.getPorts()).isEqualTo(https);
            assertThat(s.getEndpoints()).hasSize(3);
        });
    }

    @Test
    void aChangedServiceLabelRelabelsEverySlice() {
        List<EndpointSlice> existing = stored(SliceReconciler.plan(TEMPLATE, desired(0, 150, true), "IPv4", List.of()).create());
        SliceTemplate relabelled = new SliceTemplate("default", "web", Map.of(SliceTemplate.SERVICE_NAME, "web",
                SliceTemplate.MANAGED_BY, PodEndpoints.CONTROLLER, "tier", "front"), null, TEMPLATE.owner(), 100, true);
        SliceReconciler.Plan plan = SliceReconciler.plan(relabelled, desired(0, 150, true), "IPv4", existing);
        assertThat(plan.update()).hasSize(2).allSatisfy(s -> assertThat(s.getMetadata().getLabels()).containsEntry("tier", "front"));
    }

    private static DesiredEndpoints desired(int from, int to, boolean ready) {
        DesiredEndpoints desired = new DesiredEndpoints();
        IntStream.range(from, to).forEach(i -> desired.add("IPv4", HTTP, endpoint(i, ready)));
        return desired;
    }

    private static Endpoint endpoint(int i, boolean ready) {
        Endpoint e = new Endpoint();
        e.setAddresses(new ArrayList<>(List.of("10.0." + (i / 250) + "." + (i % 250 + 1))));
        e.setConditions(new EndpointConditions(ready, ready, false));
        e.setNodeName("node-1");
        e.setTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace("default").withName(String.format("web-%03d", i))
                .withUid("uid-" + i).build());
        return e;
    }

    /** The slices as the apiserver would store them: named, and read back through JSON. */
    private List<EndpointSlice> stored(List<EndpointSlice> slices) {
        List<EndpointSlice> out = new ArrayList<>();
        for (EndpointSlice s : slices) {
            EndpointSlice copy = Serialization.unmarshal(Serialization.asJson(s), EndpointSlice.class);
            if (copy.getMetadata().getName() == null) {
                copy.getMetadata().setName("web-" + (char) ('a' + names++));
            }
            copy.getMetadata().setGeneration(1L);
            out.add(copy);
        }
        return out;
    }
}
