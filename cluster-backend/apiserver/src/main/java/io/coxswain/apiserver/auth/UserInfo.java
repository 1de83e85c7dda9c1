package io.coxswain.apiserver.auth;

import java.util.List;

/** Who made a request, as kube-apiserver's authenticators say it: a name, a uid and groups. */
public record UserInfo(String name, String uid, List<String> groups) {

    /** What every request is when the server runs without authentication (loopback, not team mode). */
    public static final UserInfo UNSECURED = new UserInfo("system:admin", "", List.of("system:masters", "system:authenticated"));

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
