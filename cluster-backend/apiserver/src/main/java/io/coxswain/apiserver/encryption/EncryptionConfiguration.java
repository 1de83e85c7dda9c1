package io.coxswain.apiserver.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.schemas.ManifestReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube-apiserver's {@code --encryption-provider-config}: an {@code apiserver.config.k8s.io/v1 EncryptionConfiguration}
 * that names, per resource, the providers that keep its values at rest ({@code aesgcm}, {@code aescbc},
 * {@code secretbox}, {@code identity}). The file is checked as kube's {@code ValidateEncryptionConfiguration} checks it,
 * with its field paths and words; anything it cannot honour (a {@code kms} provider, an unknown one, a group wildcard)
 * is an error at start rather than a resource silently left in plain text.
 */
public final class EncryptionConfiguration {

    static final String API_VERSION = "apiserver.config.k8s.io/v1";
    static final String KIND = "EncryptionConfiguration";
    /** kube's aesKeySizes, for aesgcm and aescbc alike. */
    static final List<Integer> AES_KEY_SIZES = List.of(16, 24, 32);
    static final List<Integer> SECRETBOX_KEY_SIZES = List.of(32);
    private static final String ANY = "*.*";

    private final Map<String, PrefixTransformers> byResource;

    private EncryptionConfiguration(Map<String, PrefixTransformers> byResource) {
        this.byResource = byResource;
    }

    /** Reads and checks the file. @throws IllegalArgumentException with every problem found, as kube lists them */
    public static EncryptionConfiguration load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--encryption-provider-config: cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--encryption-provider-config " + file + ": " + e.getMessage(), e);
        }
    }

    static EncryptionConfiguration parse(String yaml) {
        List<ManifestReader.Document> docs;
        try {
            docs = ManifestReader.read(yaml);
        } catch (ManifestReader.ManifestReadException e) {
            throw new IllegalArgumentException("error while parsing file: " + e.getMessage());
        }
        if (docs.size() != 1 || !docs.get(0).content().isObject()) {
            throw new IllegalArgumentException("error while parsing file: it must hold one EncryptionConfiguration object");
        }
        JsonNode root = docs.get(0).content();
        String apiVersion = root.path("apiVersion").asText("");
        String kind = root.path("kind").asText("");
        if (!API_VERSION.equals(apiVersion) || !KIND.equals(kind)) {
            throw new IllegalArgumentException("error while parsing file: no kind \"" + kind + "\" is registered for version \""
                    + apiVersion + "\" (want apiVersion " + API_VERSION + ", kind " + KIND + ")");
        }
        List<String> errors = new ArrayList<>();
        Map<String, List<PrefixTransformers.Prefixed>> chains = new LinkedHashMap<>();
        JsonNode resources = root.path("resources");
        if (!resources.isArray() || resources.isEmpty()) {
            errors.add("resources: Required value: at least one resources is required");
        }
        for (int i = 0; i < resources.size(); i++) {
            JsonNode conf = resources.get(i);
            String r = "resources[" + i + "].resources";
            String p = "resources[" + i + "].providers";
            List<String> names = new ArrayList<>();
            conf.path("resources").forEach(n -> names.add(n.asText()));
            if (names.isEmpty()) {
                errors.add(r + ": Required value: at least one " + r + " is required");
            }
            checkResources(names, r, errors);
            JsonNode providers = conf.path("providers");
            if (!providers.isArray() || providers.isEmpty()) {
                errors.add(p + ": Required value: at least one " + p + " is required");
            }
            List<PrefixTransformers.Prefixed> chain = new ArrayList<>();
            for (int j = 0; j < providers.size(); j++) {
                chain.addAll(provider(providers.get(j), p + "[" + j + "]", errors));
            }
            // a resource named in several entries gets their providers one after the other, as in kube
            names.forEach(name -> chains.computeIfAbsent(storageName(name), k -> new ArrayList<>()).addAll(chain));
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("error while parsing file: " + String.join(", ", errors));
        }
        Map<String, PrefixTransformers> byResource = new LinkedHashMap<>();
        chains.forEach((name, chain) -> byResource.put(name, new PrefixTransformers(chain)));
        return new EncryptionConfiguration(byResource);
    }

    /** The providers of the resource a storage key belongs to ({@code /registry/secrets/ns/name}), or null: stored as is. */
    public PrefixTransformers forKey(String key) {
        PrefixTransformers own = byResource.get(resourceOf(key));
        return own != null ? own : byResource.get(ANY);
    }

    /** Which resources are encrypted, and by which provider new writes are: for the start-up log. */
    public Map<String, String> writers() {
        Map<String, String> out = new LinkedHashMap<>();
        byResource.forEach((name, chain) -> out.put(name, chain.writer()));
        return out;
    }

    /** {@code secrets} of {@code /registry/secrets/default/db}: the segment under which the apiserver keeps a resource. */
    static String resourceOf(String key) {
        String rest = key.startsWith("/registry/") ? key.substring("/registry/".length()) : key;
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** The storage segment of a configured name: the apiserver keys a resource by its plural, whatever its group. */
    private static String storageName(String name) {
        if (name.equals(ANY)) {
            return ANY;
        }
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** kube's validateResourceNames and validateResourceOverlap, and what coxswain cannot map to its storage keys. */
    private static void checkResources(List<String> names, String path, List<String> errors) {
        Set<String> seen = new LinkedHashSet<>();
        boolean duplicate = false;
        for (int j = 0; j < names.size(); j++) {
            String res = names.get(j);
            String at = path + "[" + j + "]: Invalid value: \"" + res + "\": ";
            duplicate |= !seen.add(res);
            String group = res.contains(".") ? res.substring(res.indexOf('.') + 1) : "";
            String resource = res.contains(".") ? res.substring(0, res.indexOf('.')) : res;
            if (!res.toLowerCase(java.util.Locale.ROOT).equals(res)) {
                errors.add(at + "resource name should not contain capital letters");
            } else if (res.equals("*")) {
                errors.add(at + "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources");
            } else if (group.equals("events.k8s.io")) {
                errors.add(at + "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the "
                        + "config file");
            } else if (group.equals("extensions")) {
                errors.add(at + "'extensions' group has been removed and cannot be used for encryption");
            } else if (group.equals("*") && !resource.equals("*")) {
                errors.add(at + "encrypting the same resource across groups is not supported");
            } else if (resource.equals("*") && !res.equals(ANY)) {
                errors.add(at + "coxswain keeps resources by their name, not their group: list the resources of the group, or use *.*");
            } else if (resource.isEmpty()) {
                errors.add(at + "a resource name is required");
            }
        }
        if (duplicate) {
            errors.add(path + ": Invalid value: " + names + ": the same resource cannot be specified multiple times");
        }
        if (names.size() > 1 && names.contains(ANY)) {
            errors.add(path + ": Invalid value: " + names + ": using overlapping resources such as 'secrets' and '*.' in the same "
                    + "resource list is not allowed as they will be masked");
        }
    }

    /** One element of providers: exactly one of the known providers, each key of it a prefixed transformer. */
    private static List<PrefixTransformers.Prefixed> provider(JsonNode element, String path, List<String> errors) {
        List<String> fields = new ArrayList<>();
        element.fieldNames().forEachRemaining(fields::add);
        for (String f : fields) {
            switch (f) {
                case "aesgcm", "aescbc", "secretbox", "identity" -> {
                }
                case "kms" -> errors.add(path + ".kms: Unsupported value: coxswain has no KMS plugin support; use aesgcm, aescbc or secretbox");
                default -> errors.add(path + ": Unsupported value: \"" + f + "\": supported providers: \"aesgcm\", \"aescbc\", "
                        + "\"secretbox\", \"identity\"");
            }
        }
        if (fields.isEmpty()) {
            errors.add(path + ": Invalid value: provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, "
                    + "Identity");
            return List.of();
        }
        if (fields.size() > 1) {
            errors.add(path + ": Invalid value: " + fields + ": more than one provider specified in a single element, should split into "
                    + "different list elements");
            return List.of();
        }
        String kind = fields.get(0);
        if (kind.equals("identity")) {
            return List.of(new PrefixTransformers.Prefixed(new byte[0], PrefixTransformers.IDENTITY));
        }
        if (kind.equals("kms") || !List.of("aesgcm", "aescbc", "secretbox").contains(kind)) {
            return List.of();
        }
        List<Integer> sizes = kind.equals("secretbox") ? SECRETBOX_KEY_SIZES : AES_KEY_SIZES;
        String keysPath = path + "." + kind + ".keys";
        JsonNode keys = element.path(kind).path("keys");
        if (!keys.isArray() || keys.isEmpty()) {
            errors.add(keysPath + ": Required value: at least one keys is required");
            return List.of();
        }
        List<PrefixTransformers.Prefixed> out = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            String at = keysPath + "[" + k + "]";
            String name = keys.get(k).path("name").asText("");
            String secret = keys.get(k).path("secret").asText("");
            int before = errors.size();
            if (name.isEmpty()) {
                errors.add(at + ".name: Required value: name is a mandatory field for a key");
            }
            if (secret.isEmpty()) {
                errors.add(at + ".secret: Required value: secret is a mandatory field for a key");
                continue;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(secret);
            } catch (IllegalArgumentException e) {
                errors.add(at + ".secret: Invalid value: \"REDACTED\": secrets must be base64 encoded");
                continue;
            }
            if (!sizes.contains(key.length)) {
                errors.add(at + ".secret: Invalid value: \"REDACTED\": secret is not of the expected length, got " + key.length
                        + ", expected one of " + sizes.toString().replace(",", ""));
            }
            if (errors.size() > before) {
                continue;
            }
            byte[] prefix = ("k8s:enc:" + kind + ":v1:" + name + ":").getBytes(StandardCharsets.US_ASCII);
            ValueTransformer transformer = switch (kind) {
                case "aesgcm" -> new AesGcmTransformer(key);
                case "aescbc" -> new AesCbcTransformer(key);
                default -> new SecretboxTransformer(key);
            };
            out.add(new PrefixTransformers.Prefixed(prefix, transformer));
        }
        return out;
    }
}
