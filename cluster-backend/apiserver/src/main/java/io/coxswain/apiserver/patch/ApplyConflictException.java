package io.coxswain.apiserver.patch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server-side apply that would change fields another manager owns (HTTP 409, reason Conflict, one
 * FieldManagerConflict cause per conflict). The message is Kubernetes's, word for word.
 */
public class ApplyConflictException extends RuntimeException {

    /**
     * @param manager     the owning manager's name
     * @param description how Kubernetes names it, such as {@code "kubectl-client-side-apply" using apps/v1}
     * @param field       the path, such as {@code .spec.replicas}
     */
    public record Conflict(String manager, String operation, String apiVersion, String description, String field) {

        /** The message of the Status cause. */
        public String causeMessage() {
            return "conflict with " + description;
        }
    }

    private final List<Conflict> conflicts;

    public ApplyConflictException(List<Conflict> conflicts) {
        super(message(conflicts));
        this.conflicts = List.copyOf(conflicts);
    }

    public List<Conflict> conflicts() {
        return conflicts;
    }

    static String message(List<Conflict> conflicts) {
        String head = "Apply failed with " + conflicts.size() + " conflict" + (conflicts.size() == 1 ? "" : "s") + ": ";
        if (conflicts.size() == 1) {
            Conflict c = conflicts.get(0);
            return head + "conflict with " + c.description() + ": " + c.field();
        }
        Map<String, List<String>> byManager = new LinkedHashMap<>();
        conflicts.stream().map(Conflict::description).sorted().distinct()
                .forEach(d -> byManager.put(d, new ArrayList<>()));
        conflicts.forEach(c -> byManager.get(c.description()).add(c.field()));
        List<String> lines = new ArrayList<>();
        byManager.forEach((manager, fields) -> {
            lines.add("conflicts with " + manager + ":");
            fields.forEach(f -> lines.add("- " + f));
        });
        return head + String.join("\n", lines);
    }
}
