"""CRUD of each served kind through the typed API classes, as the client's users write it.

For every kind: create (a typed model), read, list (in the namespace and across namespaces, by label), replace
(read, change, write back, again on a Conflict), a strategic merge patch (a dict body), a JSON patch (a list body),
delete, and the object gone. The kind's own fields are checked after each step.
"""
import datetime
from dataclasses import dataclass, field
from typing import Callable, Optional

import pytest
from kubernetes import client

from kube_helpers import (BUSYBOX, PAUSE, pod_template, update_with_retry, wait_gone, wait_until)

M = client.V1ObjectMeta


def fail(detail):
    raise AssertionError(str(detail))


def meta(name, kind_id, ns=None):
    return M(name=name, namespace=ns, labels={"crud": kind_id}, annotations={"coxswain.test/created": "yes"})


@dataclass
class Kind:
    id: str  # also the value of the "crud" label
    api: str  # the attribute of the conftest fixture: core, apps, batch, coordination, rbac
    snake: str  # the client's method suffix: create_namespaced_<snake>, list_<snake>_for_all_namespaces
    namespaced: bool
    model: type
    make: Callable  # (name, ns) -> model
    check: Callable  # (created) -> None, the kind's own fields as created
    mutate: Callable  # (obj) -> None, the change that replace writes
    check_replaced: Callable  # (obj) -> None
    smp: dict  # strategic merge patch body (a dict), besides a label
    check_patched: Callable  # (obj) -> None
    ready: Optional[Callable] = None  # (read) -> None, waits until the kind's controllers/kubelet made it work
    delete_body: Optional[client.V1DeleteOptions] = None
    delete_timeout: float = 60.0
    patch_keeps_replaced: bool = True  # False where the patch overwrites what replace wrote
    extra: dict = field(default_factory=dict)


UTC = datetime.timezone.utc


def _lease_time(second):
    return datetime.datetime(2024, 5, 17, 10, 30, second, 123456, tzinfo=UTC)


def _rule(resources, verbs):
    return client.V1PolicyRule(api_groups=[""], resources=resources, verbs=verbs)


def _ready_replicas(n):
    def wait(read):
        wait_until(lambda: (read().status.ready_replicas or 0) == n, timeout=90, what=f"{n} ready replicas")
    return wait


def _deployment_rolled_out(read):
    def done():
        d = read()
        s = d.status
        return (s.observed_generation == d.metadata.generation and (s.updated_replicas or 0) == d.spec.replicas
                and (s.available_replicas or 0) == d.spec.replicas and (s.replicas or 0) == d.spec.replicas)
    wait_until(done, timeout=120, what="the Deployment rolled out")


def _job_complete(read):
    wait_until(lambda: (read().status.succeeded or 0) == 1, timeout=90, what="the Job to succeed once")
    conditions = {c.type: c.status for c in read().status.conditions or []}
    assert conditions.get("Complete") == "True", conditions


def _pod_running(read):
    wait_until(lambda: read().status.phase == "Running", timeout=90, what="the Pod to run")


def _set(path, value):
    """A mutate function: sets obj.<path> (dotted attributes) to value."""
    def mutate(obj):
        target = obj
        parts = path.split(".")
        for p in parts[:-1]:
            target = getattr(target, p)
        setattr(target, parts[-1], value)
    return mutate


def _append(path, value):
    def mutate(obj):
        target = obj
        for p in path.split("."):
            target = getattr(target, p)
        target.append(value)
    return mutate


def _pod(name, ns):
    return client.V1Pod(metadata=meta(name, "pod", ns), spec=client.V1PodSpec(
        containers=[client.V1Container(name="main", image=PAUSE, image_pull_policy="Never")],
        termination_grace_period_seconds=1))


KINDS = [
    Kind("namespace", "core", "namespace", False, client.V1Namespace,
         make=lambda name, ns: client.V1Namespace(metadata=meta(name, "namespace")),
         check=lambda o: (o.status.phase == "Active") or fail(f"phase {o.status.phase}"),
         mutate=lambda o: o.metadata.labels.update(team="blue"),
         check_replaced=lambda o: o.metadata.labels["team"] == "blue" or fail(o.metadata.labels),
         smp={"metadata": {"labels": {"zone": "green"}}},
         check_patched=lambda o: o.metadata.labels["zone"] == "green" or fail(o.metadata.labels),
         delete_timeout=120),
    Kind("pod", "core", "pod", True, client.V1Pod,
         make=_pod,
         check=lambda o: (o.spec.containers[0].image == PAUSE and o.spec.restart_policy == "Always"
                          and o.spec.termination_grace_period_seconds == 1) or fail(str(o.spec)),
         ready=_pod_running,
         mutate=lambda o: o.metadata.labels.update(tier="replaced"),
         check_replaced=lambda o: o.metadata.labels["tier"] == "replaced" or fail(o.metadata.labels),
         smp={"metadata": {"labels": {"stage": "patched"}}},
         check_patched=lambda o: o.metadata.labels["stage"] == "patched" or fail(o.metadata.labels),
         delete_timeout=90),
    Kind("service", "core", "service", True, client.V1Service,
         make=lambda name, ns: client.V1Service(metadata=meta(name, "service", ns), spec=client.V1ServiceSpec(
             selector={"app": "crud"}, ports=[client.V1ServicePort(name="http", port=80, target_port=8080)])),
         check=lambda o: (o.spec.type == "ClusterIP" and o.spec.cluster_ip not in (None, "", "None")
                          and o.spec.ports[0].protocol == "TCP" and o.spec.ports[0].target_port == 8080)
         or fail(str(o.spec)),
         mutate=_append("spec.ports", client.V1ServicePort(name="metrics", port=9090, target_port="metrics")),
         check_replaced=lambda o: sorted((p.name, p.port, p.target_port) for p in o.spec.ports)
         == [("http", 80, 8080), ("metrics", 9090, "metrics")] or fail(str(o.spec.ports)),
         smp={"spec": {"selector": {"app": "crud", "tier": "web"}}},
         check_patched=lambda o: o.spec.selector == {"app": "crud", "tier": "web"} or fail(o.spec.selector)),
    Kind("configmap", "core", "config_map", True, client.V1ConfigMap,
         make=lambda name, ns: client.V1ConfigMap(metadata=meta(name, "configmap", ns),
                                                  data={"a": "1", "multi": "line one\nline two\n"}),
         check=lambda o: o.data == {"a": "1", "multi": "line one\nline two\n"} or fail(o.data),
         mutate=lambda o: o.data.update(b="2"),
         check_replaced=lambda o: o.data["b"] == "2" or fail(o.data),
         smp={"data": {"c": "3", "a": None}},
         check_patched=lambda o: o.data == {"b": "2", "c": "3", "multi": "line one\nline two\n"}
         or fail(o.data)),
    Kind("endpoints", "core", "endpoints", True, client.V1Endpoints,
         make=lambda name, ns: client.V1Endpoints(metadata=meta(name, "endpoints", ns), subsets=[client.V1EndpointSubset(
             addresses=[client.V1EndpointAddress(ip="10.1.2.3")],
             ports=[client.CoreV1EndpointPort(name="http", port=8080, protocol="TCP")])]),
         check=lambda o: ([a.ip for a in o.subsets[0].addresses] == ["10.1.2.3"] and o.subsets[0].ports[0].port == 8080)
         or fail(str(o.subsets)),
         mutate=_append("subsets", client.V1EndpointSubset(
             addresses=[client.V1EndpointAddress(ip="10.1.2.4")],
             ports=[client.CoreV1EndpointPort(name="admin", port=9000, protocol="TCP")])),
         check_replaced=lambda o: sorted(a.ip for s in o.subsets for a in s.addresses) == ["10.1.2.3", "10.1.2.4"]
         or fail(str(o.subsets)),
         smp={"metadata": {"annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2024-05-17T10:30:00Z"}}},
         check_patched=lambda o: o.metadata.annotations["endpoints.kubernetes.io/last-change-trigger-time"]
         == "2024-05-17T10:30:00Z" or fail(o.metadata.annotations)),
    Kind("event", "core", "event", True, client.CoreV1Event,
         make=lambda name, ns: client.CoreV1Event(
             metadata=meta(name, "event", ns),
             involved_object=client.V1ObjectReference(kind="Pod", name="some-pod", namespace=ns, api_version="v1"),
             reason="Tested", message="made by the Python client suite", type="Normal", count=1,
             first_timestamp=datetime.datetime(2024, 5, 17, 10, 0, 0, tzinfo=UTC),
             last_timestamp=datetime.datetime(2024, 5, 17, 10, 0, 0, tzinfo=UTC),
             source=client.V1EventSource(component="python-client-suite")),
         check=lambda o: (o.reason == "Tested" and o.count == 1 and o.involved_object.name == "some-pod"
                          and o.first_timestamp == datetime.datetime(2024, 5, 17, 10, 0, 0, tzinfo=UTC)
                          and o.source.component == "python-client-suite") or fail(str(o)),
         mutate=lambda o: (_set("count", 2)(o), _set("last_timestamp", datetime.datetime(2024, 5, 17, 10, 5, 0, tzinfo=UTC))(o)),
         check_replaced=lambda o: (o.count == 2 and o.last_timestamp == datetime.datetime(2024, 5, 17, 10, 5, 0, tzinfo=UTC))
         or fail(str(o)),
         smp={"count": 3, "message": "patched"},
         check_patched=lambda o: (o.count == 3 and o.message == "patched") or fail(str(o)),
         patch_keeps_replaced=False),
    Kind("replicationcontroller", "core", "replication_controller", True, client.V1ReplicationController,
         make=lambda name, ns: client.V1ReplicationController(
             metadata=meta(name, "replicationcontroller", ns), spec=client.V1ReplicationControllerSpec(
                 replicas=1, selector={"app": name}, template=pod_template({"app": name}))),
         check=lambda o: (o.spec.replicas == 1 and o.spec.selector == {"app": o.metadata.name}) or fail(str(o.spec)),
         ready=_ready_replicas(1),
         mutate=_set("spec.replicas", 2),
         check_replaced=lambda o: o.spec.replicas == 2 or fail(str(o.spec)),
         smp={"spec": {"minReadySeconds": 1}},
         check_patched=lambda o: o.spec.min_ready_seconds == 1 or fail(str(o.spec)),
         extra={"ready_after_replace": _ready_replicas(2)}),
    Kind("replicaset", "apps", "replica_set", True, client.V1ReplicaSet,
         make=lambda name, ns: client.V1ReplicaSet(metadata=meta(name, "replicaset", ns), spec=client.V1ReplicaSetSpec(
             replicas=1, selector=client.V1LabelSelector(match_labels={"app": name}), template=pod_template({"app": name}))),
         check=lambda o: (o.spec.replicas == 1 and o.spec.selector.match_labels == {"app": o.metadata.name})
         or fail(str(o.spec)),
         ready=_ready_replicas(1),
         mutate=_set("spec.replicas", 2),
         check_replaced=lambda o: o.spec.replicas == 2 or fail(str(o.spec)),
         smp={"spec": {"minReadySeconds": 1}},
         check_patched=lambda o: o.spec.min_ready_seconds == 1 or fail(str(o.spec)),
         extra={"ready_after_replace": _ready_replicas(2)}),
    Kind("deployment", "apps", "deployment", True, client.V1Deployment,
         make=lambda name, ns: client.V1Deployment(metadata=meta(name, "deployment", ns), spec=client.V1DeploymentSpec(
             replicas=1, selector=client.V1LabelSelector(match_labels={"app": name}), template=pod_template({"app": name}))),
         check=lambda o: (o.spec.replicas == 1 and o.spec.strategy.type == "RollingUpdate"
                          and o.spec.revision_history_limit == 10 and o.spec.progress_deadline_seconds == 600)
         or fail(str(o.spec)),
         ready=_deployment_rolled_out,
         mutate=lambda o: o.spec.template.metadata.__setattr__("annotations", {"coxswain.test/rollout": "2"}),
         check_replaced=lambda o: o.spec.template.metadata.annotations == {"coxswain.test/rollout": "2"}
         or fail(str(o.spec.template.metadata)),
         smp={"spec": {"replicas": 2}},
         check_patched=lambda o: o.spec.replicas == 2 or fail(str(o.spec)),
         extra={"ready_after_replace": _deployment_rolled_out}),
    Kind("job", "batch", "job", True, client.V1Job,
         make=lambda name, ns: client.V1Job(metadata=meta(name, "job", ns), spec=client.V1JobSpec(
             backoff_limit=2, template=client.V1PodTemplateSpec(spec=client.V1PodSpec(
                 restart_policy="Never", termination_grace_period_seconds=1,
                 containers=[client.V1Container(name="main", image=BUSYBOX, image_pull_policy="Never",
                                                command=["sh", "-c", "echo done"])])))),
         check=lambda o: (o.spec.backoff_limit == 2 and o.spec.completions == 1 and o.spec.parallelism == 1
                          and o.spec.selector is not None) or fail(str(o.spec)),
         ready=_job_complete,
         mutate=lambda o: o.metadata.labels.update(stage="replaced"),
         check_replaced=lambda o: o.metadata.labels["stage"] == "replaced" or fail(o.metadata.labels),
         smp={"spec": {"ttlSecondsAfterFinished": 3600}},
         check_patched=lambda o: o.spec.ttl_seconds_after_finished == 3600 or fail(str(o.spec)),
         delete_body=client.V1DeleteOptions(propagation_policy="Background")),
    Kind("cronjob", "batch", "cron_job", True, client.V1CronJob,
         make=lambda name, ns: client.V1CronJob(metadata=meta(name, "cronjob", ns), spec=client.V1CronJobSpec(
             schedule="*/30 * * * *", suspend=True, job_template=client.V1JobTemplateSpec(spec=client.V1JobSpec(
                 template=client.V1PodTemplateSpec(spec=client.V1PodSpec(
                     restart_policy="OnFailure",
                     containers=[client.V1Container(name="main", image=BUSYBOX, image_pull_policy="Never",
                                                    command=["true"])])))))),
         check=lambda o: (o.spec.schedule == "*/30 * * * *" and o.spec.suspend is True
                          and o.spec.concurrency_policy == "Allow" and o.spec.successful_jobs_history_limit == 3
                          and o.spec.failed_jobs_history_limit == 1) or fail(str(o.spec)),
         mutate=_set("spec.schedule", "0 * * * *"),
         check_replaced=lambda o: o.spec.schedule == "0 * * * *" or fail(str(o.spec)),
         smp={"spec": {"concurrencyPolicy": "Forbid"}},
         check_patched=lambda o: o.spec.concurrency_policy == "Forbid" or fail(str(o.spec))),
    Kind("lease", "coordination", "lease", True, client.V1Lease,
         make=lambda name, ns: client.V1Lease(metadata=meta(name, "lease", ns), spec=client.V1LeaseSpec(
             holder_identity="py-a", lease_duration_seconds=15, acquire_time=_lease_time(1), renew_time=_lease_time(1),
             lease_transitions=0)),
         check=lambda o: (o.spec.holder_identity == "py-a" and o.spec.lease_duration_seconds == 15
                          and o.spec.acquire_time == _lease_time(1) and o.spec.renew_time == _lease_time(1))
         or fail(str(o.spec)),
         mutate=lambda o: (_set("spec.holder_identity", "py-b")(o), _set("spec.renew_time", _lease_time(7))(o),
                           _set("spec.lease_transitions", 1)(o)),
         check_replaced=lambda o: (o.spec.holder_identity == "py-b" and o.spec.renew_time == _lease_time(7)
                                   and o.spec.lease_transitions == 1) or fail(str(o.spec)),
         smp={"spec": {"renewTime": "2024-05-17T10:30:09.000001Z"}},
         check_patched=lambda o: o.spec.renew_time == datetime.datetime(2024, 5, 17, 10, 30, 9, 1, tzinfo=UTC)
         or fail(str(o.spec)),
         patch_keeps_replaced=False),
    Kind("role", "rbac", "role", True, client.V1Role,
         make=lambda name, ns: client.V1Role(metadata=meta(name, "role", ns), rules=[_rule(["configmaps"], ["get", "list"])]),
         check=lambda o: (o.rules[0].resources == ["configmaps"] and o.rules[0].verbs == ["get", "list"])
         or fail(str(o.rules)),
         mutate=_append("rules", _rule(["pods"], ["watch"])),
         check_replaced=lambda o: [r.resources for r in o.rules] == [["configmaps"], ["pods"]] or fail(str(o.rules)),
         smp={"rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]}]},
         check_patched=lambda o: [r.resources for r in o.rules] == [["deployments"]] or fail(str(o.rules)),
         patch_keeps_replaced=False),  # a Role's rules have no merge key: the patch replaces them
    Kind("clusterrole", "rbac", "cluster_role", False, client.V1ClusterRole,
         make=lambda name, ns: client.V1ClusterRole(metadata=meta(name, "clusterrole"), rules=[_rule(["nodes"], ["get"])]),
         check=lambda o: o.rules[0].resources == ["nodes"] or fail(str(o.rules)),
         mutate=_append("rules", _rule(["namespaces"], ["list"])),
         check_replaced=lambda o: [r.resources for r in o.rules] == [["nodes"], ["namespaces"]] or fail(str(o.rules)),
         smp={"metadata": {"annotations": {"rbac.authorization.kubernetes.io/autoupdate": "false"}}},
         check_patched=lambda o: o.metadata.annotations["rbac.authorization.kubernetes.io/autoupdate"] == "false"
         or fail(o.metadata.annotations)),
    Kind("rolebinding", "rbac", "role_binding", True, client.V1RoleBinding,
         make=lambda name, ns: client.V1RoleBinding(
             metadata=meta(name, "rolebinding", ns), role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name="reader"),
             subjects=[client.V1Subject(kind="User", name="alice", api_group="rbac.authorization.k8s.io")]),
         check=lambda o: (o.role_ref.name == "reader" and [s.name for s in o.subjects] == ["alice"])
         or fail(str(o)),
         mutate=_append("subjects", client.V1Subject(kind="Group", name="devs", api_group="rbac.authorization.k8s.io")),
         check_replaced=lambda o: [(s.kind, s.name) for s in o.subjects] == [("User", "alice"), ("Group", "devs")]
         or fail(str(o.subjects)),
         smp={"metadata": {"labels": {"stage": "patched"}}},
         check_patched=lambda o: o.metadata.labels["stage"] == "patched" or fail(o.metadata.labels)),
    Kind("clusterrolebinding", "rbac", "cluster_role_binding", False, client.V1ClusterRoleBinding,
         make=lambda name, ns: client.V1ClusterRoleBinding(
             metadata=meta(name, "clusterrolebinding"),
             role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="view"),
             subjects=[client.V1Subject(kind="Group", name="py-readers", api_group="rbac.authorization.k8s.io")]),
         check=lambda o: (o.role_ref.kind == "ClusterRole" and o.subjects[0].name == "py-readers") or fail(str(o)),
         mutate=_append("subjects", client.V1Subject(kind="User", name="bob", api_group="rbac.authorization.k8s.io")),
         check_replaced=lambda o: [s.name for s in o.subjects] == ["py-readers", "bob"] or fail(str(o.subjects)),
         smp={"metadata": {"labels": {"stage": "patched"}}},
         check_patched=lambda o: o.metadata.labels["stage"] == "patched" or fail(o.metadata.labels)),
]


class Calls:
    """The client's generated methods of one kind, namespaced or cluster-scoped."""

    def __init__(self, api, kind, ns):
        self.api, self.kind, self.ns = api, kind, ns
        self.prefix = "namespaced_" if kind.namespaced else ""

    def _m(self, verb):
        return getattr(self.api, f"{verb}_{self.prefix}{self.kind.snake}")

    def create(self, body):
        return self._m("create")(self.ns, body) if self.kind.namespaced else self._m("create")(body)

    def read(self, name):
        return self._m("read")(name, self.ns) if self.kind.namespaced else self._m("read")(name)

    def list(self, **kw):
        return self._m("list")(self.ns, **kw) if self.kind.namespaced else self._m("list")(**kw)

    def list_all_namespaces(self, **kw):
        return getattr(self.api, f"list_{self.kind.snake}_for_all_namespaces")(**kw)

    def replace(self, name, body):
        return self._m("replace")(name, self.ns, body) if self.kind.namespaced else self._m("replace")(name, body)

    def patch(self, name, body):
        return self._m("patch")(name, self.ns, body) if self.kind.namespaced else self._m("patch")(name, body)

    def delete(self, name, body=None):
        kw = {"body": body} if body is not None else {}
        return self._m("delete")(name, self.ns, **kw) if self.kind.namespaced else self._m("delete")(name, **kw)


@pytest.mark.parametrize("kind", KINDS, ids=[k.id for k in KINDS])
def test_crud(kind, request, ns, suffix):
    api = request.getfixturevalue(kind.api)
    calls = Calls(api, kind, ns)
    name = f"crud-{kind.id}" if kind.namespaced else f"py-crud-{kind.id}-{suffix}"
    label = f"crud={kind.id}"

    # create
    created = calls.create(kind.make(name, ns))
    assert isinstance(created, kind.model), type(created)
    assert created.metadata.name == name
    assert created.metadata.namespace == (ns if kind.namespaced else None)
    assert created.metadata.uid and created.metadata.resource_version
    assert isinstance(created.metadata.creation_timestamp, datetime.datetime)
    expected_labels = {"crud": kind.id}
    if kind.id == "namespace":  # kube-apiserver labels every namespace with its name
        expected_labels["kubernetes.io/metadata.name"] = name
    assert created.metadata.labels == expected_labels
    assert created.metadata.annotations.get("coxswain.test/created") == "yes"
    kind.check(created)
    try:
        if kind.ready:
            kind.ready(lambda: calls.read(name))

        # read
        got = calls.read(name)
        assert isinstance(got, kind.model)
        assert (got.metadata.name, got.metadata.uid) == (name, created.metadata.uid)
        kind.check(got)

        # list, by label, in the namespace and across all of them
        listed = calls.list(label_selector=label)
        assert listed.metadata.resource_version, "a list carries the resourceVersion to watch from"
        assert [o.metadata.name for o in listed.items] == [name]
        assert all(isinstance(o, kind.model) for o in listed.items)
        if kind.namespaced:
            everywhere = calls.list_all_namespaces(label_selector=label)
            assert [(o.metadata.namespace, o.metadata.name) for o in everywhere.items] == [(ns, name)]
        assert calls.list(label_selector=f"crud={kind.id},absent=yes").items == []

        # replace: read, change, write back (again if a controller wrote meanwhile)
        before, replaced = update_with_retry(lambda: calls.read(name), lambda o: calls.replace(name, o), kind.mutate)
        assert isinstance(replaced, kind.model)
        assert replaced.metadata.resource_version != before.metadata.resource_version
        assert replaced.metadata.uid == created.metadata.uid
        kind.check_replaced(replaced)
        kind.check_replaced(calls.read(name))
        if "ready_after_replace" in kind.extra:
            kind.extra["ready_after_replace"](lambda: calls.read(name))

        # strategic merge patch: the client sends a dict as application/strategic-merge-patch+json
        patched = calls.patch(name, kind.smp)
        assert isinstance(patched, kind.model)
        kind.check_patched(patched)
        if kind.patch_keeps_replaced:
            kind.check_replaced(patched)
        kind.check_patched(calls.read(name))

        # JSON patch: the client sends a list as application/json-patch+json
        patched = calls.patch(name, [
            {"op": "add", "path": "/metadata/annotations/coxswain.test~1json-patch", "value": "applied"},
            {"op": "test", "path": "/metadata/uid", "value": created.metadata.uid},
        ])
        assert patched.metadata.annotations["coxswain.test/json-patch"] == "applied"
        assert patched.metadata.annotations["coxswain.test/created"] == "yes"
        kind.check_patched(patched)
    finally:
        # delete, then the object is gone (at once, or after a graceful deletion or the namespace's finalization)
        calls.delete(name, kind.delete_body)
    wait_gone(lambda: calls.read(name), timeout=kind.delete_timeout, what=f"{kind.id} {name} to be gone")
    assert [o.metadata.name for o in calls.list(label_selector=label).items] == []


def test_node_read_list_patch(core):
    nodes = core.list_node()
    assert nodes.items, "the cluster has a node"
    node = nodes.items[0]
    assert isinstance(node, client.V1Node)
    name = node.metadata.name
    got = core.read_node(name)
    assert got.metadata.uid == node.metadata.uid
    conditions = {c.type: c.status for c in got.status.conditions}
    assert conditions.get("Ready") == "True", conditions
    assert got.status.node_info.kubelet_version and got.status.node_info.container_runtime_version
    assert any(a.type == "InternalIP" for a in got.status.addresses), got.status.addresses
    assert core.read_node_status(name).metadata.name == name
    assert [n.metadata.name for n in core.list_node(field_selector=f"metadata.name={name}").items] == [name]

    patched = core.patch_node(name, {"metadata": {"labels": {"coxswain.test/python": "yes"}}})
    assert patched.metadata.labels["coxswain.test/python"] == "yes"
    assert name in [n.metadata.name for n in core.list_node(label_selector="coxswain.test/python=yes").items]
    removed = core.patch_node(name, {"metadata": {"labels": {"coxswain.test/python": None}}})
    assert "coxswain.test/python" not in removed.metadata.labels
    assert removed.metadata.labels == got.metadata.labels, "removing the label restored the node's own labels"


SCALABLE = [
    ("deployment", "apps", "deployment",
     lambda n: client.V1Deployment(metadata=M(name=n), spec=client.V1DeploymentSpec(
         replicas=0, selector=client.V1LabelSelector(match_labels={"app": n}), template=pod_template({"app": n})))),
    ("replicaset", "apps", "replica_set",
     lambda n: client.V1ReplicaSet(metadata=M(name=n), spec=client.V1ReplicaSetSpec(
         replicas=0, selector=client.V1LabelSelector(match_labels={"app": n}), template=pod_template({"app": n})))),
    ("replicationcontroller", "core", "replication_controller",
     lambda n: client.V1ReplicationController(metadata=M(name=n), spec=client.V1ReplicationControllerSpec(
         replicas=0, selector={"app": n}, template=pod_template({"app": n})))),
]


@pytest.mark.parametrize("kind_id,api_name,snake,make", SCALABLE, ids=[s[0] for s in SCALABLE])
def test_scale_subresource(kind_id, api_name, snake, make, request, ns):
    api = request.getfixturevalue(api_name)
    name = f"scale-{kind_id}"
    getattr(api, f"create_namespaced_{snake}")(ns, make(name))
    try:
        scale = getattr(api, f"read_namespaced_{snake}_scale")(name, ns)
        assert isinstance(scale, client.V1Scale)
        assert (scale.metadata.name, scale.spec.replicas) == (name, 0)
        patched = getattr(api, f"patch_namespaced_{snake}_scale")(name, ns, {"spec": {"replicas": 1}})
        assert patched.spec.replicas == 1
        assert getattr(api, f"read_namespaced_{snake}")(name, ns).spec.replicas == 1
        wait_until(lambda: getattr(api, f"read_namespaced_{snake}_scale")(name, ns).status.replicas == 1,
                   timeout=60, what="the scale's status.replicas to reach 1")
        scale = getattr(api, f"read_namespaced_{snake}_scale")(name, ns)
        assert scale.status.selector == f"app={name}", scale.status
        # the Scale carries the object's resourceVersion: a status write by the controller meanwhile is a Conflict
        _, replaced = update_with_retry(lambda: getattr(api, f"read_namespaced_{snake}_scale")(name, ns),
                                        lambda o: getattr(api, f"replace_namespaced_{snake}_scale")(name, ns, o),
                                        _set("spec.replicas", 0))
        assert isinstance(replaced, client.V1Scale) and replaced.spec.replicas == 0
        assert getattr(api, f"read_namespaced_{snake}")(name, ns).spec.replicas == 0
    finally:
        getattr(api, f"delete_namespaced_{snake}")(name, ns)
