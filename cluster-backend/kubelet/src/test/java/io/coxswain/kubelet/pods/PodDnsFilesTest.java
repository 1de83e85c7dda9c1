package io.coxswain.kubelet.pods;

import io.coxswain.kubelet.PodDnsConfig;
import io.coxswain.kubelet.runtime.ContainerSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** resolv.conf by dnsPolicy with dnsConfig merged and kube's limits, and the managed hosts file, as kube's kubelet writes them. */
class PodDnsFilesTest {

    @TempDir
    Path dir;

    PodDnsFiles files(List<String> clusterDns) throws IOException {
        Path host = Files.writeString(dir.resolve("host-resolv.conf"),
                "# the host's\nnameserver 192.0.2.53\nsearch corp.example .\noptions edns0 ndots:2\n");
        return new PodDnsFiles(dir, new PodDnsConfig(clusterDns, "cluster.local", host));
    }

    static PodBuilder pod(String ns, String name) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).withUid("uid-" + name).endMetadata().withNewSpec().endSpec();
    }

    @Test
    void clusterFirstIsTheDefault() throws IOException {
        Pod p = pod("team", "a").build();
        assertThat(files(List.of("10.96.0.10")).resolvConf(p).text()).isEqualTo("""
                nameserver 10.96.0.10
                search team.svc.cluster.local svc.cluster.local cluster.local corp.example
                options ndots:5
                """);
        // no cluster DNS: the host's, as kube's kubelet falls back
        assertThat(files(List.of()).resolvConf(p).nameservers()).containsExactly("192.0.2.53");
    }

    @Test
    void defaultNoneAndHostNetwork() throws IOException {
        PodDnsFiles f = files(List.of("10.96.0.10"));
        assertThat(f.resolvConf(pod("x", "d").editSpec().withDnsPolicy("Default").endSpec().build()).text()).isEqualTo("""
                nameserver 192.0.2.53
                search corp.example
                options edns0 ndots:2
                """);
        assertThat(f.resolvConf(pod("x", "n").editSpec().withDnsPolicy("None").endSpec().build()).text()).isEmpty();
        assertThat(f.resolvConf(pod("x", "h").editSpec().withHostNetwork(true).endSpec().build()).nameservers()).containsExactly("192.0.2.53");
        assertThat(f.resolvConf(pod("x", "hn").editSpec().withHostNetwork(true).withDnsPolicy("ClusterFirstWithHostNet").endSpec().build())
                .nameservers()).containsExactly("10.96.0.10");
        assertThatThrownBy(() -> f.resolvConf(pod("x", "bad").editSpec().withDnsPolicy("Sometimes").endSpec().build()))
                .hasMessageContaining("dnsPolicy \"Sometimes\"");
    }

    @Test
    void dnsConfigIsMergedWithinKubesLimits() throws IOException {
        Pod p = pod("x", "c").editSpec().withDnsPolicy("None").withNewDnsConfig()
                .withNameservers("1.1.1.1", "1.0.0.1", "8.8.8.8", "9.9.9.9")
                .withSearches(IntStream.range(0, 40).mapToObj(i -> "s" + i + ".example").toList())
                .addNewOption().withName("ndots").withValue("2").endOption().addNewOption().withName("edns0").endOption()
                .endDnsConfig().endSpec().build();
        PodDnsFiles.Resolv r = files(List.of()).resolvConf(p);
        assertThat(r.nameservers()).containsExactly("1.1.1.1", "1.0.0.1", "8.8.8.8");
        assertThat(r.searches()).hasSize(32);
        assertThat(r.options()).containsExactly("ndots:2", "edns0");
        Pod merged = pod("x", "m").editSpec().withNewDnsConfig().withNameservers("10.96.0.10", "1.1.1.1").withSearches("extra.example")
                .addNewOption().withName("ndots").withValue("1").endOption().endDnsConfig().endSpec().build();
        assertThat(files(List.of("10.96.0.10")).resolvConf(merged).text()).isEqualTo("""
                nameserver 10.96.0.10
                nameserver 1.1.1.1
                search x.svc.cluster.local svc.cluster.local cluster.local corp.example extra.example
                options ndots:1
                """);
        List<String> long64 = IntStream.range(0, 40).mapToObj(i -> "d".repeat(60) + i).toList();
        PodDnsFiles.Resolv chars = files(List.of()).resolvConf(pod("x", "l").editSpec().withDnsPolicy("None")
                .withNewDnsConfig().withSearches(long64).endDnsConfig().endSpec().build());
        assertThat(String.join(" ", chars.searches()).length()).isLessThanOrEqualTo(2048);
    }

    @Test
    void hostsFileHasThePodsNamesAndAliases() throws IOException {
        Pod p = pod("ns1", "web-0").editSpec().withHostname("web-0").withSubdomain("web")
                .addNewHostAlias().withIp("192.0.2.9").withHostnames("foo.local", "bar.local").endHostAlias().endSpec().build();
        PodDnsFiles f = files(List.of("10.96.0.10"));
        String hosts = f.hosts(p, "10.244.0.7");
        assertThat(hosts).contains("127.0.0.1\tlocalhost\n").contains("10.244.0.7\tweb-0.web.ns1.svc.cluster.local\tweb-0\n")
                .contains("# Entries added by HostAliases.\n192.0.2.9\tfoo.local\tbar.local\n");
        assertThat(f.hosts(pod("ns1", "plain").build(), "10.244.0.8")).contains("10.244.0.8\tplain\n");

        List<ContainerSpec.Mount> mounts = f.write(p, null, List.of());
        assertThat(mounts).extracting(ContainerSpec.Mount::containerPath).containsExactly("/etc/resolv.conf", "/etc/hosts");
        Path hostsFile = Path.of(mounts.get(1).hostPath());
        Object inode = Files.getAttribute(hostsFile, "unix:ino");
        assertThat(Files.readString(hostsFile)).doesNotContain("10.244.0.7");
        f.write(p, "10.244.0.7", List.of());
        assertThat(Files.readString(hostsFile)).contains("10.244.0.7\tweb-0.web.ns1.svc.cluster.local");
        assertThat(Files.getAttribute(hostsFile, "unix:ino")).isEqualTo(inode);
        assertThat(f.write(p, "10.244.0.7", List.of(new ContainerSpec.Mount("/x", "/etc/hosts", true))))
                .extracting(ContainerSpec.Mount::containerPath).containsExactly("/etc/resolv.conf");
    }
}
