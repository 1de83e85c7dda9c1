package io.coxswain.apiserver.auth;

/** Decides whether a request may go on. Implementations never block the event loop: they read caches. */
public interface Authorizer {

    record Decision(boolean allowed, String reason) {
        public static final Decision ALLOW = new Decision(true, "");
    }

    Decision authorize(RequestAttributes attributes);

    /** Everything allowed: the server without team mode. */
    Authorizer ALLOW_ALL = attributes -> Decision.ALLOW;
}
