package io.coxswain.apiserver.http;

import io.coxswain.api.health.HealthEndpoints;
import io.vertx.core.Context;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers /healthz, /livez, /readyz and their single checks; the checks run off the event loop, the answer is written on it. */
final class HealthReplies {

    private static final Logger LOG = LoggerFactory.getLogger(HealthReplies.class);

    private HealthReplies() {
    }

    static void reply(RoutingContext ctx, HealthEndpoints health) {
        Context context = ctx.vertx().getOrCreateContext();
        var answer = health.answer(ctx.request().path(), ctx.queryParams().contains("verbose"), ctx.queryParams().getAll("exclude"));
        if (answer == null) {
            ctx.next();
            return;
        }
        answer.whenComplete((a, error) -> context.runOnContext(v -> {
            if (error != null) {
                Responses.error(ctx, error);
                return;
            }
            if (!a.failures().isEmpty()) {
                // the public answer withholds the reasons; the log has them, as kube-apiserver's at --v=2
                LOG.debug("{} failed: {}", ctx.request().path(), a.failures());
            }
            ctx.response().setStatusCode(a.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader("X-Content-Type-Options", "nosniff").end(a.body());
        }));
    }
}
