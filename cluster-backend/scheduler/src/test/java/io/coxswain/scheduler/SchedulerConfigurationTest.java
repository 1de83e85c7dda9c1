package io.coxswain.scheduler;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerConfigurationTest {

    @Test
    void profilesTurnPluginsOnAndOffAndSetWeights() {
        SchedulerConfiguration c = SchedulerConfiguration.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                percentageOfNodesToScore: 30
                profiles:
                - schedulerName: default-scheduler
                - schedulerName: packer
                  plugins:
                    filter:
                      disabled: [{name: NodePorts}]
                    score:
                      disabled: [{name: '*'}]
                      enabled: [{name: NodeResourcesBalancedAllocation, weight: 5}]
                """);
        assertThat(c.percentageOfNodesToScore()).isEqualTo(30);
        assertThat(c.profiles()).extracting(Profile::schedulerName).containsExactly("default-scheduler", "packer");
        Profile packer = c.profiles().get(1);
        assertThat(packer.filters()).extracting(f -> f.name()).doesNotContain("NodePorts").contains("NodeResourcesFit", "TaintToleration");
        assertThat(packer.scores()).hasSize(1);
        assertThat(packer.scores().get(0).plugin().name()).isEqualTo("NodeResourcesBalancedAllocation");
        assertThat(packer.scores().get(0).weight()).isEqualTo(5);
        assertThat(c.profiles().get(0).scores()).extracting(s -> s.plugin().name())
                .containsExactly("NodeResourcesLeastAllocated", "NodeResourcesBalancedAllocation", "PodTopologySpread");
    }

    @Test
    void anUnknownPluginOrKindIsAClearError() {
        assertThatThrownBy(() -> SchedulerConfiguration.parse("""
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: x
                  plugins: {score: {enabled: [{name: Nope}]}}
                """)).hasMessageContaining("no score plugin named Nope");
        assertThatThrownBy(() -> SchedulerConfiguration.parse("kind: Pod\n")).hasMessageContaining("not a KubeSchedulerConfiguration");
    }

    @Test
    void theFailureMessageCountsReasonsAsKubeSchedulerDoes() {
        Map<String, Integer> reasons = new TreeMap<>(Map.of("Insufficient cpu", 2, "Insufficient memory", 1));
        assertThat(Scheduler.failureMessage(3, reasons)).startsWith("0/3 nodes are available: 2 Insufficient cpu, 1 Insufficient memory.");
        assertThat(Scheduler.failureMessage(0, Map.of())).isEqualTo("no nodes available to schedule pods");
    }
}
