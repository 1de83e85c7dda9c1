"""kubernetes.utils.create_from_yaml of a multi-document file (fixtures/web-app.yaml): every document is created
in the given namespace, the application runs (the Deployment's pods get ready, the Service gets their endpoints),
a second run fails with one AlreadyExists per object, and a dry run creates nothing.
"""
import os

import pytest
import yaml
from kubernetes import client, utils

from kube_helpers import status_body, wait_until

FILE = os.path.join(os.path.dirname(__file__), "fixtures", "web-app.yaml")
CONFIGMAPS = ["listed-a", "listed-b", "web-config"]


def test_create_from_yaml_creates_every_document(api_client, core, apps, ns):
    created = utils.create_from_yaml(api_client, FILE, namespace=ns)
    kinds = [[type(o).__name__ for o in doc] for doc in created]
    assert kinds == [["V1ConfigMap"], ["V1Service"], ["V1Deployment"], ["V1ConfigMap", "V1ConfigMap"]]
    assert all(o.metadata.namespace == ns and o.metadata.uid for doc in created for o in doc)

    assert sorted(c.metadata.name for c in core.list_namespaced_config_map(ns).items
                  if c.metadata.name != "kube-root-ca.crt") == CONFIGMAPS
    assert core.read_namespaced_config_map("listed-b", ns).data == {"n": "2"}
    service = core.read_namespaced_service("web", ns)
    assert service.spec.selector == {"app": "web"} and service.spec.ports[0].target_port == 8080

    def ready():
        d = apps.read_namespaced_deployment("web", ns)
        return (d.status.ready_replicas or 0) == 2 and (d.status.available_replicas or 0) == 2
    wait_until(ready, timeout=120, what="Deployment web to have 2 ready replicas")

    pods = core.list_namespaced_pod(ns, label_selector="app=web").items
    assert len(pods) == 2 and all(p.status.phase == "Running" for p in pods), [p.status.phase for p in pods]
    pod_ips = sorted(p.status.pod_ip for p in pods)

    def endpoints():
        subsets = core.read_namespaced_endpoints("web", ns).subsets or []
        return sorted(a.ip for s in subsets for a in s.addresses or []) == pod_ips
    wait_until(endpoints, timeout=60, what=f"Endpoints web to list the pods {pod_ips}")


def test_create_from_yaml_again_fails_with_already_exists(api_client, ns):
    with pytest.raises(utils.FailToCreateError) as failure:
        utils.create_from_yaml(api_client, FILE, namespace=ns)
    statuses = [status_body(e) for e in failure.value.api_exceptions]
    assert [e.status for e in failure.value.api_exceptions] == [409] * 5
    assert [(s["reason"], s["message"]) for s in statuses] == [
        ("AlreadyExists", 'configmaps "web-config" already exists'),
        ("AlreadyExists", 'services "web" already exists'),
        ("AlreadyExists", 'deployments.apps "web" already exists'),
        ("AlreadyExists", 'configmaps "listed-a" already exists'),
        ("AlreadyExists", 'configmaps "listed-b" already exists'),
    ]
    assert statuses[2]["details"] == {"name": "web", "group": "apps", "kind": "deployments"}
    assert statuses[1]["details"] == {"name": "web", "kind": "services"}


def test_create_from_yaml_objects_dry_run_persists_nothing(api_client, core, ns):
    with open(FILE) as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    renamed = []
    for d in documents[:3]:
        d["metadata"]["name"] = "dry-" + d["metadata"]["name"]
        renamed.append(d)
    created = utils.create_from_yaml(api_client, yaml_objects=renamed, namespace=ns, dry_run="All")
    assert [doc[0].metadata.name for doc in created] == ["dry-web-config", "dry-web", "dry-web"]
    assert core.list_namespaced_config_map(ns, field_selector="metadata.name=dry-web-config").items == []
    assert core.list_namespaced_service(ns, field_selector="metadata.name=dry-web").items == []
    assert client.AppsV1Api(api_client).list_namespaced_deployment(ns, field_selector="metadata.name=dry-web").items == []
