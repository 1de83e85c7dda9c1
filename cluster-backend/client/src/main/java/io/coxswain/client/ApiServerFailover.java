package io.coxswain.client;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A fabric8 client over several apiservers of one cluster ({@code --server URL1,URL2}). fabric8 takes one master
 * URL, so this interceptor sends every request, watch and websocket to the current apiserver, and moves to the next
 * one when a connection to the current one fails. fabric8 retries a request that could not connect (with back-off),
 * and its watches and informers reconnect from their last resourceVersion; both then reach the next apiserver. All
 * apiservers share one store, so resourceVersions mean the same on each and a resumed watch misses nothing.
 */
public final class ApiServerFailover implements Interceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerFailover.class);

    private final List<URI> servers;
    private volatile int current;

    public ApiServerFailover(List<String> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no apiserver URL");
        }
        this.servers = servers.stream().map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s)).toList();
    }

    /** {@code "URL1,URL2"} as a list, blanks dropped. */
    public static List<String> split(String servers) {
        return Arrays.stream(servers.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * A client of these apiservers: the first is the master URL; with more than one, requests fail over between them.
     * {@code config} may set anything else (user agent, timeouts).
     */
    public static KubernetesClient client(List<String> servers, UnaryOperator<ConfigBuilder> config) {
        return client(servers, new ConfigBuilder(), config);
    }

    /** As above, on top of {@code base} (a kubeconfig's CA and credential, say). */
    public static KubernetesClient client(List<String> servers, ConfigBuilder base, UnaryOperator<ConfigBuilder> config) {
        return client(servers, base, config, UnaryOperator.identity());
    }

    /** As above; {@code client} may set more of the client (its threads, say). */
    public static KubernetesClient client(List<String> servers, ConfigBuilder base, UnaryOperator<ConfigBuilder> config,
                                          UnaryOperator<KubernetesClientBuilder> client) {
        Config built = config.apply(base.withMasterUrl(servers.get(0))
                // a refused connection is retried quickly, on the next apiserver
                .withRequestRetryBackoffInterval(200).withRequestRetryBackoffLimit(Math.max(10, 4 * servers.size()))).build();
        KubernetesClientBuilder builder = client.apply(new KubernetesClientBuilder().withConfig(built));
        if (servers.size() > 1) {
            ApiServerFailover failover = new ApiServerFailover(servers);
            builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("coxswain-failover", failover));
        }
        return builder.build();
    }

    /** The apiserver that requests go to now. */
    public URI current() {
        return servers.get(current);
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        URI target = servers.get(current);
        URI uri = request.uri();
        if (sameServer(uri, target) || servers.stream().noneMatch(s -> sameServer(uri, s))) {
            return; // already there, or a URL of another host that is not ours to move
        }
        String scheme = uri.getScheme().startsWith("ws") ? (target.getScheme().equals("https") ? "wss" : "ws") : target.getScheme();
        StringBuilder moved = new StringBuilder(scheme).append("://").append(target.getRawAuthority())
                .append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            moved.append('?').append(uri.getRawQuery());
        }
        builder.uri(URI.create(moved.toString()));
    }

    /**
     * fabric8 passes the request as it was before {@link #before} moved it, so which apiserver failed is not known here:
     * many requests may fail at once, late ones from before a move among them. So it asks instead: while the current
     * apiserver accepts connections it stays; otherwise the next one that does becomes current.
     */
    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        synchronized (this) {
            int failed = current;
            if (reachable(servers.get(failed))) {
                return;
            }
            for (int i = 1; i < servers.size(); i++) {
                int next = (failed + i) % servers.size();
                if (reachable(servers.get(next))) {
                    current = next;
                    LOG.warn("apiserver failover: {} is unreachable; now using {} ({})", servers.get(failed), servers.get(next), failure.toString());
                    return;
                }
            }
        }
    }

    private static boolean reachable(URI server) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.getHost(), port(server)), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sameServer(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return u.getScheme().equals("https") || u.getScheme().equals("wss") ? 443 : 80;
    }
}
