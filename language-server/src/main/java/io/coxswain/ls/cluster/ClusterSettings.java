package io.coxswain.ls.cluster;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code coxswain.cluster} settings: which kubeconfig, context and namespace the editor deploys to. Each is
 * optional; without a kubeconfig the local Coxswain's is used when {@code ./coxswain up} has written one.
 */
public record ClusterSettings(String kubeconfig, String context, String namespace) {

    public static final ClusterSettings DEFAULT = new ClusterSettings(null, null, null);

    /** From the {@code coxswain.cluster} object, or from an object that holds {@code coxswain} or {@code cluster}. */
    public static ClusterSettings from(Object settings) {
        if (!(settings instanceof JsonElement element) || !element.isJsonObject()) {
            return DEFAULT;
        }
        JsonObject o = element.getAsJsonObject();
        if (o.has("coxswain") && o.get("coxswain").isJsonObject()) {
            o = o.getAsJsonObject("coxswain");
        }
        if (o.has("cluster") && o.get("cluster").isJsonObject()) {
            o = o.getAsJsonObject("cluster");
        }
        return new ClusterSettings(text(o, "kubeconfig"), text(o, "context"), text(o, "namespace"));
    }

    private static String text(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || e.getAsString().isBlank()) {
            return null;
        }
        return e.getAsString().trim();
    }

    /** The kubeconfig file to read: the setting, else the local Coxswain's, else $KUBECONFIG, else ~/.kube/config. */
    public Path kubeconfigFile() {
        if (kubeconfig != null) {
            return Path.of(kubeconfig.startsWith("~/") ? System.getProperty("user.home") + kubeconfig.substring(1) : kubeconfig);
        }
        String data = System.getenv("COXSWAIN_DATA");
        Path local = data != null ? Path.of(data, "kubeconfig") : Path.of(System.getProperty("user.home"), ".coxswain", "kubeconfig");
        if (Files.isRegularFile(local)) {
            return local;
        }
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env.split(java.io.File.pathSeparator)[0]);
        }
        return Path.of(System.getProperty("user.home"), ".kube", "config");
    }
}
