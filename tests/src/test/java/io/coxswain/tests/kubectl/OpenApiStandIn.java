package io.coxswain.tests.kubectl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.coxswain.schemas.GroupVersionKind;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.schemas.openapi.OpenApiDocuments;
import io.coxswain.schemas.openapi.OpenApiGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest server real kubectl needs for {@code explain}: version, legacy discovery and our generated
 * /openapi/v3, on loopback. It stands in only until the apiserver issue brings the real one.
 */
final class OpenApiStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, byte[]> routes = new LinkedHashMap<>();

    OpenApiStandIn(SchemaCatalog catalog) throws IOException {
        OpenApiDocuments docs = new OpenApiGenerator(catalog).generate();
        routes.put("/openapi/v3", docs.index());
        docs.documents().forEach((gv, body) -> routes.put("/openapi/v3/" + gv, body));
        routes.put("/version", json(JSON.createObjectNode().put("major", "1").put("minor", "32")
                .put("gitVersion", "v1.32.4").put("platform", "linux/amd64")));
        ObjectNode api = JSON.createObjectNode().put("kind", "APIVersions");
        api.putArray("versions").add("v1");
        routes.put("/api", json(api));
        Map<String, List<KindSchema>> byGroupVersion = new LinkedHashMap<>();
        catalog.kindSchemas().forEach(k -> byGroupVersion.computeIfAbsent(k.gvk().apiVersion(), x -> new java.util.ArrayList<>()).add(k));
        ObjectNode groups = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groupList = groups.putArray("groups");
        byGroupVersion.forEach((apiVersion, kinds) -> {
            GroupVersionKind gvk = kinds.get(0).gvk();
            ObjectNode list = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                    .put("groupVersion", apiVersion);
            ArrayNode resources = list.putArray("resources");
            for (KindSchema k : kinds) {
                ObjectNode r = resources.addObject().put("name", k.plural()).put("singularName", k.gvk().kind().toLowerCase())
                        .put("namespaced", k.namespaced()).put("kind", k.gvk().kind());
                r.putArray("verbs").add("create").add("delete").add("get").add("list").add("patch").add("update").add("watch");
            }
            routes.put("/" + gvk.groupVersionPath(), json(list));
            if (!gvk.group().isEmpty()) {
                ObjectNode group = groupList.addObject().put("name", gvk.group());
                ObjectNode version = JSON.createObjectNode().put("groupVersion", apiVersion).put("version", gvk.version());
                group.putArray("versions").add(version);
                group.set("preferredVersion", version);
            }
        });
        routes.put("/apis", json(groups));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        byte[] body = routes.get(exchange.getRequestURI().getPath());
        int status = body == null ? 404 : 200;
        if (body == null) {
            body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
                    .getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] json(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
