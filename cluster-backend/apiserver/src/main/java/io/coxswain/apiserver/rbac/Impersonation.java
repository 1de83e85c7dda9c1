package io.coxswain.apiserver.rbac;

import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.UserInfo;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * kube-apiserver's impersonation filter: a request with {@code Impersonate-User} (and optionally
 * {@code Impersonate-Group}, {@code Impersonate-Uid}) is served as that user, when the authenticated user may
 * {@code impersonate} the user (resource {@code users}, or {@code serviceaccounts} for
 * {@code system:serviceaccount:ns:name}), each group ({@code groups}) and the uid ({@code uids}). Members of
 * {@code system:masters} may impersonate anyone; that is how {@code kubectl --as alice --as-group team} tests RBAC.
 * Runs after authentication and before authorization; replaces the user under {@link RequestUser#KEY}.
 */
public final class Impersonation implements Handler<RoutingContext> {

    private final Authorizer authorizer;

    public Impersonation(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public void handle(RoutingContext ctx) {
        try {
            UserInfo as = impersonated(RequestUser.of(ctx), ctx.request().getHeader("Impersonate-User"),
                    ctx.request().headers().getAll("Impersonate-Group"), ctx.request().getHeader("Impersonate-Uid"));
            if (as != null) {
                RequestUser.set(ctx, as);
            }
            ctx.next();
        } catch (ApiException e) {
            ctx.fail(e);
        }
    }

    /** The user to serve the request as, or null when nothing is impersonated. */
    public UserInfo impersonated(UserInfo requester, String userName, List<String> groups, String uid) {
        boolean anyGroup = groups != null && !groups.isEmpty();
        if ((userName == null || userName.isEmpty()) && !anyGroup && (uid == null || uid.isEmpty())) {
            return null;
        }
        if (userName == null || userName.isEmpty()) {
            throw ApiException.badRequest("requested impersonation of groups or uid without impersonating a user");
        }
        String prefix = "system:serviceaccount:";
        String[] sa = userName.startsWith(prefix) ? userName.substring(prefix.length()).split(":", 2) : null;
        if (sa != null && sa.length == 2) {
            check(requester, "serviceaccounts", sa[0], sa[1]);
        } else {
            check(requester, "users", "", userName);
        }
        List<String> outGroups = new ArrayList<>();
        if (anyGroup) {
            for (String g : groups) {
                check(requester, "groups", "", g);
                outGroups.add(g);
            }
        }
        if (uid != null && !uid.isEmpty()) {
            check(requester, "uids", "", uid);
        }
        if (sa != null && sa.length == 2) {
            outGroups.add("system:serviceaccounts");
            outGroups.add("system:serviceaccounts:" + sa[0]);
        }
        if (!userName.equals("system:anonymous") && !outGroups.contains("system:authenticated")
                && !outGroups.contains("system:unauthenticated")) {
            outGroups.add("system:authenticated");
        }
        return new UserInfo(userName, uid == null ? "" : uid, List.copyOf(outGroups));
    }

    private void check(UserInfo requester, String resource, String namespace, String name) {
        RequestAttributes a = new RequestAttributes(requester, "impersonate", true, "", resource, "", namespace, name, "");
        Authorizer.Decision d = authorizer.authorize(a);
        if (!d.allowed()) {
            throw Forbidden.exception(a, d.reason());
        }
    }
}
