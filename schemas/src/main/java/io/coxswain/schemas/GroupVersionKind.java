package io.coxswain.schemas;

import java.util.Objects;

/** The identity of a kind: API group (empty for the core group), version and kind. */
public record GroupVersionKind(String group, String version, String kind) {

    public GroupVersionKind {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
    }

    /** Splits an {@code apiVersion} such as {@code apps/v1} or {@code v1}. */
    public static GroupVersionKind of(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        return slash < 0
                ? new GroupVersionKind("", apiVersion, kind)
                : new GroupVersionKind(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind);
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The group-version's path below the API root, as /openapi/v3 names it: {@code api/v1}, {@code apis/apps/v1}. */
    public String groupVersionPath() {
        return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
    }

    @Override
    public String toString() {
        return apiVersion() + "/" + kind;
    }
}
