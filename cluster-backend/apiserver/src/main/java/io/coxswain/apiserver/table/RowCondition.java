package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A {@code TableRowCondition}; the printers only ever emit {@code Completed} (for finished pods). */
public record RowCondition(String type, String status, String reason, String message) {

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", type);
        n.put("status", status);
        if (reason != null && !reason.isEmpty()) {
            n.put("reason", reason);
        }
        if (message != null && !message.isEmpty()) {
            n.put("message", message);
        }
        return n;
    }
}
