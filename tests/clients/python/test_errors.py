"""Error responses compared field by field with what kube-apiserver sends.

The expected Status bodies are those of k8s.io/apimachinery/pkg/api/errors/errors.go:
  NewAlreadyExists: code 409, reason AlreadyExists, message `<resource>[.<group>] "<name>" already exists`
  NewNotFound:      code 404, reason NotFound,      message `<resource>[.<group>] "<name>" not found`
  NewConflict:      code 409, reason Conflict,      message `Operation cannot be fulfilled on <resource>[.<group>] "<name>": <err>`
each with details {name, group (omitted when empty, as for the core group), kind: the resource}. A stale update's
<err> is the registry's OptimisticLockErrorMsg (k8s.io/apiserver/pkg/registry/generic/registry/store.go). Creating in a
missing namespace is the NamespaceLifecycle admission's NotFound of `namespaces "<ns>"`. Every JSON body ends with
"\\n", as Go's json.Encoder writes it.
"""
import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from kube_helpers import pod_template, status_body

OPTIMISTIC_LOCK = "the object has been modified; please apply your changes to the latest version and try again"


def failure(code, reason, message, name, resource, group=""):
    details = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "details": details, "code": code}


def qualified(resource, group):
    return f"{resource}.{group}" if group else resource


def not_found(name, resource, group=""):
    return failure(404, "NotFound", f'{qualified(resource, group)} "{name}" not found', name, resource, group)


def already_exists(name, resource, group=""):
    return failure(409, "AlreadyExists", f'{qualified(resource, group)} "{name}" already exists', name, resource, group)


def conflict(name, resource, group=""):
    return failure(409, "Conflict", f'Operation cannot be fulfilled on {qualified(resource, group)} "{name}": {OPTIMISTIC_LOCK}',
                   name, resource, group)


def deployment(name):
    return client.V1Deployment(metadata=client.V1ObjectMeta(name=name), spec=client.V1DeploymentSpec(
        replicas=0, selector=client.V1LabelSelector(match_labels={"app": name}), template=pod_template({"app": name})))


class World:
    """The objects the failing requests are about, and stale copies of them (read before a later write)."""

    def __init__(self, core, apps, rbac, ns, suffix):
        self.ns = ns
        self.clusterrole = f"py-errors-{suffix}"
        apps.create_namespaced_deployment(ns, deployment("web"))
        core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="web"), data={"v": "0"}))
        rbac.create_cluster_role(client.V1ClusterRole(metadata=client.V1ObjectMeta(name=self.clusterrole), rules=[]))
        self.stale_deployment = apps.read_namespaced_deployment("web", ns)
        self.stale_configmap = core.read_namespaced_config_map("web", ns)
        self.stale_clusterrole = rbac.read_cluster_role(self.clusterrole)
        apps.patch_namespaced_deployment("web", ns, {"metadata": {"labels": {"touched": "yes"}}})
        core.patch_namespaced_config_map("web", ns, {"data": {"v": "1"}})
        rbac.patch_cluster_role(self.clusterrole, {"metadata": {"labels": {"touched": "yes"}}})


@pytest.fixture(scope="module")
def world(core, apps, rbac, ns, suffix):
    w = World(core, apps, rbac, ns, suffix)
    yield w
    rbac.delete_cluster_role(w.clusterrole)


# (id, request(apis, world, **kw), expected(world))
CASES = [
    ("deployment-already-exists",
     lambda a, w, **kw: a.apps.create_namespaced_deployment(w.ns, deployment("web"), **kw),
     lambda w: already_exists("web", "deployments", "apps")),
    ("deployment-read-not-found",
     lambda a, w, **kw: a.apps.read_namespaced_deployment("x", w.ns, **kw),
     lambda w: not_found("x", "deployments", "apps")),
    ("deployment-delete-not-found",
     lambda a, w, **kw: a.apps.delete_namespaced_deployment("x", w.ns, **kw),
     lambda w: not_found("x", "deployments", "apps")),
    ("deployment-patch-not-found",
     lambda a, w, **kw: a.apps.patch_namespaced_deployment("x", w.ns, {"spec": {"replicas": 1}}, **kw),
     lambda w: not_found("x", "deployments", "apps")),
    ("deployment-replace-not-found",
     lambda a, w, **kw: a.apps.replace_namespaced_deployment("x", w.ns, deployment("x"), **kw),
     lambda w: not_found("x", "deployments", "apps")),
    ("deployment-stale-update-conflict",
     lambda a, w, **kw: a.apps.replace_namespaced_deployment("web", w.ns, w.stale_deployment, **kw),
     lambda w: conflict("web", "deployments", "apps")),
    ("configmap-already-exists",
     lambda a, w, **kw: a.core.create_namespaced_config_map(
         w.ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="web")), **kw),
     lambda w: already_exists("web", "configmaps")),
    ("configmap-read-not-found",
     lambda a, w, **kw: a.core.read_namespaced_config_map("x", w.ns, **kw),
     lambda w: not_found("x", "configmaps")),
    ("configmap-delete-not-found",
     lambda a, w, **kw: a.core.delete_namespaced_config_map("x", w.ns, **kw),
     lambda w: not_found("x", "configmaps")),
    ("configmap-stale-update-conflict",
     lambda a, w, **kw: a.core.replace_namespaced_config_map("web", w.ns, w.stale_configmap, **kw),
     lambda w: conflict("web", "configmaps")),
    ("clusterrole-already-exists",
     lambda a, w, **kw: a.rbac.create_cluster_role(
         client.V1ClusterRole(metadata=client.V1ObjectMeta(name=w.clusterrole), rules=[]), **kw),
     lambda w: already_exists(w.clusterrole, "clusterroles", "rbac.authorization.k8s.io")),
    ("clusterrole-stale-update-conflict",
     lambda a, w, **kw: a.rbac.replace_cluster_role(w.clusterrole, w.stale_clusterrole, **kw),
     lambda w: conflict(w.clusterrole, "clusterroles", "rbac.authorization.k8s.io")),
    ("create-in-missing-namespace",
     lambda a, w, **kw: a.core.create_namespaced_config_map(
         "py-no-such-namespace", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="web")), **kw),
     lambda w: not_found("py-no-such-namespace", "namespaces")),
]

# A read of a missing object of every served kind: (resource, group, the client's call)
MISSING = [
    ("namespaces", "", lambda a, w, **kw: a.core.read_namespace("py-missing", **kw)),
    ("nodes", "", lambda a, w, **kw: a.core.read_node("py-missing", **kw)),
    ("pods", "", lambda a, w, **kw: a.core.read_namespaced_pod("py-missing", w.ns, **kw)),
    ("services", "", lambda a, w, **kw: a.core.read_namespaced_service("py-missing", w.ns, **kw)),
    ("endpoints", "", lambda a, w, **kw: a.core.read_namespaced_endpoints("py-missing", w.ns, **kw)),
    ("events", "", lambda a, w, **kw: a.core.read_namespaced_event("py-missing", w.ns, **kw)),
    ("replicationcontrollers", "", lambda a, w, **kw: a.core.read_namespaced_replication_controller("py-missing", w.ns, **kw)),
    ("replicasets", "apps", lambda a, w, **kw: a.apps.read_namespaced_replica_set("py-missing", w.ns, **kw)),
    ("jobs", "batch", lambda a, w, **kw: a.batch.read_namespaced_job("py-missing", w.ns, **kw)),
    ("cronjobs", "batch", lambda a, w, **kw: a.batch.read_namespaced_cron_job("py-missing", w.ns, **kw)),
    ("leases", "coordination.k8s.io", lambda a, w, **kw: a.coordination.read_namespaced_lease("py-missing", w.ns, **kw)),
    ("roles", "rbac.authorization.k8s.io", lambda a, w, **kw: a.rbac.read_namespaced_role("py-missing", w.ns, **kw)),
    ("rolebindings", "rbac.authorization.k8s.io",
     lambda a, w, **kw: a.rbac.read_namespaced_role_binding("py-missing", w.ns, **kw)),
    ("clusterroles", "rbac.authorization.k8s.io", lambda a, w, **kw: a.rbac.read_cluster_role("py-missing", **kw)),
    ("clusterrolebindings", "rbac.authorization.k8s.io",
     lambda a, w, **kw: a.rbac.read_cluster_role_binding("py-missing", **kw)),
]
CASES += [(f"{qualified(r, g)}-not-found", call, lambda w, r=r, g=g: not_found("py-missing", r, g)) for r, g, call in MISSING]


class Apis:
    def __init__(self, request):
        for name in ("core", "apps", "batch", "coordination", "rbac"):
            setattr(self, name, request.getfixturevalue(name))


def raised(call):
    with pytest.raises(ApiException) as info:
        call()
    return info.value


@pytest.mark.parametrize("make_request,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_status_as_kube_apiserver_sends_it(make_request, expected, request, world):
    apis = Apis(request)
    want = expected(world)

    # as the client's users see it: an ApiException with the HTTP status and the Status body
    e = raised(lambda: make_request(apis, world))
    assert e.status == want["code"]
    assert e.reason == {404: "Not Found", 409: "Conflict"}[want["code"]]
    assert e.headers["Content-Type"] == "application/json"
    assert status_body(e) == want

    # the raw body (no preloading): the same Status, written as kube-apiserver writes JSON, ending in a newline
    raw = raised(lambda: make_request(apis, world, _preload_content=False))
    assert isinstance(raw.body, bytes)
    assert json.loads(raw.body) == want
    assert raw.body.endswith(b"\n"), f"the body does not end with a newline: {raw.body[-40:]!r}"


def test_successful_json_bodies_end_with_a_newline(core, ns):
    created = core.create_namespaced_config_map(
        ns, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "newline"}, "data": {"a": "1"}},
        _preload_content=False)
    bodies = {
        "create": created.data,
        "read": core.read_namespaced_config_map("newline", ns, _preload_content=False).data,
        "list": core.list_namespaced_config_map(ns, _preload_content=False).data,
        "patch": core.patch_namespaced_config_map("newline", ns, {"data": {"b": "2"}}, _preload_content=False).data,
        "namespace": core.read_namespace(ns, _preload_content=False).data,
    }
    bodies["delete"] = core.delete_namespaced_config_map("newline", ns, _preload_content=False).data
    for what, body in bodies.items():
        assert body.endswith(b"\n"), f"the {what} body does not end with a newline: {body[-40:]!r}"
        json.loads(body)
    assert json.loads(bodies["read"])["data"] == {"a": "1"}
    assert json.loads(bodies["patch"])["data"] == {"a": "1", "b": "2"}


def test_delete_answers_a_success_status(core, apps, ns):
    """A delete that removes the object at once answers a Status of Success naming it (the registry's finalizeDelete)."""
    cm = core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="deleted")))
    status = json.loads(core.delete_namespaced_config_map("deleted", ns, _preload_content=False).data)
    assert status == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                      "details": {"name": "deleted", "kind": "configmaps", "uid": cm.metadata.uid}}
    d = apps.create_namespaced_deployment(ns, deployment("deleted"))
    status = json.loads(apps.delete_namespaced_deployment("deleted", ns, _preload_content=False).data)
    assert status == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                      "details": {"name": "deleted", "group": "apps", "kind": "deployments", "uid": d.metadata.uid}}
