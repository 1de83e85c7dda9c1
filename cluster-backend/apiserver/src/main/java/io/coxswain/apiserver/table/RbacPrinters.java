package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** rbac.authorization.k8s.io: Role and ClusterRole as NAME CREATED AT; the bindings as NAME ROLE AGE (wide: who). */
final class RbacPrinters {

    private RbacPrinters() {
    }

    /** Role, ClusterRole. */
    static final class RolePrinter implements RowPrinter {

        private static final List<ColumnDefinition> COLUMNS = List.of(Columns.NAME,
                new ColumnDefinition("Created At", "date", "", Columns.CREATION_TIMESTAMP_DESCRIPTION, 0));

        @Override
        public List<ColumnDefinition> columns() {
            return COLUMNS;
        }

        @Override
        public List<Object> cells(JsonNode role, Instant now) {
            return Arrays.asList(Nodes.name(role), Nodes.creationTimestamp(role));
        }
    }

    /** RoleBinding, ClusterRoleBinding. */
    static final class BindingPrinter implements RowPrinter {

        private static final List<ColumnDefinition> COLUMNS = List.of(Columns.NAME,
                ColumnDefinition.of("Role", "string", "RoleRef references the role that the binding grants."),
                Columns.AGE,
                ColumnDefinition.wide("Users", "string", "The users the binding grants the role to."),
                ColumnDefinition.wide("Groups", "string", "The groups the binding grants the role to."),
                ColumnDefinition.wide("ServiceAccounts", "string", "The service accounts the binding grants the role to."));

        @Override
        public List<ColumnDefinition> columns() {
            return COLUMNS;
        }

        @Override
        public List<Object> cells(JsonNode binding, Instant now) {
            List<String> users = new ArrayList<>();
            List<String> groups = new ArrayList<>();
            List<String> accounts = new ArrayList<>();
            for (JsonNode s : Nodes.items(binding, "subjects")) {
                String name = s.path("name").asText();
                switch (s.path("kind").asText()) {
                    case "User" -> users.add(name);
                    case "Group" -> groups.add(name);
                    case "ServiceAccount" -> accounts.add(s.path("namespace").asText("") + "/" + name);
                    default -> {
                    }
                }
            }
            return Arrays.asList(Nodes.name(binding), Nodes.text(binding, "roleRef", "kind") + "/" + Nodes.text(binding, "roleRef", "name"),
                    Columns.age(binding, now), String.join(", ", users), String.join(", ", groups), String.join(", ", accounts));
        }
    }
}
