package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The ClusterRoles and ClusterRoleBindings every cluster starts with, as kube-apiserver's bootstrap policy: created when
 * missing at start, never overwritten. The user-facing roles ({@code cluster-admin}, {@code admin}, {@code edit},
 * {@code view}) list the resources this server serves; the {@code system:} roles are what each component needs.
 *
 * <p>Component identities: group {@code system:nodes} (kubelets), users {@code system:kube-scheduler},
 * {@code system:kube-controller-manager} and {@code system:kube-proxy}, and the apiserver's own {@link #KUBELET_CLIENT}
 * bound to {@code system:kubelet-api-admin}.
 */
public final class BootstrapPolicy {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> READ = List.of("get", "list", "watch");
    private static final List<String> WRITE = List.of("create", "delete", "deletecollection", "patch", "update");
    private static final List<String> ALL = List.of("*");
    /** The user of the client certificate the apiserver calls kubelets with. */
    public static final String KUBELET_CLIENT = "kube-apiserver-kubelet-client";

    private BootstrapPolicy() {
    }

    /** A role or binding to create, with the plural it is stored under. */
    public record Item(String plural, ObjectNode object) {
        public String name() {
            return object.path("metadata").path("name").asText();
        }

        /** Null for the cluster-wide kinds. */
        public String namespace() {
            return object.path("metadata").path("namespace").asText(null);
        }
    }

    private static final class RoleBuilder {
        final ObjectNode role;
        final ArrayNode rules;

        RoleBuilder(String name) {
            role = object("ClusterRole", name);
            rules = role.putArray("rules");
        }

        RoleBuilder rule(List<String> verbs, List<String> groups, String... resources) {
            ObjectNode r = rules.addObject();
            strings(r.putArray("verbs"), verbs);
            strings(r.putArray("apiGroups"), groups);
            strings(r.putArray("resources"), List.of(resources));
            return this;
        }

        RoleBuilder urls(List<String> verbs, String... urls) {
            ObjectNode r = rules.addObject();
            strings(r.putArray("verbs"), verbs);
            strings(r.putArray("nonResourceURLs"), List.of(urls));
            return this;
        }

        Item item() {
            return new Item("clusterroles", role);
        }
    }

    public static List<Item> items() {
        List<Item> out = new ArrayList<>();
        out.add(new RoleBuilder("cluster-admin").rule(ALL, ALL, "*").urls(ALL, "*").item());
        out.add(user("admin", true, true).item());
        out.add(user("edit", true, false).item());
        out.add(user("view", false, false).item());
        out.add(new RoleBuilder("system:basic-user")
                .rule(List.of("create"), List.of("authorization.k8s.io"), "selfsubjectaccessreviews", "selfsubjectrulesreviews")
                .item());
        out.add(new RoleBuilder("system:discovery").urls(List.of("get"), "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez",
                "/openapi", "/openapi/*", "/readyz", "/version", "/version/").item());
        out.add(new RoleBuilder("system:public-info-viewer").urls(List.of("get"), "/healthz", "/livez", "/readyz", "/version",
                "/version/").item());
        // kube's system:monitoring: the health and metrics paths, for the group of the same name
        out.add(new RoleBuilder("system:monitoring").urls(List.of("get"), "/healthz", "/healthz/*", "/livez", "/livez/*", "/readyz",
                "/readyz/*", "/metrics", "/metrics/slis").item());
        // the service account issuer's OIDC discovery documents, for relying parties (kube's role of that name)
        out.add(new RoleBuilder("system:service-account-issuer-discovery").urls(List.of("get"), "/.well-known/openid-configuration",
                "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/").item());
        out.add(new RoleBuilder("system:node")
                .rule(List.of("create", "get", "list", "watch", "patch", "update", "delete"), List.of(""), "nodes")
                .rule(List.of("patch", "update"), List.of(""), "nodes/status", "pods/status")
                .rule(List.of("get", "list", "watch", "create", "delete"), List.of(""), "pods")
                .rule(List.of("create"), List.of(""), "pods/eviction")
                .rule(List.of("create", "patch", "update"), List.of(""), "events")
                .rule(READ, List.of(""), "services", "endpoints", "configmaps", "namespaces")
                // the tokens of projected serviceAccountToken volumes, bound to the node's pods
                .rule(List.of("create"), List.of(""), "serviceaccounts/token")
                .rule(List.of("get", "create", "update", "patch", "delete", "list", "watch"), List.of("coordination.k8s.io"), "leases")
                // checking the callers of its own API (kubelet --authentication-token-webhook --authorization-mode=Webhook)
                .rule(List.of("create"), List.of("authentication.k8s.io"), "tokenreviews")
                .rule(List.of("create"), List.of("authorization.k8s.io"), "subjectaccessreviews", "localsubjectaccessreviews")
                // its own client certificate, renewed through a CertificateSigningRequest
                .rule(List.of("create", "get", "list", "watch"), List.of("certificates.k8s.io"), "certificatesigningrequests")
                .item());
        // TLS bootstrapping: who may ask for a kubelet client certificate, and whose requests csrapproving approves
        out.add(new RoleBuilder("system:node-bootstrapper")
                .rule(List.of("create", "get", "list", "watch"), List.of("certificates.k8s.io"), "certificatesigningrequests").item());
        out.add(new RoleBuilder("system:certificates.k8s.io:certificatesigningrequests:nodeclient")
                .rule(List.of("create"), List.of("certificates.k8s.io"), "certificatesigningrequests/nodeclient").item());
        out.add(new RoleBuilder("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient")
                .rule(List.of("create"), List.of("certificates.k8s.io"), "certificatesigningrequests/selfnodeclient").item());
        out.add(new RoleBuilder("system:auth-delegator")
                .rule(List.of("create"), List.of("authentication.k8s.io"), "tokenreviews")
                .rule(List.of("create"), List.of("authorization.k8s.io"), "subjectaccessreviews")
                .item());
        out.add(new RoleBuilder("system:kubelet-api-admin")
                .rule(READ, List.of(""), "nodes")
                .rule(List.of("proxy"), List.of(""), "nodes")
                .rule(ALL, List.of(""), "nodes/proxy", "nodes/metrics", "nodes/spec", "nodes/stats", "nodes/log")
                .item());
        out.add(new RoleBuilder("system:kube-scheduler")
                .rule(List.of("create", "patch", "update"), List.of(""), "events")
                .rule(READ, List.of(""), "nodes", "namespaces", "services", "replicationcontrollers", "configmaps")
                .rule(List.of("get", "list", "watch", "delete"), List.of(""), "pods")
                .rule(List.of("create"), List.of(""), "bindings", "pods/binding")
                .rule(List.of("patch", "update"), List.of(""), "pods/status")
                .rule(READ, List.of("apps"), "replicasets", "deployments", "statefulsets")
                .rule(List.of("get", "create", "update", "list", "watch"), List.of("coordination.k8s.io"), "leases")
                .item());
        out.add(new RoleBuilder("system:kube-controller-manager")
                .rule(READ, ALL, "*")
                .rule(ALL, List.of("", "apps", "batch", "coordination.k8s.io", "discovery.k8s.io"), "*")
                // the namespace controller empties a terminating namespace of every kind it holds
                .rule(List.of("delete", "deletecollection"), ALL, "*")
                .item());
        out.add(new RoleBuilder("system:node-proxier")
                .rule(READ, List.of(""), "services", "endpoints", "nodes")
                .rule(READ, List.of("discovery.k8s.io"), "endpointslices")
                .rule(List.of("create", "patch", "update"), List.of(""), "events")
                .item());
        out.add(binding("cluster-admin", "cluster-admin", "Group", "system:masters"));
        out.add(binding("system:basic-user", "system:basic-user", "Group", "system:authenticated"));
        out.add(binding("system:discovery", "system:discovery", "Group", "system:authenticated"));
        out.add(binding("system:public-info-viewer", "system:public-info-viewer", "Group", "system:authenticated",
                "Group", "system:unauthenticated"));
        out.add(binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery", "Group",
                "system:serviceaccounts"));
        out.add(binding("system:monitoring", "system:monitoring", "Group", "system:monitoring"));
        out.add(binding("system:node", "system:node", "Group", "system:nodes"));
        // kubeadm's bindings for TLS bootstrapping: join tokens (system:bootstrappers) may ask and are approved, and so
        // are nodes renewing their own certificate
        out.add(binding("kubeadm:kubelet-bootstrap", "system:node-bootstrapper", "Group", "system:bootstrappers"));
        out.add(binding("kubeadm:node-autoapprove-bootstrap", "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
                "Group", "system:bootstrappers"));
        out.add(binding("kubeadm:node-autoapprove-certificate-rotation",
                "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", "Group", "system:nodes"));
        // kubeadm's clusterinfo phase: anyone may read kube-public/cluster-info, which a joining node reads before
        // it has credentials (it checks the CA against its pin and the JWS against its token)
        out.addAll(clusterInfoReaders());
        out.add(binding("system:kube-scheduler", "system:kube-scheduler", "User", "system:kube-scheduler"));
        out.add(binding("system:kube-controller-manager", "system:kube-controller-manager", "User", "system:kube-controller-manager"));
        out.add(binding("system:node-proxier", "system:node-proxier", "User", "system:kube-proxy"));
        // the apiserver's client certificate for kubelets (pods/log), as k3s binds its own
        out.add(binding("kube-apiserver-kubelet-admin", "system:kubelet-api-admin", "User", KUBELET_CLIENT));
        return out;
    }

    /** kubeadm:bootstrap-signer-clusterinfo, a Role and its RoleBinding in kube-public. */
    private static List<Item> clusterInfoReaders() {
        String name = "kubeadm:bootstrap-signer-clusterinfo";
        ObjectNode role = NODES.objectNode().put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", "Role");
        role.putObject("metadata").put("name", name).put("namespace", "kube-public");
        ObjectNode rule = role.putArray("rules").addObject();
        strings(rule.putArray("verbs"), List.of("get"));
        strings(rule.putArray("apiGroups"), List.of(""));
        strings(rule.putArray("resources"), List.of("configmaps"));
        strings(rule.putArray("resourceNames"), List.of("cluster-info"));
        ObjectNode binding = NODES.objectNode().put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", "RoleBinding");
        binding.putObject("metadata").put("name", name).put("namespace", "kube-public");
        binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Role").put("name", name);
        ArrayNode subjects = binding.putArray("subjects");
        subjects.addObject().put("apiGroup", "rbac.authorization.k8s.io").put("kind", "User").put("name", "system:anonymous");
        // kubeadm names the user only; the group is the same caller, for an anonymous authenticator that sets no name
        subjects.addObject().put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Group").put("name", "system:unauthenticated");
        return List.of(new Item("roles", role), new Item("rolebindings", binding));
    }

    /** view, edit and admin: each one what the one before holds, plus more. */
    private static RoleBuilder user(String name, boolean write, boolean admin) {
        RoleBuilder b = new RoleBuilder(name);
        List<String> verbs = new ArrayList<>(READ);
        if (write) {
            verbs.addAll(WRITE);
        }
        b.rule(verbs, List.of(""), "pods", "services", "endpoints", "configmaps", "replicationcontrollers",
                "replicationcontrollers/scale", "serviceaccounts");
        b.rule(READ, List.of(""), "pods/log", "pods/status", "services/status", "events", "namespaces", "namespaces/status",
                "replicationcontrollers/status");
        b.rule(verbs, List.of("apps"), "deployments", "deployments/scale", "replicasets", "replicasets/scale");
        b.rule(READ, List.of("apps"), "deployments/status", "replicasets/status");
        b.rule(verbs, List.of("batch"), "jobs", "cronjobs");
        b.rule(READ, List.of("discovery.k8s.io"), "endpointslices");
        b.rule(READ, List.of("batch"), "jobs/status", "cronjobs/status");
        if (write) {
            b.rule(List.of("create"), List.of(""), "pods/eviction");
            b.rule(READ, List.of("coordination.k8s.io"), "leases");
            b.rule(List.of("create"), List.of(""), "serviceaccounts/token");
        }
        if (admin) {
            // not escalate or bind: an admin grants only what it holds (EscalationCheck)
            b.rule(verbs, List.of("rbac.authorization.k8s.io"), "roles", "rolebindings");
            b.rule(List.of("create"), List.of("authorization.k8s.io"), "localsubjectaccessreviews");
        }
        return b;
    }

    private static Item binding(String name, String role, String... kindsAndNames) {
        ObjectNode b = object("ClusterRoleBinding", name);
        b.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole").put("name", role);
        ArrayNode subjects = b.putArray("subjects");
        for (int i = 0; i < kindsAndNames.length; i += 2) {
            subjects.addObject().put("apiGroup", "rbac.authorization.k8s.io").put("kind", kindsAndNames[i]).put("name", kindsAndNames[i + 1]);
        }
        return new Item("clusterrolebindings", b);
    }

    private static ObjectNode object(String kind, String name) {
        ObjectNode o = NODES.objectNode().put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", kind);
        ObjectNode meta = o.putObject("metadata").put("name", name);
        meta.putObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
        meta.putObject("annotations").put("rbac.authorization.kubernetes.io/autoupdate", "true");
        return o;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
