package io.coxswain.kubelet.cni;

import io.coxswain.client.host.HostCommand;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs a network configuration list's plugins the way libcni does (CNI spec 1.0): ADD in order, each given the one
 * before's result as prevResult; CHECK in order and DEL in reverse, each given the cached result of the ADD. The
 * result, the configuration and the runtime arguments of every ADD are cached in {@code <stateDir>/results} in libcni's
 * format, so a DEL after a kubelet restart (or a change of pod CIDR) tears down what the ADD set up.
 */
public final class CniPlugins {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final CniOptions options;

    public CniPlugins(CniOptions options) {
        this.options = options;
    }

    /** The binaries a list needs that are in none of the bin dirs. */
    public List<String> missing(JsonObject conflist) {
        List<String> missing = new ArrayList<>();
        for (Object p : conflist.getJsonArray("plugins")) {
            String type = ((JsonObject) p).getString("type");
            if (find(type).isEmpty()) {
                missing.add(type);
            }
        }
        return missing;
    }

    /** One attachment: the container, its network namespace (may be "" for a DEL), the interface, CNI_ARGS. */
    public record Attachment(String containerId, String netns, String ifName, Map<String, String> args) {
    }

    /** ADD of every plugin; the last result, cached. On a failure the plugins that ran are deleted again. */
    public JsonObject add(JsonObject conflist, Attachment a, JsonObject capabilityArgs) {
        JsonObject prev = null;
        try {
            for (Object p : conflist.getJsonArray("plugins")) {
                prev = invoke("ADD", conflist, (JsonObject) p, a, prev, capabilityArgs);
            }
        } catch (CniFailure e) {
            try {
                delete(conflist, a, capabilityArgs, prev);
            } catch (CniFailure cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        JsonObject result = prev == null ? new JsonObject() : prev;
        writeCache(conflist, a, capabilityArgs, result);
        return result;
    }

    /** CHECK of every plugin against the cached result; a failure names the plugin and its message. */
    public void check(String network, Attachment a) {
        JsonObject cached = cache(network, a.containerId(), a.ifName()).orElseThrow(() -> new CniFailure("no cached result for container " + a.containerId()
                + " on " + a.ifName() + ": it was never added, or its cache is lost"));
        JsonObject conflist = config(cached);
        for (Object p : conflist.getJsonArray("plugins")) {
            invoke("CHECK", conflist, (JsonObject) p, a, cached.getJsonObject("result"), cached.getJsonObject("capabilityArgs"));
        }
    }

    /**
     * DEL of every plugin in reverse, with the configuration and arguments of the ADD when they are cached (else
     * {@code fallback}); the cache entry goes once every plugin succeeded. DEL may be repeated: plugins take a second
     * one as done.
     */
    public void delete(JsonObject fallback, Attachment a) {
        Optional<JsonObject> cached = cache(fallback.getString("name"), a.containerId(), a.ifName());
        JsonObject conflist = cached.map(CniPlugins::config).orElse(fallback);
        delete(conflist, a, cached.map(c -> c.getJsonObject("capabilityArgs")).orElse(null),
                cached.map(c -> c.getJsonObject("result")).orElse(null));
        try {
            Files.deleteIfExists(cachePath(conflist.getString("name"), a));
        } catch (IOException e) {
            throw new CniFailure("could not remove the CNI cache of " + a.containerId() + ": " + e.getMessage());
        }
    }

    private void delete(JsonObject conflist, Attachment a, JsonObject capabilityArgs, JsonObject prevResult) {
        JsonArray plugins = conflist.getJsonArray("plugins");
        List<String> failures = new ArrayList<>();
        for (int i = plugins.size() - 1; i >= 0; i--) {
            try {
                invoke("DEL", conflist, plugins.getJsonObject(i), a, prevResult, capabilityArgs);
            } catch (CniFailure e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new CniFailure(String.join("; ", failures));
        }
    }

    /** The cached ADD of a container on a network, as libcni keeps it. */
    public Optional<JsonObject> cache(String network, String containerId, String ifName) {
        Path path = options.stateDir().resolve("results").resolve(network + "-" + containerId + "-" + ifName);
        try {
            return Optional.of(new JsonObject(Files.readString(path)));
        } catch (IOException | DecodeException e) {
            return Optional.empty();
        }
    }

    /** Ids of the containers with a cached ADD on {@code network}. */
    public List<String> cachedContainers(String network, String ifName) {
        Path dir = options.stateDir().resolve("results");
        String prefix = network + "-";
        String suffix = "-" + ifName;
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(suffix))
                    .map(n -> n.substring(prefix.length(), n.length() - suffix.length())).collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static JsonObject config(JsonObject cached) {
        return new JsonObject(new String(Base64.getDecoder().decode(cached.getString("config")), StandardCharsets.UTF_8));
    }

    private void writeCache(JsonObject conflist, Attachment a, JsonObject capabilityArgs, JsonObject result) {
        JsonObject entry = new JsonObject().put("kind", "cniCacheV1").put("containerId", a.containerId())
                .put("config", Base64.getEncoder().encodeToString(conflist.encode().getBytes(StandardCharsets.UTF_8)))
                .put("ifName", a.ifName()).put("networkName", conflist.getString("name")).put("netns", a.netns())
                .put("result", result);
        if (capabilityArgs != null) {
            entry.put("capabilityArgs", capabilityArgs);
        }
        Path path = cachePath(conflist.getString("name"), a);
        try {
            Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, entry.encode());
            Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CniFailure("could not cache the CNI result of " + a.containerId() + " in " + path + ": " + e.getMessage());
        }
    }

    private Path cachePath(String network, Attachment a) {
        return options.stateDir().resolve("results").resolve(network + "-" + a.containerId() + "-" + a.ifName());
    }

    /** One plugin of the list, as libcni builds its stdin: the plugin's own keys, the list's name and version, prevResult, runtimeConfig. */
    private JsonObject invoke(String command, JsonObject conflist, JsonObject plugin, Attachment a, JsonObject prevResult,
                              JsonObject capabilityArgs) {
        String type = plugin.getString("type");
        Path binary = find(type).orElseThrow(() -> new CniFailure("CNI plugin \"" + type + "\" is in none of " + options.binDirs()
                + " (Debian's containernetworking-plugins has it)"));
        JsonObject stdin = plugin.copy().put("name", conflist.getString("name")).put("cniVersion", conflist.getString("cniVersion"));
        stdin.remove("capabilities");
        if (prevResult != null) {
            stdin.put("prevResult", prevResult);
        }
        JsonObject capabilities = plugin.getJsonObject("capabilities");
        if (capabilities != null && capabilityArgs != null) {
            JsonObject runtimeConfig = new JsonObject();
            capabilities.forEach(e -> {
                if (Boolean.TRUE.equals(e.getValue()) && capabilityArgs.containsKey(e.getKey())) {
                    runtimeConfig.put(e.getKey(), capabilityArgs.getValue(e.getKey()));
                }
            });
            if (!runtimeConfig.isEmpty()) {
                stdin.put("runtimeConfig", runtimeConfig);
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", a.containerId());
        env.put("CNI_NETNS", a.netns() == null ? "" : a.netns());
        env.put("CNI_IFNAME", a.ifName());
        env.put("CNI_PATH", options.binDirs().stream().map(Path::toString).collect(Collectors.joining(":")));
        env.put("CNI_ARGS", a.args().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";")));
        HostCommand.Result r = HostCommand.run(List.of(binary.toString()), env, stdin.encode(), DEADLINE);
        if (!r.ok()) {
            throw new CniFailure("plugin type=\"" + type + "\" failed (" + command.toLowerCase() + "): " + reason(r));
        }
        if (!"ADD".equals(command) || r.stdout().isBlank()) {
            return prevResult;
        }
        try {
            return new JsonObject(r.stdout());
        } catch (DecodeException e) {
            throw new CniFailure("plugin type=\"" + type + "\" gave a result that is not JSON: " + r.stdout().strip());
        }
    }

    /** The spec's error object {code, msg, details} when the plugin printed one, else its stderr. */
    private static String reason(HostCommand.Result r) {
        try {
            JsonObject error = new JsonObject(r.stdout());
            String details = error.getString("details", "");
            return error.getString("msg", "error code " + error.getValue("code")) + (details.isBlank() ? "" : ": " + details);
        } catch (DecodeException | ClassCastException e) {
            String out = (r.stderr() + " " + r.stdout()).strip();
            return out.isEmpty() ? "exit code " + r.exitCode() : out;
        }
    }

    private Optional<Path> find(String type) {
        if (type == null || type.contains("/")) {
            return Optional.empty();
        }
        return options.binDirs().stream().map(d -> d.resolve(type)).filter(Files::isExecutable).findFirst();
    }
}
