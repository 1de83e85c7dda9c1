package io.coxswain.apiserver.auth;

import java.util.List;
import java.util.Map;

/**
 * Who made a request, as kube-apiserver's authenticators say it: a name, a uid, groups, and extra attributes (a
 * service account token's {@code authentication.kubernetes.io/pod-name}, say).
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    /** What every request is when the server runs without authentication (loopback, not team mode). */
    public static final UserInfo UNSECURED = new UserInfo("system:admin", "", List.of("system:masters", "system:authenticated"));

    public UserInfo {
        extra = extra == null ? Map.of() : extra;
    }

    public UserInfo(String name, String uid, List<String> groups) {
        this(name, uid, groups, Map.of());
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
