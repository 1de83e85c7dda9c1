package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.GroupVersionKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.coxswain.apiserver.table.Json.NOW;
import static io.coxswain.apiserver.table.Json.ago;
import static io.coxswain.apiserver.table.Json.parse;
import static org.assertj.core.api.Assertions.assertThat;

class TableConverterTest {

    private static final GroupVersionKind POD = GroupVersionKind.of("v1", "Pod");

    private static JsonNode pod(String name, String rv) {
        return parse("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "','namespace':'default',"
                + "'uid':'6f0e-" + name + "','resourceVersion':'" + rv + "','creationTimestamp':'" + ago(98) + "',"
                + "'labels':{'app':'web'},'managedFields':[{'manager':'kubectl','operation':'Update'}]},"
                + "'spec':{'nodeName':'node-1','containers':[{'name':'nginx','image':'nginx:1.26'}]},"
                + "'status':{'phase':'Running','podIPs':[{'ip':'10.244.0.70'}],"
                + "'conditions':[{'type':'Ready','status':'True'}],"
                + "'containerStatuses':[{'name':'nginx','ready':true,'restartCount':0,'state':{'running':{}}}]}}");
    }

    private static List<String> names(JsonNode columns) {
        List<String> out = new ArrayList<>();
        columns.forEach(c -> out.add(c.get("name").asText()));
        return out;
    }

    @Test
    void listTableShape() {
        ObjectNode table = TableConverter.toTable(POD, List.of(pod("web", "1140"), pod("api", "1141")), "1148",
                "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", NOW, true);

        assertThat(table.get("kind").asText()).isEqualTo("Table");
        assertThat(table.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(table.get("metadata")).isEqualTo(parse("{'resourceVersion':'1148',"
                + "'continue':'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ'}"));
        assertThat(names(table.get("columnDefinitions"))).containsExactly("Name", "Ready", "Status", "Restarts", "Age",
                "IP", "Node", "Nominated Node", "Readiness Gates");

        JsonNode name = table.get("columnDefinitions").get(0);
        assertThat(name.get("type").asText()).isEqualTo("string");
        assertThat(name.get("format").asText()).isEqualTo("name");
        assertThat(name.get("priority").asInt()).isZero();
        assertThat(name.get("description").asText()).startsWith("Name must be unique within a namespace.");
        JsonNode ip = table.get("columnDefinitions").get(5);
        assertThat(ip.get("priority").asInt()).isEqualTo(1);
        assertThat(ip.get("format").asText()).isEmpty();

        assertThat(table.get("rows")).hasSize(2);
        JsonNode row = table.get("rows").get(0);
        assertThat(row.get("cells")).isEqualTo(parse("['web','1/1','Running','0','98s','10.244.0.70','node-1',"
                + "'<none>','<none>']"));
        assertThat(row.has("conditions")).isFalse();
        JsonNode object = row.get("object");
        assertThat(object.get("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(object.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(object.get("metadata").get("namespace").asText()).isEqualTo("default");
        assertThat(object.get("metadata").get("labels")).isEqualTo(parse("{'app':'web'}"));
        assertThat(object.get("metadata").get("uid").asText()).isEqualTo("6f0e-web");
        assertThat(object.has("spec")).isFalse();
    }

    @Test
    void emptyMetadataFieldsAreLeftOut() {
        ObjectNode table = TableConverter.toTable(POD, List.of(), "7", null, NOW, true);
        assertThat(table.get("metadata")).isEqualTo(parse("{'resourceVersion':'7'}"));
        assertThat(table.get("rows")).isEmpty();
        assertThat(table.get("columnDefinitions")).hasSize(9);
    }

    @Test
    void withoutIncludeObjectRowsCarryOnlyCells() {
        ObjectNode table = TableConverter.toTable(POD, List.of(pod("web", "1")), "2", "", NOW, false);
        assertThat(table.get("rows").get(0).has("object")).isFalse();
        assertThat(table.get("metadata").has("continue")).isFalse();
    }

    @Test
    void includeObjectPolicies() {
        assertThat(TableConverter.IncludeObject.fromQuery(null)).isEqualTo(TableConverter.IncludeObject.METADATA);
        assertThat(TableConverter.IncludeObject.fromQuery("Object")).isEqualTo(TableConverter.IncludeObject.OBJECT);
        assertThat(TableConverter.IncludeObject.fromQuery("None")).isEqualTo(TableConverter.IncludeObject.NONE);
        assertThat(TableConverter.IncludeObject.fromQuery("all")).isNull();

        JsonNode web = pod("web", "1");
        ObjectNode full = TableConverter.toTable(POD, List.of(web), "1", null, 3L, NOW,
                TableConverter.IncludeObject.OBJECT, true);
        assertThat(full.get("rows").get(0).get("object")).isEqualTo(web);
        assertThat(full.get("metadata").get("remainingItemCount").asLong()).isEqualTo(3);
    }

    @Test
    void partialObjectMetadataDoesNotAliasTheStoredObject() {
        JsonNode web = pod("web", "1");
        ObjectNode partial = TableConverter.partialObjectMetadata(web);
        ((ObjectNode) partial.get("metadata")).put("name", "changed");
        assertThat(web.get("metadata").get("name").asText()).isEqualTo("web");
        assertThat(TableConverter.partialObjectMetadata(parse("{}")).get("metadata")).isEmpty();
    }

    @Test
    void singleObjectTableUsesTheObjectsResourceVersion() {
        ObjectNode table = TableConverter.toTable(POD, pod("web", "1140"), NOW, true);
        assertThat(table.get("metadata")).isEqualTo(parse("{'resourceVersion':'1140'}"));
        assertThat(table.get("rows")).hasSize(1);
        assertThat(table.get("rows").get(0).get("cells").get(0).asText()).isEqualTo("web");
        assertThat(table.get("columnDefinitions")).hasSize(9);
    }

    @Test
    void watchEventTables() {
        ObjectNode first = TableConverter.toWatchEventTable(POD, pod("web", "1146"), NOW, true, true);
        assertThat(first.get("metadata").get("resourceVersion").asText()).isEqualTo("1146");
        assertThat(first.get("columnDefinitions")).hasSize(9);
        assertThat(first.get("rows")).hasSize(1);
        assertThat(first.get("rows").get(0).get("object").get("kind").asText()).isEqualTo("PartialObjectMetadata");

        ObjectNode later = TableConverter.toWatchEventTable(POD, pod("web", "1147"), NOW, true, false);
        assertThat(later.has("columnDefinitions")).isTrue();
        assertThat(later.get("columnDefinitions").isNull()).isTrue();
        assertThat(later.get("rows")).hasSize(1);
    }

    @Test
    void finishedPodRowsCarryCompletedCondition() {
        JsonNode done = parse("{'metadata':{'name':'job-x'},'spec':{'containers':[{'name':'a'}]},"
                + "'status':{'phase':'Succeeded'}}");
        JsonNode row = TableConverter.toTable(POD, done, NOW, false).get("rows").get(0);
        assertThat(row.get("conditions")).isEqualTo(parse("[{'type':'Completed','status':'True',"
                + "'reason':'Succeeded','message':'The pod has completed successfully.'}]"));
    }

    @Test
    void cellTypesSerialiseAsJsonNumbersAndStrings() {
        JsonNode rs = parse("{'metadata':{'name':'rs'},'spec':{'replicas':2,'template':{'spec':{'containers':[]}}},"
                + "'status':{'replicas':2,'readyReplicas':1}}");
        JsonNode cells = TableConverter.toTable(GroupVersionKind.of("apps/v1", "ReplicaSet"), rs, NOW, false)
                .get("rows").get(0).get("cells");
        assertThat(cells.get(1).isIntegralNumber()).isTrue();
        assertThat(cells.get(1).asLong()).isEqualTo(2);
        assertThat(cells.get(4).asText()).isEqualTo("<unknown>");
        assertThat(cells.get(5).asText()).isEmpty();
    }

    @Test
    void columnHeadersPerKind() {
        assertThat(headers("v1", "Service")).containsExactly("Name", "Type", "Cluster-IP", "External-IP", "Port(s)",
                "Age", "Selector*");
        assertThat(headers("apps/v1", "ReplicaSet")).containsExactly("Name", "Desired", "Current", "Ready", "Age",
                "Containers*", "Images*", "Selector*");
        assertThat(headers("apps/v1", "Deployment")).containsExactly("Name", "Ready", "Up-to-date", "Available",
                "Age", "Containers*", "Images*", "Selector*");
        assertThat(headers("batch/v1", "Job")).containsExactly("Name", "Status", "Completions", "Duration", "Age",
                "Containers*", "Images*", "Selector*");
        assertThat(headers("batch/v1", "CronJob")).containsExactly("Name", "Schedule", "Timezone", "Suspend",
                "Active", "Last Schedule", "Age", "Containers*", "Images*", "Selector*");
        assertThat(headers("v1", "Namespace")).containsExactly("Name", "Status", "Age");
        assertThat(headers("v1", "ConfigMap")).containsExactly("Name", "Data", "Age");
        assertThat(headers("v1", "Node")).containsExactly("Name", "Status", "Roles", "Age", "Version",
                "Internal-IP*", "External-IP*", "OS-Image*", "Kernel-Version*", "Container-Runtime*");
        assertThat(headers("v1", "Endpoints")).containsExactly("Name", "Endpoints", "Age");
        assertThat(headers("v1", "Event")).containsExactly("Last Seen", "Type", "Reason", "Object", "Subobject*",
                "Source*", "Message", "First Seen*", "Count*", "Name*");
        assertThat(headers("coordination.k8s.io/v1", "Lease")).containsExactly("Name", "Holder", "Age");
        assertThat(headers("rbac.authorization.k8s.io/v1", "ClusterRole")).containsExactly("Name", "Created At");
        assertThat(headers("rbac.authorization.k8s.io/v1", "RoleBinding")).containsExactly("Name", "Role", "Age", "Users*",
                "Groups*", "ServiceAccounts*");
        assertThat(headers("policy/v1", "PodDisruptionBudget")).as("a kind without a printer").containsExactly("Name", "Age");
    }

    @Test
    void everyPrinterFillsEveryColumnAndNamesTheNameColumn() {
        String[][] kinds = {{"v1", "Pod"}, {"v1", "Service"}, {"apps/v1", "ReplicaSet"}, {"apps/v1", "Deployment"},
                {"batch/v1", "Job"}, {"batch/v1", "CronJob"}, {"v1", "Namespace"}, {"v1", "ConfigMap"},
                {"v1", "Node"}, {"v1", "Endpoints"}, {"v1", "Event"}, {"coordination.k8s.io/v1", "Lease"},
                {"apps/v1", "DaemonSet"}, {"apps/v1", "StatefulSet"}, {"v1", "Secret"}, {"v1", "ServiceAccount"},
                {"example.com/v1", "Widget"}};
        for (String[] k : kinds) {
            GroupVersionKind gvk = GroupVersionKind.of(k[0], k[1]);
            ObjectNode table = TableConverter.toTable(gvk, List.of(parse("{'metadata':{'name':'x'}}")), "1", null,
                    NOW, true);
            int columns = table.get("columnDefinitions").size();
            assertThat(table.get("rows").get(0).get("cells")).as(gvk.toString()).hasSize(columns);
            List<JsonNode> nameColumns = new ArrayList<>();
            table.get("columnDefinitions").forEach(c -> {
                if ("name".equals(c.get("format").asText())) {
                    nameColumns.add(c);
                }
            });
            assertThat(nameColumns).as(gvk.toString()).hasSize(1);
            assertThat(nameColumns.get(0).get("name").asText()).isEqualTo("Name");
        }
    }

    /** Column names, wide-only ones marked with "*". */
    private static List<String> headers(String apiVersion, String kind) {
        List<String> out = new ArrayList<>();
        for (ColumnDefinition c : TableConverter.columnsFor(GroupVersionKind.of(apiVersion, kind))) {
            out.add(c.priority() == 1 ? c.name() + "*" : c.name());
        }
        return out;
    }
}
