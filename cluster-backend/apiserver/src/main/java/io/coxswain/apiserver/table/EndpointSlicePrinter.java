package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** discovery.k8s.io EndpointSlice: NAME ADDRESSTYPE PORTS ENDPOINTS AGE, each list cut at three then "+ N more...". */
final class EndpointSlicePrinter implements RowPrinter {

    private static final int MAX = 3;

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("AddressType", "string", "addressType specifies the type of address carried by this "
                    + "EndpointSlice. All addresses in this slice must be the same type."),
            ColumnDefinition.of("Ports", "string", "ports specifies the list of network ports exposed by each endpoint "
                    + "in this slice."),
            ColumnDefinition.of("Endpoints", "string", "endpoints is a list of unique endpoints in this slice."),
            Columns.AGE);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode slice, Instant now) {
        return List.of(Nodes.name(slice), slice.path("addressType").asText(""), ports(slice), endpoints(slice),
                Columns.age(slice, now));
    }

    /** {@code formatDiscoveryPorts}: a port's number, else its name, else "*". */
    static String ports(JsonNode slice) {
        List<String> list = new ArrayList<>();
        int count = 0;
        for (JsonNode port : Nodes.items(slice, "ports")) {
            if (list.size() < MAX) {
                list.add(port.hasNonNull("port") ? port.get("port").asText()
                        : port.hasNonNull("name") ? port.get("name").asText() : "*");
            }
            count++;
        }
        return withMore(list, count);
    }

    /** {@code formatDiscoveryEndpoints}: every address of every endpoint. */
    static String endpoints(JsonNode slice) {
        List<String> list = new ArrayList<>();
        int count = 0;
        for (JsonNode endpoint : Nodes.items(slice, "endpoints")) {
            for (JsonNode address : Nodes.items(endpoint, "addresses")) {
                if (list.size() < MAX) {
                    list.add(address.asText());
                }
                count++;
            }
        }
        return withMore(list, count);
    }

    /** {@code listWithMoreString}. */
    private static String withMore(List<String> list, int count) {
        String ret = String.join(",", list);
        if (count > MAX) {
            return ret + " + " + (count - MAX) + " more...";
        }
        return ret.isEmpty() ? "<unset>" : ret;
    }
}
