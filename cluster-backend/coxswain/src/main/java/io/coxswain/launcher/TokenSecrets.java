package io.coxswain.launcher;

import io.coxswain.client.bootstrap.BootstrapToken;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A bootstrap token as the Secret kubeadm writes for it ({@code BootstrapToken.ToSecret}) and back as a row of
 * {@code kubeadm token list}. Pure: the commands around it talk to the API.
 */
final class TokenSecrets {

    /** kubeadm's KnownTokenUsages. */
    static final Set<String> USAGES = Set.of("signing", "authentication");
    /** kubeadm's default extra group for node join tokens. */
    static final String DEFAULT_GROUP = "system:bootstrappers:kubeadm:default-node-token";

    private TokenSecrets() {
    }

    /** The Secret's data (plain text), or an IllegalArgumentException that says which input is wrong. */
    static Map<String, String> data(BootstrapToken token, Duration ttl, Instant now, String description, List<String> groups,
                                    List<String> usages) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("--ttl must be 0 (never expires) or a positive duration such as 24h, not " + ttl);
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put(BootstrapToken.KEY_ID, token.id());
        data.put(BootstrapToken.KEY_SECRET, token.secret());
        if (description != null && !description.isEmpty()) {
            data.put(BootstrapToken.KEY_DESCRIPTION, description);
        }
        if (!ttl.isZero()) {
            data.put(BootstrapToken.KEY_EXPIRATION, now.plus(ttl).truncatedTo(ChronoUnit.SECONDS).toString());
        }
        if (usages.isEmpty()) {
            throw new IllegalArgumentException("--usages needs at least one of " + new TreeSet<>(USAGES));
        }
        for (String usage : usages) {
            if (!USAGES.contains(usage)) {
                throw new IllegalArgumentException("unknown usage \"" + usage + "\" in --usages: the usages are " + new TreeSet<>(USAGES));
            }
            data.put("usage-bootstrap-" + usage, "true");
        }
        List<String> extra = new ArrayList<>();
        for (String group : groups) {
            if (!BootstrapToken.GROUP_PATTERN.matcher(group).matches()) {
                throw new IllegalArgumentException("group \"" + group + "\" in --groups must match "
                        + BootstrapToken.GROUP_PATTERN.pattern().replace("\\A", "").replace("\\z", "") + " (system:bootstrappers:...)");
            }
            if (!extra.contains(group)) {
                extra.add(group);
            }
        }
        if (!extra.isEmpty()) {
            data.put(BootstrapToken.KEY_EXTRA_GROUPS, String.join(",", extra));
        }
        return data;
    }

    static final List<String> HEADER = List.of("TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS");

    /** One row of {@code kubeadm token list}, or null when the Secret holds no well-formed token. */
    static List<String> row(Map<String, String> data, Instant now) {
        String id = data.getOrDefault(BootstrapToken.KEY_ID, "");
        String secret = data.getOrDefault(BootstrapToken.KEY_SECRET, "");
        if (!BootstrapToken.isId(id) || !secret.matches("[a-z0-9]{16}")) {
            return null;
        }
        String expiration = data.getOrDefault(BootstrapToken.KEY_EXPIRATION, "");
        String ttl;
        String expires;
        if (expiration.isEmpty()) {
            ttl = "<forever>";
            expires = "<never>";
        } else {
            expires = expiration;
            try {
                ttl = shortHumanDuration(Duration.between(now, java.time.OffsetDateTime.parse(expiration).toInstant()));
            } catch (java.time.format.DateTimeParseException e) {
                ttl = "<invalid>";
            }
        }
        List<String> usages = new ArrayList<>();
        data.forEach((k, v) -> {
            if (k.startsWith("usage-bootstrap-") && "true".equals(v)) {
                usages.add(k.substring("usage-bootstrap-".length()));
            }
        });
        usages.sort(null);
        String description = data.getOrDefault(BootstrapToken.KEY_DESCRIPTION, "");
        String groups = data.getOrDefault(BootstrapToken.KEY_EXTRA_GROUPS, "");
        return List.of(id + "." + secret, ttl, expires, String.join(",", usages), description.isEmpty() ? "<none>" : description,
                groups.isEmpty() ? "<none>" : groups);
    }

    /** apimachinery's ShortHumanDuration, which kubeadm token list prints the TTL with. */
    static String shortHumanDuration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60) {
            return seconds + "s";
        } else if (d.toMinutes() < 60) {
            return d.toMinutes() + "m";
        } else if (d.toHours() < 24) {
            return d.toHours() + "h";
        } else if (d.toHours() < 24 * 365) {
            return d.toDays() + "d";
        }
        return d.toDays() / 365 + "y";
    }

    /** Rows padded into columns as kubectl's tabwriter does: three spaces between columns. */
    static String table(List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(rows);
        int[] widths = new int[HEADER.size()];
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (widths[i] + 3) + "s", r.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
