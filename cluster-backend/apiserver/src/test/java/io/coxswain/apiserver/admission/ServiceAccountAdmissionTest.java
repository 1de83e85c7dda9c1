package io.coxswain.apiserver.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.serviceaccount.LiveObject;
import io.coxswain.apiserver.serviceaccount.ServiceAccountIndex;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountAdmissionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ServiceAccountIndex.Account account(Boolean automount, String... pullSecrets) {
        return new ServiceAccountIndex.Account(new LiveObject("uid", null), automount, List.of(pullSecrets));
    }

    private static ServiceAccountAdmission admission(Map<String, ServiceAccountIndex.Account> accounts) {
        return new ServiceAccountAdmission((ns, name) -> Optional.ofNullable(accounts.get(ns + "/" + name)));
    }

    private static ObjectNode pod(String spec) throws Exception {
        return (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"p\",\"namespace\":\"team\"},\"spec\":" + spec + "}");
    }

    @Test
    void defaultsTheAccountAndMountsTheTokenInEveryContainer() throws Exception {
        ObjectNode pod = pod("{\"initContainers\":[{\"name\":\"i\"}],\"containers\":[{\"name\":\"a\"},{\"name\":\"b\","
                + "\"volumeMounts\":[{\"name\":\"x\",\"mountPath\":\"/x\"}]}],\"volumes\":[{\"name\":\"x\",\"emptyDir\":{}}]}");
        admission(Map.of("team/default", account(null, "regcred"))).admit(pod);
        ObjectNode spec = (ObjectNode) pod.get("spec");
        assertThat(spec.path("serviceAccountName").asText()).isEqualTo("default");
        assertThat(spec.path("serviceAccount").asText()).isEqualTo("default");
        String volume = spec.path("volumes").get(1).path("name").asText();
        assertThat(volume).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(spec.path("volumes").get(1).path("projected").toString()).isEqualTo("{\"defaultMode\":420,\"sources\":["
                + "{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
                + "{\"configMap\":{\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}],\"name\":\"kube-root-ca.crt\"}},"
                + "{\"downwardAPI\":{\"items\":[{\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"},\"path\":\"namespace\"}]}}]}");
        for (String path : List.of("/initContainers/0", "/containers/0", "/containers/1")) {
            var mounts = spec.at(path + "/volumeMounts");
            assertThat(mounts.get(mounts.size() - 1).toString()).isEqualTo("{\"name\":\"" + volume
                    + "\",\"readOnly\":true,\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}");
        }
        assertThat(spec.path("imagePullSecrets").toString()).isEqualTo("[{\"name\":\"regcred\"}]");
    }

    @Test
    void thePodsSayWinsOverTheAccountsAndAnOwnMountIsKept() throws Exception {
        var accounts = Map.of("team/quiet", account(false), "team/default", account(null));
        ObjectNode off = pod("{\"serviceAccountName\":\"quiet\",\"containers\":[{\"name\":\"a\"}]}");
        admission(accounts).admit(off);
        assertThat(off.path("spec").has("volumes")).isFalse();
        ObjectNode on = pod("{\"serviceAccountName\":\"quiet\",\"automountServiceAccountToken\":true,\"containers\":[{\"name\":\"a\"}]}");
        admission(accounts).admit(on);
        assertThat(on.path("spec").path("volumes")).hasSize(1);
        ObjectNode podOff = pod("{\"automountServiceAccountToken\":false,\"containers\":[{\"name\":\"a\"}]}");
        admission(accounts).admit(podOff);
        assertThat(podOff.path("spec").has("volumes")).isFalse();
        ObjectNode own = pod("{\"containers\":[{\"name\":\"a\",\"volumeMounts\":[{\"name\":\"mine\","
                + "\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}]}],\"volumes\":[{\"name\":\"mine\",\"emptyDir\":{}}]}");
        admission(accounts).admit(own);
        assertThat(own.path("spec").path("volumes")).hasSize(1);
        assertThat(own.at("/spec/containers/0/volumeMounts")).hasSize(1);
    }

    @Test
    void aPlainHttpServerMountsNoToken() throws Exception {
        ObjectNode pod = pod("{\"containers\":[{\"name\":\"a\"}]}");
        new ServiceAccountAdmission((ns, name) -> Optional.of(account(null)), false).admit(pod);
        assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo("default");
        assertThat(pod.path("spec").has("volumes")).isFalse();
    }

    @Test
    void aMissingAccountIsForbiddenAndMirrorPodsAreLeftAlone() throws Exception {
        ObjectNode pod = pod("{\"serviceAccountName\":\"ghost\",\"containers\":[{\"name\":\"a\"}]}");
        assertThatThrownBy(() -> admission(Map.of()).admit(pod)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.getMessage()).isEqualTo("pods \"p\" is forbidden: error looking up service account team/ghost: "
                    + "serviceaccount \"ghost\" not found");
        });
        ObjectNode mirror = pod("{\"containers\":[{\"name\":\"a\"}]}");
        ((ObjectNode) mirror.get("metadata")).putObject("annotations").put("kubernetes.io/config.mirror", "x");
        admission(Map.of()).admit(mirror);
        assertThat(mirror.path("spec").has("serviceAccountName")).isFalse();
    }
}
