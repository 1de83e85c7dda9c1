package io.coxswain.apiserver.http;

import io.coxswain.metrics.ComponentMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {

    @Test
    void verbsAreReportedAsKubeApiserverReportsThem() {
        assertThat(Metrics.reportedVerb("create", "application/json")).isEqualTo("POST");
        assertThat(Metrics.reportedVerb("update", "application/json")).isEqualTo("PUT");
        assertThat(Metrics.reportedVerb("patch", "application/merge-patch+json")).isEqualTo("PATCH");
        assertThat(Metrics.reportedVerb("patch", "application/apply-patch+yaml")).isEqualTo("APPLY");
        assertThat(Metrics.reportedVerb("list", null)).isEqualTo("LIST");
        assertThat(Metrics.reportedVerb("watch", null)).isEqualTo("WATCH");
        assertThat(Metrics.reportedVerb("deletecollection", null)).isEqualTo("DELETECOLLECTION");
    }

    @Test
    void scopeFollowsKubesInstaller() {
        assertThat(Metrics.scope(true, true, false, "LIST")).isEqualTo("namespace");
        assertThat(Metrics.scope(true, false, false, "LIST")).as("across namespaces").isEqualTo("cluster");
        assertThat(Metrics.scope(false, false, false, "LIST")).isEqualTo("cluster");
        assertThat(Metrics.scope(true, true, true, "GET")).isEqualTo("resource");
        assertThat(Metrics.scope(true, true, false, "POST")).as("a create").isEqualTo("resource");
    }

    @Test
    void dryRunIsSortedAndJoined() {
        assertThat(Metrics.dryRun(List.of())).isEmpty();
        assertThat(Metrics.dryRun(List.of("All"))).isEqualTo("All");
    }

    @Test
    void requestsAreExposedUnderKubesNamesAndLabels() {
        try (ComponentMetrics component = new ComponentMetrics()) {
            Metrics metrics = new Metrics(component);
            Metrics.Labels create = new Metrics.Labels("POST", "", "apps", "v1", "deployments", "", "resource");
            metrics.record(create, 201, 3_000_000);
            metrics.record(create, 201, 70_000_000);
            metrics.readInflight.set(2);
            String text = component.scrape();
            assertThat(text).contains("apiserver_request_total{code=\"201\",component=\"apiserver\",dry_run=\"\",group=\"apps\","
                    + "resource=\"deployments\",scope=\"resource\",subresource=\"\",verb=\"POST\",version=\"v1\"} 2.0");
            String labels = "component=\"apiserver\",dry_run=\"\",group=\"apps\",resource=\"deployments\",scope=\"resource\","
                    + "subresource=\"\",verb=\"POST\",version=\"v1\"";
            assertThat(text).contains("apiserver_request_duration_seconds_bucket{" + labels + ",le=\"0.005\"} 1")
                    .contains("apiserver_request_duration_seconds_bucket{" + labels + ",le=\"0.1\"} 2")
                    .contains("apiserver_request_duration_seconds_count{" + labels + "} 2")
                    .contains("apiserver_current_inflight_requests{request_kind=\"readOnly\"} 2.0")
                    .contains("apiserver_longrunning_requests{verb=\"WATCH\"} 0.0")
                    .contains("jvm_memory_used_bytes");
        }
    }
}
