package io.coxswain.launcher;

import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.metrics.MetricsServer;
import io.vertx.core.Vertx;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The scheduler's and the controller-manager's own {@code /metrics} port ({@code --metrics-bind-address host:port}, 0 for
 * a free port, empty for none). It is plain HTTP without authentication, so it binds loopback only: any other address
 * is refused, not served open.
 */
final class MetricsPort {

    private MetricsPort() {
    }

    /** Serves {@code metrics} at {@code address}; null when the address is empty. Prints where. */
    static MetricsServer serve(Vertx vertx, ComponentMetrics metrics, String address, String component) {
        if (address == null || address.isBlank()) {
            System.out.println(component + " metrics: not served (empty metrics bind address)");
            return null;
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(component + ": the metrics bind address must be host:port, not \"" + address + "\"");
        }
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        if (!loopback(host)) {
            throw new IllegalArgumentException(component + ": metrics are served over plain HTTP without authentication, so only on a "
                    + "loopback address, not " + host);
        }
        MetricsServer server = new MetricsServer(host, port, metrics);
        vertx.deployVerticle(server).await();
        System.out.println(component + " metrics: http://" + host + ":" + server.port() + "/metrics");
        return server;
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
