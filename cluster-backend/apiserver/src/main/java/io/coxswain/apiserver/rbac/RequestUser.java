package io.coxswain.apiserver.rbac;

import io.coxswain.apiserver.auth.UserInfo;
import io.vertx.ext.web.RoutingContext;

/**
 * Where a request's user lives while it is served: the {@link UserInfo} under {@link #KEY} in the Vert.x
 * RoutingContext, put there by authentication (and replaced by impersonation). A request nobody authenticated is
 * {@link UserInfo#UNSECURED}, as on the loopback server without team mode.
 */
public final class RequestUser {

    public static final String KEY = "coxswain.user";

    private RequestUser() {
    }

    public static UserInfo of(RoutingContext ctx) {
        Object user = ctx.get(KEY);
        return user instanceof UserInfo u ? u : UserInfo.UNSECURED;
    }

    public static void set(RoutingContext ctx, UserInfo user) {
        ctx.put(KEY, user);
    }
}
