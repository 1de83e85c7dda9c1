package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.apiserver.auth.StoreIndex;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The objects a service account token is checked against, in memory (kube's authenticator reads informer listers):
 * the ServiceAccounts (a {@link ServiceAccountIndex}), Pods and Nodes by uid and deletion, and the Secrets of type kubernetes.io/service-account-token
 * with the token they hold. Each is a {@link StoreIndex} of its store prefix.
 */
public final class BoundObjects implements AutoCloseable {

    /** What a legacy token is checked against: the Secret that holds it. */
    record TokenSecret(LiveObject live, String token) {
    }

    static final String SECRET_TYPE = "kubernetes.io/service-account-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceAccountIndex serviceAccounts;
    private final StoreIndex<LiveObject> pods;
    private final StoreIndex<LiveObject> nodes;
    private final StoreIndex<TokenSecret> secrets;

    /** @param serviceAccounts the accounts' index, shared with admission; started and closed by its owner */
    public BoundObjects(Store store, ServiceAccountIndex serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
        pods = new StoreIndex<>(store, "/registry/pods/", kv -> LiveObject.read(kv.value()));
        nodes = new StoreIndex<>(store, "/registry/nodes/", kv -> LiveObject.read(kv.value()));
        secrets = new StoreIndex<>(store, "/registry/secrets/", BoundObjects::tokenSecret);
    }

    LiveObject serviceAccount(String namespace, String name) {
        ServiceAccountIndex.Account account = serviceAccounts.cached(namespace, name);
        return account == null ? null : account.live();
    }

    LiveObject pod(String namespace, String name) {
        return pods.get(namespace + "/" + name);
    }

    LiveObject node(String name) {
        return nodes.get(name);
    }

    TokenSecret secret(String namespace, String name) {
        return secrets.get(namespace + "/" + name);
    }

    public CompletableFuture<Void> start() {
        // as kube-apiserver's informers: a first list that fails (a value that cannot be decrypted) is tried again later
        return CompletableFuture.allOf(pods.startRetrying(), nodes.startRetrying(), secrets.startRetrying());
    }

    public boolean synced() {
        return List.of(pods, nodes, secrets).stream().allMatch(StoreIndex::synced);
    }

    /** Only Secrets of the token type are kept: any other Secret never authenticates anyone. */
    private static TokenSecret tokenSecret(KeyValue kv) {
        try {
            JsonNode secret = JSON.readTree(kv.value());
            if (!SECRET_TYPE.equals(secret.path("type").asText())) {
                return null;
            }
            String token = "";
            String data = secret.path("data").path("token").asText("");
            if (!data.isEmpty()) {
                token = new String(Base64.getMimeDecoder().decode(data), StandardCharsets.UTF_8);
            }
            return new TokenSecret(LiveObject.read(kv.value()), token);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        pods.close();
        nodes.close();
        secrets.close();
    }
}
