package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.vertx.core.Future;
import io.coxswain.apiserver.auth.Security;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pods/{name}/log}: picks the container as kube-apiserver does, then streams the log from the kubelet of
 * the pod's node ({@code /containerLogs/{ns}/{pod}/{container}} on the node's InternalIP and kubelet port).
 */
public final class PodLogs {

    private final ObjectService service;
    private final HttpClientOptions kubeletClient;
    private HttpClient http;

    PodLogs(ObjectService service, HttpClientOptions kubeletClient) {
        this.service = service;
        this.kubeletClient = kubeletClient;
    }

    /**
     * How the apiserver calls kubelets: plain HTTP without team mode; in team mode HTTPS with its own client certificate
     * (kube-apiserver's {@code --kubelet-client-certificate}). Like kube-apiserver without
     * {@code --kubelet-certificate-authority}, it does not verify the kubelet's serving certificate.
     */
    public static HttpClientOptions kubeletClientOptions(Security security) {
        HttpClientOptions options = new HttpClientOptions();
        if (security == null) {
            return options;
        }
        options.setSsl(true).setTrustAll(true).setVerifyHost(false);
        if (security.kubeletClient() != null) {
            options.setKeyCertOptions(new PemKeyCertOptions()
                    .addCertValue(Buffer.buffer(security.kubeletClient().certificatePem()))
                    .addKeyValue(Buffer.buffer(security.kubeletClient().keyPem())));
        }
        return options;
    }

    void serve(RoutingContext ctx, ResourceInfo pods, RequestPath path, QueryParams query) {
        String ns = path.namespace();
        String name = path.name();
        ResourceInfo nodes = service.registry().find("v1", "nodes").orElseThrow();
        List<String> params;
        try {
            params = kubeletQuery(name, query); // options are checked before the pod is looked up, as in kube
        } catch (ApiException e) {
            Responses.error(ctx, e);
            return;
        }
        Future.fromCompletionStage(service.get(pods, ns, name), ctx.vertx().getOrCreateContext()).compose(pod -> {
            String container = container(pod, query.get("container"));
            String node = pod.path("spec").path("nodeName").asText("");
            if (node.isEmpty()) {
                throw ApiException.badRequest("pod " + name + " does not have a host assigned");
            }
            return Future.fromCompletionStage(service.get(nodes, null, node), ctx.vertx().getOrCreateContext())
                    .compose(n -> proxy(ctx, n, ns, name, container, params));
        }).onFailure(e -> {
            if (!ctx.response().headWritten()) {
                Responses.error(ctx, e);
            } else {
                ctx.response().reset();
            }
        });
    }

    private Future<Void> proxy(RoutingContext ctx, ObjectNode node, String ns, String pod, String container, List<String> params) {
        String host = null;
        for (JsonNode a : node.path("status").path("addresses")) {
            if ("InternalIP".equals(a.path("type").asText())) {
                host = a.path("address").asText();
            }
        }
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        if (host == null || port == 0) {
            throw new ApiException(503, "ServiceUnavailable", "node " + node.path("metadata").path("name").asText()
                    + " reports no kubelet address to read logs from");
        }
        String uri = "/containerLogs/" + ns + "/" + pod + "/" + container + (params.isEmpty() ? "" : "?" + String.join("&", params));
        String kubelet = host + ":" + port;
        return client(ctx).request(HttpMethod.GET, port, host, uri).compose(req -> {
            ctx.response().closeHandler(v -> req.reset());
            return req.send();
        }).recover(e -> Future.failedFuture(new ApiException(503, "ServiceUnavailable",
                "the kubelet of this pod at " + kubelet + " did not answer: " + e.getMessage()))
        ).compose(resp -> relay(ctx, resp));
    }

    /**
     * The log options decoded and checked as kube-apiserver decodes and validates a PodLogOptions, then written for the
     * kubelet in one spelling: {@code follow=True} from the Python client reaches it as {@code follow=true}.
     */
    static List<String> kubeletQuery(String pod, QueryParams query) {
        List<ApiException.Cause> invalid = new ArrayList<>();
        Long tailLines = query.optionalLong("tailLines");
        Long limitBytes = query.optionalLong("limitBytes");
        Long sinceSeconds = query.optionalLong("sinceSeconds");
        String sinceTime = query.get("sinceTime");
        if (sinceTime != null) {
            try {
                java.time.OffsetDateTime.parse(sinceTime); // metav1.Time's query form: RFC 3339
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.badRequest("the query parameter sinceTime must be an RFC 3339 time, not \"" + sinceTime + "\"");
            }
        }
        if (tailLines != null && tailLines < 0) {
            invalid.add(invalidValue("tailLines", tailLines, "must be greater than or equal to 0"));
        }
        if (limitBytes != null && limitBytes < 1) {
            invalid.add(invalidValue("limitBytes", limitBytes, "must be greater than 0"));
        }
        if (sinceSeconds != null && sinceTime != null) {
            invalid.add(new ApiException.Cause("FieldValueForbidden", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified", ""));
        } else if (sinceSeconds != null && sinceSeconds < 1) {
            invalid.add(invalidValue("sinceSeconds", sinceSeconds, "must be greater than 0"));
        }
        if (!invalid.isEmpty()) {
            throw ApiException.invalid("", "PodLogOptions", pod, invalid);
        }
        List<String> params = new ArrayList<>();
        for (String flag : List.of("follow", "previous", "timestamps")) {
            if (query.flag(flag)) {
                params.add(flag + "=true");
            }
        }
        if (tailLines != null) {
            params.add("tailLines=" + tailLines);
        }
        if (limitBytes != null) {
            params.add("limitBytes=" + limitBytes);
        }
        if (sinceSeconds != null) {
            params.add("sinceSeconds=" + sinceSeconds);
        }
        if (sinceTime != null) {
            params.add("sinceTime=" + URLEncoder.encode(sinceTime, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static ApiException.Cause invalidValue(String field, long value, String why) {
        return new ApiException.Cause("FieldValueInvalid", "Invalid value: " + value + ": " + why, field);
    }

    private static Future<Void> relay(RoutingContext ctx, HttpClientResponse resp) {
        if (resp.statusCode() != 200) {
            return resp.body().compose(body -> Future.failedFuture(new ApiException(resp.statusCode(),
                    resp.statusCode() == 404 ? "NotFound" : "BadRequest", body.toString().strip())));
        }
        HttpServerResponse out = ctx.response();
        out.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/plain");
        return resp.pipeTo(out);
    }

    /** The container named, or the pod's only (or default-annotated) one, as kube-apiserver picks it. */
    private static String container(JsonNode pod, String asked) {
        List<String> names = new ArrayList<>();
        pod.path("spec").path("initContainers").forEach(c -> names.add(c.path("name").asText()));
        List<String> app = new ArrayList<>();
        pod.path("spec").path("containers").forEach(c -> app.add(c.path("name").asText()));
        names.addAll(app);
        String name = pod.path("metadata").path("name").asText();
        if (asked != null && !asked.isEmpty()) {
            if (!names.contains(asked)) {
                throw ApiException.badRequest("container " + asked + " is not valid for pod " + name);
            }
            return asked;
        }
        String annotated = pod.path("metadata").path("annotations").path("kubectl.kubernetes.io/default-container").asText("");
        if (app.contains(annotated)) {
            return annotated;
        }
        if (app.size() == 1) {
            return app.get(0);
        }
        throw ApiException.badRequest("a container name must be specified for pod " + name + ", choose one of: "
                + app.toString().replace(",", ""));
    }

    private synchronized HttpClient client(RoutingContext ctx) {
        if (http == null) {
            http = ctx.vertx().createHttpClient(kubeletClient);
        }
        return http;
    }
}
