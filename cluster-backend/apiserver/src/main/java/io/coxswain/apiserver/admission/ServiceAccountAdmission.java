package io.coxswain.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.serviceaccount.ServiceAccountIndex;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * kube-apiserver's ServiceAccount admission plugin ({@code plugin/pkg/admission/serviceaccount}), on pod create: the
 * pod runs as {@code default} unless it names an account; the account must exist (else 403, as kube: "error looking up
 * service account NS/NAME: serviceaccount "NAME" not found"; controllers retry their pods); unless
 * {@code automountServiceAccountToken} is false (the pod's word over the account's) every container and init container
 * gets the read-only mount {@code /var/run/secrets/kubernetes.io/serviceaccount} of a projected volume
 * {@code kube-api-access-<5 random>}: a 3607-second bound token, kube-root-ca.crt's {@code ca.crt} and the namespace
 * (kube's TokenVolumeSource). A container that already mounts that path is left alone. A pod with no imagePullSecrets
 * takes the account's. Mirror pods (static pods) are not changed.
 */
public final class ServiceAccountAdmission {

    public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    static final String VOLUME_PREFIX = "kube-api-access-";
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    /** kube's WarnOnlyBoundTokenExpirationSeconds: the apiserver extends such tokens, the kubelet renews them. */
    static final int TOKEN_SECONDS = 3607;
    private static final char[] NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BiFunction<String, String, Optional<ServiceAccountIndex.Account>> accounts;
    private final boolean mountTokens;

    /** @param accounts the account {@code (namespace, name)}, as {@link ServiceAccountIndex#lookup} finds it */
    public ServiceAccountAdmission(BiFunction<String, String, Optional<ServiceAccountIndex.Account>> accounts) {
        this(accounts, true);
    }

    /**
     * @param mountTokens false for a plain-HTTP apiserver ({@code --insecure-loopback}): it authenticates no one and has
     *                    no CA for kube-root-ca.crt, so pods get no token volume (kube's MountServiceAccountToken off)
     */
    public ServiceAccountAdmission(BiFunction<String, String, Optional<ServiceAccountIndex.Account>> accounts, boolean mountTokens) {
        this.accounts = accounts;
        this.mountTokens = mountTokens;
    }

    /** Admits a pod being created, in place; throws 403 when its account does not exist. */
    public void admit(ObjectNode pod) {
        JsonNode meta = pod.path("metadata");
        if (meta.path("annotations").has(MIRROR_ANNOTATION)) {
            return;
        }
        ObjectNode spec = pod.withObjectProperty("spec");
        String name = spec.path("serviceAccountName").asText("");
        if (name.isEmpty()) {
            name = "default";
            // the deprecated field follows, as v1 conversion keeps them equal
            spec.put("serviceAccountName", name).put("serviceAccount", name);
        }
        String namespace = meta.path("namespace").asText("");
        String account = name;
        ServiceAccountIndex.Account sa = accounts.apply(namespace, name).orElseThrow(() -> ApiException.forbidden("", "pods",
                meta.path("name").asText(""), "error looking up service account " + namespace + "/" + account
                        + ": serviceaccount \"" + account + "\" not found"));
        if (mountTokens && automount(pod, sa)) {
            mountToken(spec);
        }
        JsonNode pullSecrets = spec.path("imagePullSecrets");
        if ((!pullSecrets.isArray() || pullSecrets.isEmpty()) && !sa.imagePullSecrets().isEmpty()) {
            ArrayNode list = spec.putArray("imagePullSecrets");
            sa.imagePullSecrets().forEach(s -> list.addObject().put("name", s));
        }
    }

    /** The pod's own setting wins; then the account's; true when neither says. */
    static boolean automount(ObjectNode pod, ServiceAccountIndex.Account sa) {
        JsonNode own = pod.path("spec").path("automountServiceAccountToken");
        if (own.isBoolean()) {
            return own.asBoolean();
        }
        return sa.automount() == null || sa.automount();
    }

    private static void mountToken(ObjectNode spec) {
        String volume = null;
        for (JsonNode v : spec.path("volumes")) {
            if (v.path("name").asText("").startsWith(VOLUME_PREFIX)) {
                volume = v.path("name").asText();
                break;
            }
        }
        boolean hasVolume = volume != null;
        if (volume == null) {
            volume = VOLUME_PREFIX + suffix();
        }
        boolean needed = false;
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode container && !mountsTokenPath(container)) {
                    container.withArrayProperty("volumeMounts").addObject().put("name", volume).put("readOnly", true)
                            .put("mountPath", MOUNT_PATH);
                    needed = true;
                }
            }
        }
        if (!hasVolume && needed) {
            spec.withArrayProperty("volumes").add(tokenVolume(volume));
        }
    }

    private static boolean mountsTokenPath(ObjectNode container) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (MOUNT_PATH.equals(m.path("mountPath").asText())) {
                return true;
            }
        }
        return false;
    }

    /** kube's TokenVolumeSource, with the defaults it writes out (defaultMode 0644, apiVersion v1). */
    static ObjectNode tokenVolume(String name) {
        ObjectNode volume = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("name", name);
        ObjectNode projected = volume.putObject("projected").put("defaultMode", 420);
        ArrayNode sources = projected.putArray("sources");
        sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", TOKEN_SECONDS).put("path", "token");
        ObjectNode configMap = sources.addObject().putObject("configMap");
        configMap.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
        configMap.put("name", "kube-root-ca.crt");
        ObjectNode file = sources.addObject().putObject("downwardAPI").putArray("items").addObject();
        file.putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
        file.put("path", "namespace");
        return volume;
    }

    /** names.SimpleNameGenerator's five characters. */
    private static String suffix() {
        char[] out = new char[5];
        for (int i = 0; i < out.length; i++) {
            out[i] = NAME_CHARS[RANDOM.nextInt(NAME_CHARS.length)];
        }
        return new String(out);
    }
}
