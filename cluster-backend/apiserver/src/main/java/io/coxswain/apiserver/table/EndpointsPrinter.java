package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Endpoints: NAME ENDPOINTS AGE, at most three addresses then "+ N more...". */
final class EndpointsPrinter implements RowPrinter {

    private static final int MAX = 3;

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Endpoints", "string", "The set of all endpoints is the union of all subsets. "
                    + "Addresses are placed into subsets according to the IPs they share."),
            Columns.AGE);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode ep, Instant now) {
        return List.of(Nodes.name(ep), format(ep), Columns.age(ep, now));
    }

    /** {@code formatEndpoints(endpoints, nil)}. */
    static String format(JsonNode ep) {
        List<JsonNode> subsets = Nodes.items(ep, "subsets");
        if (subsets.isEmpty()) {
            return "<none>";
        }
        List<String> list = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode ss : subsets) {
            List<JsonNode> addresses = Nodes.items(ss, "addresses");
            List<JsonNode> ports = Nodes.items(ss, "ports");
            if (ports.isEmpty()) {
                // headless services may have no ports
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (list.size() == MAX) {
                        more = true;
                        break;
                    }
                    list.add(Nodes.text(a, "ip"));
                }
                continue;
            }
            for (JsonNode port : ports) {
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (list.size() == MAX) {
                        more = true;
                        break;
                    }
                    list.add(joinHostPort(Nodes.text(a, "ip"), Nodes.integer(port, "port")));
                }
            }
        }
        String ret = String.join(",", list);
        return more ? ret + " + " + (count - MAX) + " more..." : ret;
    }

    private static String joinHostPort(String host, long port) {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
