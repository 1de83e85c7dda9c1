package io.coxswain.apiserver.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException.Cause;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.registry.ResourceStrategy;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's {@code pkg/registry/certificates/certificates/strategy.go}: the requestor's identity comes from the request,
 * never from the body; a new request has no status; the object's own update changes neither spec nor status, /status
 * only the certificate and conditions other than Approved/Denied, /approval only the conditions.
 */
public final class CsrStrategy implements ResourceStrategy {

    private static final List<String> REQUESTOR = List.of("username", "uid", "groups", "extra");

    private final Clock clock;

    public CsrStrategy() {
        this(Clock.systemUTC());
    }

    CsrStrategy(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void prepareForCreate(ObjectNode csr, UserInfo user) {
        ObjectNode spec = csr.with("spec");
        // the server itself (null) writes what it means; anyone else is who the request says
        if (user != null) {
            REQUESTOR.forEach(spec::remove);
            spec.put("username", user.name());
            if (!user.uid().isEmpty()) {
                spec.put("uid", user.uid());
            }
            if (!user.groups().isEmpty()) {
                ArrayNode groups = spec.putArray("groups");
                user.groups().forEach(groups::add);
            }
        }
        // nobody creates a request already approved or signed
        csr.remove("status");
    }

    @Override
    public void validate(ObjectNode csr) {
        CsrValidation.check(csr, CsrValidation.validateCreate(csr));
    }

    @Override
    public void prepareForUpdate(String subresource, ObjectNode current, ObjectNode next) {
        if (subresource == null) {
            // a changed spec is refused rather than dropped; the requestor fields are the server's, as on create
            CsrValidation.check(next, specChanges(current, next));
        }
        next.set("spec", current.path("spec").deepCopy());
        if (subresource == null) {
            copyStatus(current, next);
        } else if (subresource.equals("status")) {
            // Approved and Denied stay as they are: only /approval changes them
            List<JsonNode> wanted = new ArrayList<>();
            for (JsonNode c : next.path("status").path("conditions")) {
                String type = c.path("type").asText();
                if (!type.equals("Approved") && !type.equals("Denied")) {
                    wanted.add(c);
                }
            }
            wanted.addAll(CsrValidation.conditions(current, "Approved"));
            wanted.addAll(CsrValidation.conditions(current, "Denied"));
            setConditions(next, wanted);
            stampConditions(current, next);
        } else if (subresource.equals("approval")) {
            JsonNode conditions = next.path("status").path("conditions").deepCopy();
            copyStatus(current, next);
            List<JsonNode> wanted = new ArrayList<>();
            conditions.forEach(wanted::add);
            setConditions(next, wanted);
            stampConditions(current, next);
        }
    }

    @Override
    public void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
        CsrValidation.UpdatePath path = subresource == null ? CsrValidation.UpdatePath.MAIN
                : subresource.equals("approval") ? CsrValidation.UpdatePath.APPROVAL : CsrValidation.UpdatePath.STATUS;
        CsrValidation.check(next, CsrValidation.validateUpdate(next, current, path));
    }

    private static List<Cause> specChanges(JsonNode current, JsonNode sent) {
        ObjectNode was = current.path("spec").deepCopy();
        JsonNode now = sent.path("spec");
        if (now.isMissingNode()) {
            return List.of();
        }
        ObjectNode compared = now.isObject() ? ((ObjectNode) now).deepCopy() : null;
        if (compared != null) {
            REQUESTOR.forEach(f -> {
                compared.remove(f);
                was.remove(f);
            });
        }
        return was.equals(compared) ? List.of()
                : List.of(new Cause("FieldValueInvalid", "Invalid value: the spec of a CertificateSigningRequest: field is immutable", "spec"));
    }

    private static void copyStatus(ObjectNode current, ObjectNode next) {
        if (current.has("status")) {
            next.set("status", current.get("status").deepCopy());
        } else {
            next.remove("status");
        }
    }

    private static void setConditions(ObjectNode next, List<JsonNode> conditions) {
        if (conditions.isEmpty()) {
            if (next.path("status").isObject()) {
                ((ObjectNode) next.get("status")).remove("conditions");
            }
            return;
        }
        ArrayNode array = next.with("status").putArray("conditions");
        conditions.forEach(array::add);
    }

    /** populateConditionTimestamps: a condition without times gets now, or its old transition time when its status stayed. */
    private void stampConditions(ObjectNode current, ObjectNode next) {
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        for (JsonNode c : next.path("status").path("conditions")) {
            ObjectNode condition = (ObjectNode) c;
            if (condition.path("lastUpdateTime").asText("").isEmpty()) {
                condition.put("lastUpdateTime", now);
            }
            if (condition.path("lastTransitionTime").asText("").isEmpty()) {
                String since = now;
                for (JsonNode old : CsrValidation.conditions(current, condition.path("type").asText())) {
                    if (old.path("status").equals(condition.path("status")) && old.hasNonNull("lastTransitionTime")) {
                        since = old.get("lastTransitionTime").asText();
                    }
                }
                condition.put("lastTransitionTime", since);
            }
        }
    }
}
