package io.coxswain.client;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A client given two apiservers uses the first, moves to the second when the first stops answering, and stays there. */
class ApiServerFailoverTest {

    @Test
    void requestsMoveToTheNextApiserverWhenTheCurrentOneIsDown() throws Exception {
        List<HttpServer> servers = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String name = "served-by-" + i;
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            servers.add(server);
            urls.add("http://127.0.0.1:" + server.getAddress().getPort());
        }
        try (KubernetesClient client = ApiServerFailover.client(urls, c -> c)) {
            assertThat(client.namespaces().withName("x").get().getMetadata().getName()).isEqualTo("served-by-0");
            servers.get(0).stop(0);
            assertThat(client.namespaces().withName("x").get().getMetadata().getName()).isEqualTo("served-by-1");
            assertThat(client.namespaces().withName("x").get().getMetadata().getName()).isEqualTo("served-by-1");
        } finally {
            servers.forEach(s -> s.stop(0));
        }
    }

    @Test
    void serversAreSplitOnCommas() {
        assertThat(ApiServerFailover.split(" http://a:1, http://b:2 ,")).containsExactly("http://a:1", "http://b:2");
    }
}
