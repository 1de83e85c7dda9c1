package io.coxswain.apiserver.table;

import io.coxswain.schemas.GroupVersionKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.coxswain.apiserver.table.Json.NOW;
import static io.coxswain.apiserver.table.Json.ago;
import static io.coxswain.apiserver.table.Json.parse;
import static org.assertj.core.api.Assertions.assertThat;

/** EndpointSlice rows as kube's printEndpointSlice makes them. */
class EndpointSlicePrinterTest {

    private static List<Object> cells(String json) {
        return PrinterRegistry.defaults().printerFor(GroupVersionKind.of("discovery.k8s.io/v1", "EndpointSlice")).cells(parse(json), NOW);
    }

    @Test
    void columnsAreKubes() {
        assertThat(PrinterRegistry.defaults().printerFor(GroupVersionKind.of("discovery.k8s.io/v1", "EndpointSlice")).columns())
                .extracting(ColumnDefinition::name).containsExactly("Name", "AddressType", "Ports", "Endpoints", "Age");
    }

    @Test
    void listsCutAtThreeWithTheRestCounted() {
        var cells = cells("{'metadata':{'name':'web-abcde','creationTimestamp':'" + ago(65) + "'},'addressType':'IPv4',"
                + "'ports':[{'name':'http','port':80},{'name':'named'},{},{'port':443}],"
                + "'endpoints':[{'addresses':['10.0.0.1']},{'addresses':['10.0.0.2','10.0.0.3']},{'addresses':['10.0.0.4']},"
                + "{'addresses':['10.0.0.5']}]}");
        assertThat(cells).containsExactly("web-abcde", "IPv4", "80,named,* + 1 more...", "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...", "65s");
    }

    @Test
    void emptyListsAreUnset() {
        var cells = cells("{'metadata':{'name':'web-x','creationTimestamp':'" + ago(5) + "'},'addressType':'IPv6','endpoints':[]}");
        assertThat(cells).containsExactly("web-x", "IPv6", "<unset>", "<unset>", "5s");
    }
}
