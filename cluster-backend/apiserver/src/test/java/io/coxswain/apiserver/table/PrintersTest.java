package io.coxswain.apiserver.table;

import io.coxswain.schemas.GroupVersionKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.coxswain.apiserver.table.Json.NOW;
import static io.coxswain.apiserver.table.Json.ago;
import static io.coxswain.apiserver.table.Json.parse;
import static org.assertj.core.api.Assertions.assertThat;

/** Cell values per kind, as kube-apiserver 1.32 prints them (wide columns included). */
class PrintersTest {

    private static List<Object> cells(String apiVersion, String kind, String json) {
        return PrinterRegistry.defaults().printerFor(GroupVersionKind.of(apiVersion, kind)).cells(parse(json), NOW);
    }

    @Test
    void pod() {
        var cells = cells("v1", "Pod", "{'metadata':{'name':'web','namespace':'default','creationTimestamp':'"
                + ago(98) + "'},'spec':{'nodeName':'node-1','containers':[{'name':'nginx','image':'nginx:1.26'}]},"
                + "'status':{'phase':'Running','podIP':'10.244.0.70','podIPs':[{'ip':'10.244.0.70'}],"
                + "'conditions':[{'type':'Ready','status':'True'}],"
                + "'containerStatuses':[{'name':'nginx','ready':true,'restartCount':0,'state':{'running':{}}}]}}");
        assertThat(cells).containsExactly("web", "1/1", "Running", "0", "98s", "10.244.0.70", "node-1", "<none>",
                "<none>");
    }

    @Test
    void pendingPodWideColumnsAndReadinessGates() {
        var cells = cells("v1", "Pod", "{'metadata':{'name':'p','creationTimestamp':'" + ago(3) + "'},"
                + "'spec':{'containers':[{'name':'a'}],'readinessGates':[{'conditionType':'example.com/lb'},"
                + "{'conditionType':'example.com/dns'}]},'status':{'phase':'Pending','nominatedNodeName':'node-2',"
                + "'conditions':[{'type':'example.com/lb','status':'True'},{'type':'example.com/dns','status':'False'}]}}");
        assertThat(cells).containsExactly("p", "0/1", "Pending", "0", "3s", "<none>", "<none>", "node-2", "1/2");
    }

    @Test
    void podRowConditionsMarkFinishedPods() {
        var printer = PrinterRegistry.defaults().printerFor(GroupVersionKind.of("v1", "Pod"));
        assertThat(printer.conditions(parse("{'status':{'phase':'Succeeded'}}")))
                .extracting(RowCondition::type, RowCondition::reason).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Completed", "Succeeded"));
        assertThat(printer.conditions(parse("{'status':{'phase':'Failed'}}"))).hasSize(1);
        assertThat(printer.conditions(parse("{'status':{'phase':'Running'}}"))).isEmpty();
    }

    @Test
    void clusterIpService() {
        var cells = cells("v1", "Service", "{'metadata':{'name':'web','creationTimestamp':'" + ago(3 * 86400) + "'},"
                + "'spec':{'type':'ClusterIP','clusterIP':'10.96.12.4','clusterIPs':['10.96.12.4'],"
                + "'selector':{'tier':'frontend','app':'web'},'ports':[{'port':80,'protocol':'TCP','targetPort':8080},"
                + "{'name':'dns','port':53,'protocol':'UDP'}]}}");
        assertThat(cells).containsExactly("web", "ClusterIP", "10.96.12.4", "<none>", "80/TCP,53/UDP", "3d",
                "app=web,tier=frontend");
    }

    @Test
    void nodePortAndHeadlessServices() {
        var nodePort = cells("v1", "Service", "{'metadata':{'name':'np'},'spec':{'type':'NodePort',"
                + "'clusterIPs':['10.96.0.20'],'externalIPs':['192.0.2.10'],"
                + "'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'}]}}");
        assertThat(nodePort).containsExactly("np", "NodePort", "10.96.0.20", "192.0.2.10", "80:30080/TCP",
                "<unknown>", "<none>");

        var headless = cells("v1", "Service", "{'metadata':{'name':'db'},'spec':{'clusterIP':'None',"
                + "'clusterIPs':['None'],'ports':[{'port':5432}],'selector':{'app':'db'}}}");
        assertThat(headless.subList(0, 5)).containsExactly("db", "ClusterIP", "None", "<none>", "5432/TCP");
    }

    @Test
    void loadBalancerAndExternalNameServices() {
        String lb = "{'metadata':{'name':'lb'},'spec':{'type':'LoadBalancer','clusterIPs':['10.96.0.30'],"
                + "'ports':[{'port':443,'nodePort':31443,'protocol':'TCP'}]}%s}";
        assertThat(cells("v1", "Service", lb.formatted("")).get(3)).isEqualTo("<pending>");
        assertThat(cells("v1", "Service", lb.formatted(",'status':{'loadBalancer':{'ingress':["
                + "{'ip':'203.0.113.7'},{'hostname':'lb.example.com'}]}}")).get(3))
                .isEqualTo("203.0.113.7,lb.example.com");
        assertThat(cells("v1", "Service", lb.formatted("")).get(4)).isEqualTo("443:31443/TCP");

        var ext = cells("v1", "Service", "{'metadata':{'name':'ext'},'spec':{'type':'ExternalName',"
                + "'externalName':'db.example.com'}}");
        assertThat(ext.subList(0, 5)).containsExactly("ext", "ExternalName", "<none>", "db.example.com", "<none>");
    }

    private static final String TEMPLATE = "'template':{'metadata':{'labels':{'app':'api'}},'spec':{'containers':["
            + "{'name':'api','image':'ghcr.io/acme/api:2.1'},{'name':'proxy','image':'envoyproxy/envoy:v1.31'}]}}";

    @Test
    void replicaSet() {
        var cells = cells("apps/v1", "ReplicaSet", "{'metadata':{'name':'api-7d9f8b6c5','creationTimestamp':'"
                + ago(18360) + "'},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'api',"
                + "'pod-template-hash':'7d9f8b6c5'}}," + TEMPLATE + "},'status':{'replicas':3,'readyReplicas':2}}");
        assertThat(cells).containsExactly("api-7d9f8b6c5", 3L, 3L, 2L, "5h6m", "api,proxy",
                "ghcr.io/acme/api:2.1,envoyproxy/envoy:v1.31", "app=api,pod-template-hash=7d9f8b6c5");
    }

    @Test
    void replicationControllerPrintsItsMapSelector() {
        var cells = cells("v1", "ReplicationController", "{'metadata':{'name':'web','creationTimestamp':'" + ago(90)
                + "'},'spec':{'replicas':3,'selector':{'tier':'front','app':'api'}," + TEMPLATE + "},"
                + "'status':{'replicas':2,'readyReplicas':1}}");
        assertThat(cells).containsExactly("web", 3L, 2L, 1L, "90s", "api,proxy",
                "ghcr.io/acme/api:2.1,envoyproxy/envoy:v1.31", "app=api,tier=front");
        var fresh = cells("v1", "ReplicationController", "{'metadata':{'name':'f'},'spec':{" + TEMPLATE + "}}");
        assertThat(fresh.subList(0, 4)).containsExactly("f", 1L, 0L, 0L);
        assertThat(fresh.get(7)).isEqualTo("<none>");
    }

    @Test
    void deployment() {
        var cells = cells("apps/v1", "Deployment", "{'metadata':{'name':'api','creationTimestamp':'" + ago(600)
                + "'},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'api'},'matchExpressions':["
                + "{'key':'env','operator':'In','values':['staging','prod']},{'key':'canary','operator':'DoesNotExist'}]},"
                + TEMPLATE + "},'status':{'replicas':3,'updatedReplicas':3,'readyReplicas':2,'availableReplicas':2}}");
        assertThat(cells).containsExactly("api", "2/3", 3L, 2L, "10m", "api,proxy",
                "ghcr.io/acme/api:2.1,envoyproxy/envoy:v1.31", "app=api,!canary,env in (prod,staging)");
    }

    @Test
    void freshDeploymentWithoutStatus() {
        var cells = cells("apps/v1", "Deployment", "{'metadata':{'name':'d'},'spec':{'selector':{'matchLabels':"
                + "{'app':'d'}},'template':{'spec':{'containers':[{'name':'c','image':'i'}]}}}}");
        assertThat(cells.subList(0, 4)).containsExactly("d", "0/1", 0L, 0L);
    }

    @Test
    void jobStatusesCompletionsAndDuration() {
        String base = "{'metadata':{'name':'pi','creationTimestamp':'" + ago(400) + "'%s},'spec':{%s"
                + "'selector':{'matchLabels':{'batch.kubernetes.io/controller-uid':'abc'}},"
                + "'template':{'spec':{'containers':[{'name':'pi','image':'perl:5.34'}]}}},'status':{%s}}";
        var complete = cells("batch/v1", "Job", base.formatted("", "'completions':1,'parallelism':1,",
                "'succeeded':1,'startTime':'" + ago(400) + "','completionTime':'" + ago(388) + "',"
                        + "'conditions':[{'type':'SuccessCriteriaMet','status':'True'},{'type':'Complete','status':'True'}]"));
        assertThat(complete).containsExactly("pi", "Complete", "1/1", "12s", "6m40s", "pi", "perl:5.34",
                "batch.kubernetes.io/controller-uid=abc");

        var running = cells("batch/v1", "Job", base.formatted("", "'completions':5,",
                "'succeeded':2,'active':1,'startTime':'" + ago(200) + "'"));
        assertThat(running.subList(1, 4)).containsExactly("Running", "2/5", "3m20s");

        var workQueue = cells("batch/v1", "Job", base.formatted("", "'parallelism':4,", "'active':4"));
        assertThat(workQueue.subList(1, 4)).containsExactly("Running", "0/1 of 4", "");

        var failed = cells("batch/v1", "Job", base.formatted("", "'completions':1,",
                "'failed':6,'conditions':[{'type':'FailureTarget','status':'True'},{'type':'Failed','status':'True',"
                        + "'reason':'BackoffLimitExceeded'}]"));
        assertThat(failed.get(1)).isEqualTo("Failed");

        var failureTarget = cells("batch/v1", "Job", base.formatted("", "'completions':1,",
                "'conditions':[{'type':'FailureTarget','status':'True'}]"));
        assertThat(failureTarget.get(1)).isEqualTo("FailureTarget");

        var suspended = cells("batch/v1", "Job", base.formatted("", "'completions':1,'suspend':true,",
                "'conditions':[{'type':'Suspended','status':'True'}]"));
        assertThat(suspended.get(1)).isEqualTo("Suspended");

        var terminating = cells("batch/v1", "Job", base.formatted(",'deletionTimestamp':'" + ago(1) + "'",
                "'completions':1,", "'conditions':[{'type':'Suspended','status':'True'}]"));
        assertThat(terminating.get(1)).isEqualTo("Terminating");
    }

    @Test
    void cronJob() {
        var cells = cells("batch/v1", "CronJob", "{'metadata':{'name':'backup','creationTimestamp':'"
                + ago(40 * 86400) + "'},'spec':{'schedule':'*/5 * * * *','timeZone':'Europe/Berlin','suspend':false,"
                + "'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'backup','image':'restic:0.17'}]}}}}},"
                + "'status':{'active':[{'kind':'Job','name':'backup-29010'}],'lastScheduleTime':'" + ago(65) + "'}}");
        assertThat(cells).containsExactly("backup", "*/5 * * * *", "Europe/Berlin", "false", 1L, "65s", "40d",
                "backup", "restic:0.17", "<none>");

        var never = cells("batch/v1", "CronJob", "{'metadata':{'name':'n'},'spec':{'schedule':'@hourly',"
                + "'jobTemplate':{'spec':{'template':{'spec':{'containers':[]}}}}}}");
        assertThat(never.subList(0, 6)).containsExactly("n", "@hourly", "<none>", "<unset>", 0L, "<none>");
    }

    @Test
    void namespaceAndConfigMap() {
        assertThat(cells("v1", "Namespace", "{'metadata':{'name':'kube-system','creationTimestamp':'"
                + ago(2 * 365 * 86400) + "'},'status':{'phase':'Active'}}"))
                .containsExactly("kube-system", "Active", "2y");
        assertThat(cells("v1", "Namespace", "{'metadata':{'name':'old','deletionTimestamp':'" + ago(1)
                + "'},'status':{'phase':'Terminating'}}").get(1)).isEqualTo("Terminating");
        assertThat(cells("v1", "ConfigMap", "{'metadata':{'name':'cfg','creationTimestamp':'" + ago(45) + "'},"
                + "'data':{'a':'1','b':'2'},'binaryData':{'logo.png':'iVBORw0KGgo='}}"))
                .containsExactly("cfg", 3L, "45s");
        assertThat(cells("v1", "ConfigMap", "{'metadata':{'name':'empty'}}")).containsExactly("empty", 0L,
                "<unknown>");
    }

    @Test
    void node() {
        var cells = cells("v1", "Node", "{'metadata':{'name':'cp-1','creationTimestamp':'" + ago(9 * 86400) + "',"
                + "'labels':{'node-role.kubernetes.io/control-plane':'','node-role.kubernetes.io/etcd':'',"
                + "'kubernetes.io/role':'master','kubernetes.io/hostname':'cp-1'}},"
                + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'MemoryPressure','status':'False'},"
                + "{'type':'Ready','status':'True'}],'addresses':[{'type':'Hostname','address':'cp-1'},"
                + "{'type':'InternalIP','address':'172.18.0.2'}],'nodeInfo':{'kubeletVersion':'v1.32.4',"
                + "'osImage':'Debian GNU/Linux 12 (bookworm)','kernelVersion':'6.8.0-45-generic',"
                + "'containerRuntimeVersion':'containerd://1.7.18'}}}");
        assertThat(cells).containsExactly("cp-1", "Ready,SchedulingDisabled", "control-plane,etcd,master", "9d",
                "v1.32.4", "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.8.0-45-generic",
                "containerd://1.7.18");

        var bare = cells("v1", "Node", "{'metadata':{'name':'w'},'status':{'conditions':["
                + "{'type':'Ready','status':'Unknown'}]}}");
        assertThat(bare).containsExactly("w", "NotReady", "<none>", "<unknown>", "", "<none>", "<none>",
                "<unknown>", "<unknown>", "<unknown>");
        assertThat(cells("v1", "Node", "{'metadata':{'name':'x'}}").get(1)).isEqualTo("Unknown");
    }

    @Test
    void endpoints() {
        assertThat(cells("v1", "Endpoints", "{'metadata':{'name':'none'}}").get(1)).isEqualTo("<none>");
        assertThat(cells("v1", "Endpoints", "{'metadata':{'name':'web'},'subsets':[{'addresses':["
                + "{'ip':'10.244.0.5'},{'ip':'10.244.0.6'}],'ports':[{'port':8080,'protocol':'TCP'}]}]}").get(1))
                .isEqualTo("10.244.0.5:8080,10.244.0.6:8080");
        assertThat(cells("v1", "Endpoints", "{'metadata':{'name':'many'},'subsets':[{'addresses':["
                + "{'ip':'10.0.0.1'},{'ip':'10.0.0.2'}],'ports':[{'name':'http','port':80},{'name':'https','port':443}]},"
                + "{'addresses':[{'ip':'fd00::1'}]}]}").get(1))
                .isEqualTo("10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...");
        assertThat(cells("v1", "Endpoints", "{'metadata':{'name':'v6'},'subsets':[{'addresses':[{'ip':'fd00::1'}],"
                + "'ports':[{'port':53}]}]}").get(1)).isEqualTo("[fd00::1]:53");
        assertThat(cells("v1", "Endpoints", "{'metadata':{'name':'notready'},'subsets':[{'notReadyAddresses':["
                + "{'ip':'10.0.0.9'}],'ports':[{'port':80}]}]}").get(1)).isEqualTo("");
    }

    @Test
    void event() {
        var cells = cells("v1", "Event", "{'metadata':{'name':'web.17f2a','namespace':'default'},"
                + "'involvedObject':{'kind':'Pod','name':'web','fieldPath':'spec.containers{nginx}'},"
                + "'reason':'Pulled','message':'Successfully pulled image \"nginx:1.26\"\\n','type':'Normal',"
                + "'source':{'component':'kubelet','host':'node-1'},'firstTimestamp':'" + ago(3600) + "',"
                + "'lastTimestamp':'" + ago(120) + "','count':4}");
        assertThat(cells).containsExactly("2m", "Normal", "Pulled", "pod/web", "spec.containers{nginx}",
                "kubelet, node-1", "Successfully pulled image \"nginx:1.26\"", "60m", 4L, "web.17f2a");
    }

    @Test
    void newStyleEventWithSeriesAndEventTime() {
        var cells = cells("v1", "Event", "{'metadata':{'name':'e'},'involvedObject':{'kind':'Node'},"
                + "'reason':'Rebooted','message':'m','type':'Warning','eventTime':'2025-03-10T11:00:00.000000Z',"
                + "'reportingComponent':'kubelet','reportingInstance':'node-9',"
                + "'series':{'count':7,'lastObservedTime':'2025-03-10T11:59:00.500000Z'}}");
        assertThat(cells).containsExactly("59s", "Warning", "Rebooted", "node", "", "kubelet, node-9", "m", "60m",
                7L, "e");

        var singleton = cells("v1", "Event", "{'metadata':{'name':'s'},'involvedObject':{'kind':'Pod','name':'p'},"
                + "'eventTime':'" + ago(30) + "','reportingComponent':'scheduler'}");
        assertThat(singleton.get(0)).isEqualTo("30s");
        assertThat(singleton.get(5)).isEqualTo("scheduler");
        assertThat(singleton.get(8)).isEqualTo(1L);
    }

    @Test
    void lease() {
        assertThat(cells("coordination.k8s.io/v1", "Lease", "{'metadata':{'name':'kube-scheduler',"
                + "'creationTimestamp':'" + ago(14400) + "'},'spec':{'holderIdentity':'cp-1_5f1c',"
                + "'leaseDurationSeconds':15}}")).containsExactly("kube-scheduler", "cp-1_5f1c", "4h");
        assertThat(cells("coordination.k8s.io/v1", "Lease", "{'metadata':{'name':'free'}}").get(1)).isEqualTo("");
    }

    @Test
    void extraWorkloadKinds() {
        assertThat(cells("apps/v1", "StatefulSet", "{'metadata':{'name':'db','creationTimestamp':'" + ago(60)
                + "'},'spec':{'replicas':3," + TEMPLATE + "},'status':{'readyReplicas':1}}"))
                .containsExactly("db", "1/3", "60s", "api,proxy", "ghcr.io/acme/api:2.1,envoyproxy/envoy:v1.31");
        assertThat(cells("apps/v1", "DaemonSet", "{'metadata':{'name':'fluentd','creationTimestamp':'" + ago(60)
                + "'},'spec':{'selector':{'matchLabels':{'app':'fluentd'}},'template':{'spec':{"
                + "'nodeSelector':{'kubernetes.io/os':'linux'},'containers':[{'name':'f','image':'fluentd:v1'}]}}},"
                + "'status':{'desiredNumberScheduled':3,'currentNumberScheduled':3,'numberReady':2,"
                + "'updatedNumberScheduled':3,'numberAvailable':2}}"))
                .containsExactly("fluentd", 3L, 3L, 2L, 3L, 2L, "kubernetes.io/os=linux", "60s", "f", "fluentd:v1",
                        "app=fluentd");
        assertThat(cells("v1", "Secret", "{'metadata':{'name':'tls'},'type':'kubernetes.io/tls',"
                + "'data':{'tls.crt':'eA==','tls.key':'eQ=='}}")).containsExactly("tls", "kubernetes.io/tls", 2L,
                "<unknown>");
        assertThat(cells("v1", "ServiceAccount", "{'metadata':{'name':'default'}}"))
                .containsExactly("default", 0L, "<unknown>");
    }

    @Test
    void unknownKindsGetNameAndAge() {
        assertThat(cells("example.com/v1", "Widget", "{'metadata':{'name':'w1','creationTimestamp':'" + ago(5)
                + "'},'spec':{'size':3}}")).containsExactly("w1", "5s");
        // a Lease-like kind in another group is not a Lease
        assertThat(cells("example.com/v1", "Lease", "{'metadata':{'name':'l'}}")).hasSize(2);
    }

    @Test
    void labelSelectorFormatting() {
        assertThat(Selectors.formatLabelSelector(parse("{}"))).isEqualTo("<none>");
        assertThat(Selectors.formatLabelSelector(null)).isEqualTo("<none>");
        assertThat(Selectors.formatLabelSelector(parse("{'matchExpressions':[{'key':'tier','operator':'NotIn',"
                + "'values':['cache','db']},{'key':'app','operator':'Exists'}]}"))).isEqualTo("app,tier notin (cache,db)");
        assertThat(Selectors.formatLabelSelector(parse("{'matchExpressions':[{'key':'a','operator':'Near'}]}")))
                .isEqualTo("<error>");
        assertThat(Selectors.formatLabels(parse("{'b':'2','a':'1'}"))).isEqualTo("a=1,b=2");
        assertThat(Selectors.formatLabels(parse("{}"))).isEqualTo("<none>");
    }
}
