package io.coxswain.kubelet.pods;

import io.coxswain.kubelet.PodDnsConfig;
import io.coxswain.kubelet.runtime.ContainerSpec;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.api.model.PodSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A pod's {@code /etc/resolv.conf} and {@code /etc/hosts}, written under its directory and mounted into each of its
 * containers, as kube's kubelet does (pkg/kubelet/network/dns and the managed etc-hosts file): the resolvers by
 * dnsPolicy with dnsConfig merged in and kube's limits applied, the hosts file with the pod's own name (its FQDN when
 * it sets a subdomain) and its hostAliases. Files are rewritten in place, so the bind mounts see the pod IP once known.
 */
final class PodDnsFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PodDnsFiles.class);
    static final int MAX_NAMESERVERS = 3;
    static final int MAX_SEARCHES = 32;
    static final int MAX_SEARCH_CHARS = 2048;

    private final Path root;
    private final PodDnsConfig config;

    PodDnsFiles(Path root, PodDnsConfig config) {
        this.root = root;
        this.config = config;
    }

    /** The resolver settings a resolv.conf holds. */
    record Resolv(List<String> nameservers, List<String> searches, List<String> options) {
        String text() {
            StringBuilder out = new StringBuilder();
            nameservers.forEach(n -> out.append("nameserver ").append(n).append('\n'));
            if (!searches.isEmpty()) {
                out.append("search ").append(String.join(" ", searches)).append('\n');
            }
            if (!options.isEmpty()) {
                out.append("options ").append(String.join(" ", options)).append('\n');
            }
            return out.toString();
        }
    }

    /** Writes both files (when their text changed) and returns their mounts, leaving out a path the container mounts itself. */
    List<ContainerSpec.Mount> write(Pod pod, String podIp, List<ContainerSpec.Mount> containerMounts) {
        Path dir = root.resolve("pods").resolve(pod.getMetadata().getUid());
        Path resolv = dir.resolve("resolv.conf");
        Path hosts = dir.resolve("etc-hosts");
        try {
            Files.createDirectories(dir);
            writeIfChanged(resolv, resolvConf(pod).text());
            writeIfChanged(hosts, hosts(pod, podIp));
        } catch (IOException e) {
            throw new UncheckedIOException("writing the DNS files of pod " + pod.getMetadata().getName(), e);
        }
        List<ContainerSpec.Mount> mounts = new ArrayList<>();
        if (containerMounts.stream().noneMatch(m -> m.containerPath().equals("/etc/resolv.conf"))) {
            mounts.add(new ContainerSpec.Mount(resolv.toString(), "/etc/resolv.conf", false));
        }
        if (containerMounts.stream().noneMatch(m -> m.containerPath().equals("/etc/hosts"))) {
            mounts.add(new ContainerSpec.Mount(hosts.toString(), "/etc/hosts", false));
        }
        return mounts;
    }

    /** In place (same inode): a file bind-mounted into a running container must not be replaced by a rename. */
    private static void writeIfChanged(Path file, String text) throws IOException {
        if (Files.exists(file) && Files.readString(file).equals(text)) {
            return;
        }
        Files.writeString(file, text);
    }

    /** kube's getPodDNSType: ClusterFirst falls back to the host's resolvers with host networking or without cluster DNS. */
    Resolv resolvConf(Pod pod) {
        PodSpec spec = pod.getSpec();
        String policy = spec.getDnsPolicy() == null || spec.getDnsPolicy().isEmpty() ? "ClusterFirst" : spec.getDnsPolicy();
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        Resolv base = switch (policy) {
            case "None" -> new Resolv(List.of(), List.of(), List.of());
            case "Default" -> host();
            case "ClusterFirstWithHostNet" -> cluster(pod);
            case "ClusterFirst" -> hostNetwork ? host() : cluster(pod);
            default -> throw new EnvResolver.ConfigError("dnsPolicy \"" + policy
                    + "\" is not one of ClusterFirst, ClusterFirstWithHostNet, Default, None");
        };
        return limit(pod, merge(base, spec.getDnsConfig()));
    }

    private Resolv cluster(Pod pod) {
        if (config.clusterDns().isEmpty()) {
            LOG.warn("pod {}/{} has dnsPolicy ClusterFirst but the kubelet has no --cluster-dns: the host's resolvers are used",
                    pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            return host();
        }
        String domain = config.clusterDomain();
        List<String> searches = new ArrayList<>(List.of(pod.getMetadata().getNamespace() + ".svc." + domain, "svc." + domain, domain));
        searches.addAll(host().searches());
        return new Resolv(config.clusterDns(), searches, List.of("ndots:5"));
    }

    /** The host's resolv.conf: nameserver, search (or domain) and options lines; an unreadable file gives none. */
    Resolv host() {
        try {
            io.coxswain.client.host.ResolvConf host = io.coxswain.client.host.ResolvConf.read(config.hostResolvConf());
            return new Resolv(new ArrayList<>(host.nameservers()), new ArrayList<>(host.searches()), new ArrayList<>(host.options()));
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}): pods with the host's resolvers get none", config.hostResolvConf(), e.getMessage());
            return new Resolv(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /** kube's appendDNSConfig: nameservers and searches appended without duplicates, options merged by name (dnsConfig's win). */
    static Resolv merge(Resolv base, PodDNSConfig dnsConfig) {
        if (dnsConfig == null) {
            return base;
        }
        LinkedHashSet<String> servers = new LinkedHashSet<>(base.nameservers());
        servers.addAll(list(dnsConfig.getNameservers()));
        LinkedHashSet<String> searches = new LinkedHashSet<>(base.searches());
        searches.addAll(list(dnsConfig.getSearches()));
        Map<String, String> options = new LinkedHashMap<>();
        for (String o : base.options()) {
            int colon = o.indexOf(':');
            options.put(colon < 0 ? o : o.substring(0, colon), colon < 0 ? null : o.substring(colon + 1));
        }
        for (PodDNSConfigOption o : list(dnsConfig.getOptions())) {
            options.put(o.getName(), o.getValue());
        }
        List<String> merged = new ArrayList<>();
        options.forEach((k, v) -> merged.add(v == null ? k : k + ":" + v));
        return new Resolv(new ArrayList<>(servers), new ArrayList<>(searches), merged);
    }

    /** kube's limits: 3 nameservers, 32 search domains and 2048 characters of them; what is over is dropped, with a warning. */
    static Resolv limit(Pod pod, Resolv r) {
        List<String> servers = r.nameservers();
        if (servers.size() > MAX_NAMESERVERS) {
            LOG.warn("pod {}: nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: {}",
                    pod.getMetadata().getName(), String.join(" ", servers.subList(0, MAX_NAMESERVERS)));
            servers = servers.subList(0, MAX_NAMESERVERS);
        }
        List<String> searches = new ArrayList<>();
        int chars = 0;
        for (String s : r.searches()) {
            int add = s.length() + (searches.isEmpty() ? 0 : 1);
            if (searches.size() == MAX_SEARCHES || chars + add > MAX_SEARCH_CHARS) {
                LOG.warn("pod {}: search line limits were exceeded, some search paths have been omitted", pod.getMetadata().getName());
                break;
            }
            searches.add(s);
            chars += add;
        }
        return new Resolv(servers, searches, r.options());
    }

    /** kube's managed hosts file: localhost, the pod's own name(s) on its IP, then its hostAliases. */
    String hosts(Pod pod, String podIp) {
        PodSpec spec = pod.getSpec();
        StringBuilder out = new StringBuilder("# Kubernetes-managed hosts file.\n")
                .append("127.0.0.1\tlocalhost\n")
                .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
                .append("fe00::0\tip6-localnet\n")
                .append("fe00::0\tip6-mcastprefix\n")
                .append("fe00::1\tip6-allnodes\n")
                .append("fe00::2\tip6-allrouters\n");
        if (podIp != null && !podIp.isEmpty()) {
            String hostname = hostname(pod);
            String subdomain = spec.getSubdomain();
            if (subdomain != null && !subdomain.isEmpty()) {
                out.append(podIp).append('\t').append(hostname).append('.').append(subdomain).append('.')
                        .append(pod.getMetadata().getNamespace()).append(".svc.").append(config.clusterDomain()).append('\t')
                        .append(hostname).append('\n');
            } else {
                out.append(podIp).append('\t').append(hostname).append('\n');
            }
        }
        List<HostAlias> aliases = list(spec.getHostAliases());
        if (!aliases.isEmpty()) {
            out.append("\n# Entries added by HostAliases.\n");
            for (HostAlias a : aliases) {
                out.append(a.getIp()).append('\t').append(String.join("\t", list(a.getHostnames()))).append('\n');
            }
        }
        return out.toString();
    }

    /** The sandbox's hostname: spec.hostname, else the pod's name, cut to 63 characters. */
    static String hostname(Pod pod) {
        String hostname = pod.getSpec().getHostname() != null && !pod.getSpec().getHostname().isEmpty()
                ? pod.getSpec().getHostname() : pod.getMetadata().getName();
        return hostname.length() > 63 ? hostname.substring(0, 63) : hostname;
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
