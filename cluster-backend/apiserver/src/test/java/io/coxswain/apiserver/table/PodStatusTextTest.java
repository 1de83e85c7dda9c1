package io.coxswain.apiserver.table;

import org.junit.jupiter.api.Test;

import static io.coxswain.apiserver.table.Json.NOW;
import static io.coxswain.apiserver.table.Json.ago;
import static io.coxswain.apiserver.table.Json.parse;
import static org.assertj.core.api.Assertions.assertThat;

class PodStatusTextTest {

    private static PodStatusText.Result status(String pod) {
        return PodStatusText.of(parse(pod), NOW);
    }

    private static final String TWO_CONTAINERS = "'spec':{'containers':[{'name':'app','image':'nginx'},"
            + "{'name':'log','image':'busybox'}]}";

    @Test
    void runningAndReady() {
        var s = status("{'metadata':{'name':'web'},'spec':{'containers':[{'name':'nginx','image':'nginx:1.26'}]},"
                + "'status':{'phase':'Running','conditions':[{'type':'Ready','status':'True'}],"
                + "'containerStatuses':[{'name':'nginx','ready':true,'restartCount':0,"
                + "'state':{'running':{'startedAt':'" + ago(100) + "'}}}]}}");
        assertThat(s).isEqualTo(new PodStatusText.Result("1/1", "Running", "0"));
    }

    @Test
    void runningButContainerNotReadyStaysRunning() {
        var s = status("{" + TWO_CONTAINERS + ",'status':{'phase':'Running',"
                + "'conditions':[{'type':'Ready','status':'False'}],'containerStatuses':["
                + "{'name':'app','ready':true,'restartCount':0,'state':{'running':{}}},"
                + "{'name':'log','ready':false,'restartCount':0,'state':{'running':{}}}]}}");
        assertThat(s.ready()).isEqualTo("1/2");
        assertThat(s.status()).isEqualTo("Running");
    }

    @Test
    void pendingWithoutStatusesShowsPhase() {
        var s = status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Pending'}}");
        assertThat(s).isEqualTo(new PodStatusText.Result("0/1", "Pending", "0"));
    }

    @Test
    void emptyPodDoesNotBlowUp() {
        assertThat(status("{}")).isEqualTo(new PodStatusText.Result("0/0", "", "0"));
    }

    @Test
    void containerCreating() {
        var s = status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Pending','containerStatuses':["
                + "{'name':'a','ready':false,'restartCount':0,'state':{'waiting':{'reason':'ContainerCreating'}}}]}}");
        assertThat(s.status()).isEqualTo("ContainerCreating");
    }

    @Test
    void errImagePullAndImagePullBackOff() {
        assertThat(status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Pending','containerStatuses':["
                + "{'name':'a','ready':false,'restartCount':0,'state':{'waiting':{'reason':'ErrImagePull'}}}]}}")
                .status()).isEqualTo("ErrImagePull");
        assertThat(status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Pending','containerStatuses':["
                + "{'name':'a','ready':false,'restartCount':0,'state':{'waiting':{'reason':'ImagePullBackOff',"
                + "'message':'Back-off pulling image'}}}]}}").status()).isEqualTo("ImagePullBackOff");
    }

    @Test
    void crashLoopBackOffWithRestartAge() {
        var s = status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running','containerStatuses':["
                + "{'name':'a','ready':false,'restartCount':5,'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
                + "'lastState':{'terminated':{'exitCode':1,'reason':'Error','finishedAt':'" + ago(300) + "'}}}]}}");
        assertThat(s).isEqualTo(new PodStatusText.Result("0/1", "CrashLoopBackOff", "5 (5m ago)"));
    }

    @Test
    void restartsWithoutLastTerminationHaveNoSuffix() {
        var s = status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running','containerStatuses':["
                + "{'name':'a','ready':true,'restartCount':2,'state':{'running':{}}}]}}");
        assertThat(s.restarts()).isEqualTo("2");
    }

    @Test
    void restartsSumAcrossContainersAndUseLatestTermination() {
        var s = status("{" + TWO_CONTAINERS + ",'status':{'phase':'Running',"
                + "'conditions':[{'type':'Ready','status':'True'}],'containerStatuses':["
                + "{'name':'app','ready':true,'restartCount':3,'state':{'running':{}},"
                + "'lastState':{'terminated':{'exitCode':137,'finishedAt':'" + ago(7200) + "'}}},"
                + "{'name':'log','ready':true,'restartCount':1,'state':{'running':{}},"
                + "'lastState':{'terminated':{'exitCode':2,'finishedAt':'" + ago(45) + "'}}}]}}");
        assertThat(s).isEqualTo(new PodStatusText.Result("2/2", "Running", "4 (45s ago)"));
    }

    @Test
    void succeededPodIsCompleted() {
        var s = status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Succeeded','containerStatuses':["
                + "{'name':'a','ready':false,'restartCount':0,'state':{'terminated':{'exitCode':0,"
                + "'reason':'Completed'}}}]}}");
        assertThat(s).isEqualTo(new PodStatusText.Result("0/1", "Completed", "0"));
    }

    @Test
    void failedContainerReasons() {
        assertThat(terminated("'exitCode':1,'reason':'Error'")).isEqualTo("Error");
        assertThat(terminated("'exitCode':137,'reason':'OOMKilled'")).isEqualTo("OOMKilled");
        assertThat(terminated("'exitCode':137,'signal':9")).isEqualTo("Signal:9");
        assertThat(terminated("'exitCode':3")).isEqualTo("ExitCode:3");
    }

    private static String terminated(String fields) {
        return status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Failed','containerStatuses':["
                + "{'name':'a','ready':false,'restartCount':0,'state':{'terminated':{" + fields + "}}}]}}").status();
    }

    @Test
    void podLevelReasonWins() {
        var s = status("{'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Failed','reason':'Evicted',"
                + "'message':'The node was low on resource: memory.'}}");
        assertThat(s.status()).isEqualTo("Evicted");
    }

    @Test
    void completedContainerWithRunningSiblingIsRunningOrNotReady() {
        String statuses = "'containerStatuses':["
                + "{'name':'app','ready':true,'restartCount':0,'state':{'running':{}}},"
                + "{'name':'log','ready':false,'restartCount':0,'state':{'terminated':{'exitCode':0,"
                + "'reason':'Completed'}}}]";
        var ready = status("{" + TWO_CONTAINERS + ",'status':{'phase':'Running',"
                + "'conditions':[{'type':'Ready','status':'True'}]," + statuses + "}}");
        assertThat(ready.status()).isEqualTo("Running");
        var notReady = status("{" + TWO_CONTAINERS + ",'status':{'phase':'Running',"
                + "'conditions':[{'type':'Ready','status':'False'}]," + statuses + "}}");
        assertThat(notReady.status()).isEqualTo("NotReady");
        assertThat(notReady.ready()).isEqualTo("1/2");
    }

    private static final String TWO_INITS = "'spec':{'initContainers':[{'name':'init-db'},{'name':'init-cache'}],"
            + "'containers':[{'name':'app'}]}";

    @Test
    void initContainerProgress() {
        var first = status("{" + TWO_INITS + ",'status':{'phase':'Pending','initContainerStatuses':["
                + "{'name':'init-db','ready':false,'restartCount':0,'state':{'running':{}}},"
                + "{'name':'init-cache','ready':false,'restartCount':0,'state':{'waiting':{'reason':'PodInitializing'}}}],"
                + "'containerStatuses':[{'name':'app','ready':false,'restartCount':0,"
                + "'state':{'waiting':{'reason':'PodInitializing'}}}]}}");
        assertThat(first).isEqualTo(new PodStatusText.Result("0/1", "Init:0/2", "0"));

        var second = status("{" + TWO_INITS + ",'status':{'phase':'Pending','initContainerStatuses':["
                + "{'name':'init-db','ready':true,'restartCount':0,'state':{'terminated':{'exitCode':0,"
                + "'reason':'Completed'}}},"
                + "{'name':'init-cache','ready':false,'restartCount':0,'state':{'running':{}}}]}}");
        assertThat(second.status()).isEqualTo("Init:1/2");
    }

    @Test
    void initContainerCrashLoopAndFailures() {
        var crash = status("{" + TWO_INITS + ",'status':{'phase':'Pending','initContainerStatuses':["
                + "{'name':'init-db','ready':false,'restartCount':4,'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
                + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'" + ago(30) + "'}}}]}}");
        assertThat(crash).isEqualTo(new PodStatusText.Result("0/1", "Init:CrashLoopBackOff", "4 (30s ago)"));

        assertThat(initTerminated("'exitCode':1,'reason':'Error'")).isEqualTo("Init:Error");
        assertThat(initTerminated("'exitCode':2")).isEqualTo("Init:ExitCode:2");
        assertThat(initTerminated("'exitCode':143,'signal':15")).isEqualTo("Init:Signal:15");
    }

    private static String initTerminated(String fields) {
        return status("{" + TWO_INITS + ",'status':{'phase':'Failed','initContainerStatuses':["
                + "{'name':'init-db','ready':false,'restartCount':0,'state':{'terminated':{" + fields + "}}}]}}")
                .status();
    }

    @Test
    void podInitializingAfterInitContainersFinish() {
        var s = status("{" + TWO_INITS + ",'status':{'phase':'Pending',"
                + "'conditions':[{'type':'Initialized','status':'True'}],'initContainerStatuses':["
                + "{'name':'init-db','ready':true,'restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
                + "{'name':'init-cache','ready':true,'restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}],"
                + "'containerStatuses':[{'name':'app','ready':false,'restartCount':0,"
                + "'state':{'waiting':{'reason':'PodInitializing'}}}]}}");
        assertThat(s).isEqualTo(new PodStatusText.Result("0/1", "PodInitializing", "0"));
    }

    @Test
    void sidecarsCountTowardsReadyAndRestarts() {
        var s = status("{'spec':{'initContainers':[{'name':'istio-proxy','restartPolicy':'Always'},{'name':'migrate'}],"
                + "'containers':[{'name':'app'}]},'status':{'phase':'Running',"
                + "'conditions':[{'type':'Initialized','status':'True'},{'type':'Ready','status':'True'}],"
                + "'initContainerStatuses':["
                + "{'name':'istio-proxy','ready':true,'started':true,'restartCount':2,'state':{'running':{}},"
                + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'" + ago(600) + "'}}},"
                + "{'name':'migrate','ready':false,'restartCount':7,'state':{'terminated':{'exitCode':0,"
                + "'reason':'Completed'}}}],"
                + "'containerStatuses':[{'name':'app','ready':true,'restartCount':1,'state':{'running':{}},"
                + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'" + ago(3600) + "'}}}]}}");
        // restarts of the classic init container are dropped once initialized; the sidecar's count stays
        assertThat(s).isEqualTo(new PodStatusText.Result("2/2", "Running", "3 (10m ago)"));
    }

    @Test
    void sidecarNotStartedYetBlocksInitialization() {
        var s = status("{'spec':{'initContainers':[{'name':'proxy','restartPolicy':'Always'}],"
                + "'containers':[{'name':'app'}]},'status':{'phase':'Pending','initContainerStatuses':["
                + "{'name':'proxy','ready':false,'started':false,'restartCount':0,'state':{'running':{}}}]}}");
        assertThat(s).isEqualTo(new PodStatusText.Result("0/2", "Init:0/1", "0"));
    }

    @Test
    void terminatingAndNodeLost() {
        String running = "'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running'%s,'containerStatuses':["
                + "{'name':'a','ready':true,'restartCount':0,'state':{'running':{}}}]}";
        var terminating = status("{'metadata':{'deletionTimestamp':'" + ago(5) + "'},"
                + running.formatted("") + "}");
        assertThat(terminating.status()).isEqualTo("Terminating");
        var lost = status("{'metadata':{'deletionTimestamp':'" + ago(5) + "'},"
                + running.formatted(",'reason':'NodeLost'") + "}");
        assertThat(lost.status()).isEqualTo("Unknown");
    }

    @Test
    void deletedTerminalPodKeepsItsStatus() {
        var s = status("{'metadata':{'deletionTimestamp':'" + ago(5) + "'},'spec':{'containers':[{'name':'a'}]},"
                + "'status':{'phase':'Succeeded','containerStatuses':[{'name':'a','ready':false,'restartCount':0,"
                + "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}}");
        assertThat(s.status()).isEqualTo("Completed");
    }

    @Test
    void schedulingGated() {
        var s = status("{'spec':{'containers':[{'name':'a'}],'schedulingGates':[{'name':'example.com/gate'}]},"
                + "'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False',"
                + "'reason':'SchedulingGated'}]}}");
        assertThat(s.status()).isEqualTo("SchedulingGated");
    }
}
