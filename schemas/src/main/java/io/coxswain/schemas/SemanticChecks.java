package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules that a JSON Schema cannot say, which the editor and the apiserver both enforce: selectors that
 * select their own template, a Job's restart policy, unique container and port names, quantities that
 * make sense, and named ports in IANA_SVC_NAME form.
 */
final class SemanticChecks {

    private static final Pattern IANA_SVC_NAME = Pattern.compile("^(?!.*--)(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");
    private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");

    private SemanticChecks() {
    }

    static void check(GroupVersionKind gvk, JsonNode manifest, List<ValidationProblem> out) {
        switch (gvk.kind()) {
            case "Pod" -> podSpec(manifest.path("spec"), "/spec", out);
            case "ReplicaSet", "Deployment" -> {
                workload(manifest.path("spec"), "/spec", true, out);
                restartAlways(gvk.kind(), manifest.path("spec"), out);
            }
            case "ReplicationController" -> {
                replicationController(manifest.path("spec"), out);
                restartAlways(gvk.kind(), manifest.path("spec"), out);
            }
            case "Job" -> job(manifest.path("spec"), "/spec", out);
            case "CronJob" -> job(manifest.path("spec").path("jobTemplate").path("spec"), "/spec/jobTemplate/spec", out);
            case "Service" -> service(manifest.path("spec"), "/spec", out);
            default -> { }
        }
    }

    private static void job(JsonNode spec, String at, List<ValidationProblem> out) {
        workload(spec, at, spec.path("manualSelector").asBoolean(false), out);
        JsonNode policy = spec.path("template").path("spec").path("restartPolicy");
        String where = at + "/template/spec/restartPolicy";
        if (!spec.path("template").path("spec").isObject()) {
            return;
        }
        if (policy.isMissingNode()) {
            out.add(new ValidationProblem(where, "a Job's pods need restartPolicy OnFailure or Never; the pod default, Always, is not allowed",
                    ProblemCategory.REQUIRED));
        } else if (!policy.asText().equals("OnFailure") && !policy.asText().equals("Never")) {
            out.add(new ValidationProblem(where, "unsupported value \"" + policy.asText() + "\" for a Job: must be OnFailure or Never",
                    ProblemCategory.ENUM));
        }
    }

    /** ReplicaSets, ReplicationControllers and Deployments replace pods rather than let them end, so their pods must restart always. */
    private static void restartAlways(String kind, JsonNode spec, List<ValidationProblem> out) {
        JsonNode policy = spec.path("template").path("spec").path("restartPolicy");
        if (policy.isTextual() && !policy.asText().equals("Always")) {
            out.add(new ValidationProblem("/spec/template/spec/restartPolicy", "unsupported value \"" + policy.asText()
                    + "\": the pods of a " + kind + " must have restartPolicy Always", ProblemCategory.ENUM));
        }
    }

    /**
     * A ReplicationController's selector is a plain map of labels, a LabelSelector with matchLabels only. When empty the
     * server fills it from the template's labels, so it is missing only when both are.
     */
    private static void replicationController(JsonNode spec, List<ValidationProblem> out) {
        JsonNode templateLabels = spec.path("template").path("metadata").path("labels");
        JsonNode selector = spec.path("selector");
        if (selector.isObject() && !selector.isEmpty()) {
            if (spec.path("template").isObject() && !LabelSelectors.matches(LabelSelectors.ofMap(selector), templateLabels)) {
                out.add(new ValidationProblem("/spec/template/metadata/labels",
                        "selector does not match template labels: the controller could never see the pods it creates",
                        ProblemCategory.INVALID));
            }
        } else if (spec.path("template").isObject() && templateLabels.isEmpty()) {
            out.add(new ValidationProblem("/spec/selector", "required field \"selector\" is missing: it defaults to the template's "
                    + "labels, and the template has none", ProblemCategory.REQUIRED));
        }
        podSpec(spec.path("template").path("spec"), "/spec/template/spec", out);
    }

    /** A controller's selector must select the pods its template makes, or it would make them forever. */
    private static void workload(JsonNode spec, String at, boolean selectorIsOurs, List<ValidationProblem> out) {
        JsonNode selector = spec.path("selector");
        if (selectorIsOurs && selector.isObject()) {
            if (LabelSelectors.isEmpty(selector)) {
                out.add(new ValidationProblem(at + "/selector", "an empty selector would select every pod in the namespace",
                        ProblemCategory.INVALID));
            } else if (spec.path("template").isObject()
                    && !LabelSelectors.matches(selector, spec.path("template").path("metadata").path("labels"))) {
                out.add(new ValidationProblem(at + "/template/metadata/labels",
                        "selector does not match template labels: the controller could never see the pods it creates",
                        ProblemCategory.INVALID));
            }
        }
        podSpec(spec.path("template").path("spec"), at + "/template/spec", out);
    }

    private static void podSpec(JsonNode spec, String at, List<ValidationProblem> out) {
        if (!spec.isObject()) {
            return;
        }
        Set<String> names = new HashSet<>();
        for (String list : CONTAINER_LISTS) {
            JsonNode containers = spec.path(list);
            if (!containers.isArray()) {
                continue;
            }
            for (int i = 0; i < containers.size(); i++) {
                JsonNode c = containers.path(i);
                String cat = at + "/" + list + "/" + i;
                if (!c.path("image").isTextual() || c.path("image").asText().isBlank()) {
                    out.add(new ValidationProblem(cat + "/image", "required field \"image\" is missing: every container needs an image",
                            ProblemCategory.REQUIRED));
                }
                String name = c.path("name").asText(null);
                if (name != null && !names.add(name)) {
                    out.add(new ValidationProblem(cat + "/name", "container name \"" + name + "\" is used twice in this pod",
                            ProblemCategory.DUPLICATE));
                }
                containerPorts(c.path("ports"), cat + "/ports", out);
                resources(c.path("resources"), cat + "/resources", out);
                for (String probe : PROBES) {
                    handlerPorts(c.path(probe), cat + "/" + probe, out);
                }
                handlerPorts(c.path("lifecycle").path("postStart"), cat + "/lifecycle/postStart", out);
                handlerPorts(c.path("lifecycle").path("preStop"), cat + "/lifecycle/preStop", out);
            }
        }
        resources(spec.path("resources"), at + "/resources", out);
    }

    private static void containerPorts(JsonNode ports, String at, List<ValidationProblem> out) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            String name = ports.path(i).path("name").asText(null);
            if (name != null && !names.add(name)) {
                out.add(new ValidationProblem(at + "/" + i + "/name", "port name \"" + name + "\" is used twice in this container",
                        ProblemCategory.DUPLICATE));
            }
        }
    }

    private static void handlerPorts(JsonNode handler, String at, List<ValidationProblem> out) {
        namedPort(handler.path("httpGet").path("port"), at + "/httpGet/port", out);
        namedPort(handler.path("tcpSocket").path("port"), at + "/tcpSocket/port", out);
    }

    /** An int-or-string port: a number in 1-65535, or the name of a container port. */
    private static void namedPort(JsonNode port, String at, List<ValidationProblem> out) {
        if (port.isTextual() && !IANA_SVC_NAME.matcher(port.asText()).matches()) {
            out.add(new ValidationProblem(at, "\"" + port.asText() + "\" is not a valid port name (IANA_SVC_NAME: at most 15 "
                    + "lower-case letters, digits and '-', with a letter, no '--', not starting or ending with '-')",
                    ProblemCategory.PATTERN));
        } else if (port.isIntegralNumber() && (port.asLong() < 1 || port.asLong() > 65535)) {
            out.add(new ValidationProblem(at, "port " + port.asText() + " is out of range: must be 1-65535", ProblemCategory.RANGE));
        }
    }

    private static void resources(JsonNode resources, String at, List<ValidationProblem> out) {
        Map<String, Quantity> limits = quantities(resources.path("limits"), at + "/limits", out);
        Map<String, Quantity> requests = quantities(resources.path("requests"), at + "/requests", out);
        requests.forEach((name, request) -> {
            Quantity limit = limits.get(name);
            if (limit != null && request.compareTo(limit) > 0) {
                out.add(new ValidationProblem(FieldPath.child(at + "/requests", name),
                        "request " + request + " is more than the " + name + " limit " + limit, ProblemCategory.INVALID));
            }
        });
    }

    private static Map<String, Quantity> quantities(JsonNode list, String at, List<ValidationProblem> out) {
        Map<String, Quantity> parsed = new HashMap<>();
        list.fields().forEachRemaining(e -> Quantity.of(e.getValue()).ifPresent(q -> {
            if (q.isNegative()) {
                out.add(new ValidationProblem(FieldPath.child(at, e.getKey()), "quantity " + q + " must not be negative",
                        ProblemCategory.RANGE));
            } else {
                parsed.put(e.getKey(), q);
            }
        }));
        return parsed;
    }

    private static void service(JsonNode spec, String at, List<ValidationProblem> out) {
        JsonNode ports = spec.path("ports");
        boolean headless = "None".equals(spec.path("clusterIP").asText());
        boolean external = "ExternalName".equals(spec.path("type").asText());
        if (ports.isEmpty() && !headless && !external) {
            out.add(new ValidationProblem(at + "/ports", "required field \"ports\" is missing: only a headless (clusterIP: None) "
                    + "or ExternalName Service may have none", ProblemCategory.REQUIRED));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.path(i);
            String pat = at + "/ports/" + i;
            String name = port.path("name").asText(null);
            if (name == null && ports.size() > 1) {
                out.add(new ValidationProblem(pat + "/name", "a Service with several ports must name each of them",
                        ProblemCategory.REQUIRED));
            } else if (name != null && !names.add(name)) {
                out.add(new ValidationProblem(pat + "/name", "port name \"" + name + "\" is used twice in this Service",
                        ProblemCategory.DUPLICATE));
            }
            namedPort(port.path("targetPort"), pat + "/targetPort", out);
        }
    }
}
