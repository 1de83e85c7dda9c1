"""Shared fixtures of the Python client suite.

The suite drives a cluster with Debian's official Kubernetes Python client (python3-kubernetes), as its users
do: the cluster comes from the kubeconfig that KUBECONFIG names (kubernetes.config.load_kube_config()), each test
module works in a namespace of its own that it deletes at the end, and every blocking call is bounded.
"""
import os
import uuid

import pytest
from kubernetes import client, config

from kube_helpers import delete_ignoring_not_found


@pytest.fixture(scope="session")
def api_client():
    assert os.environ.get("KUBECONFIG"), "set KUBECONFIG to the cluster's kubeconfig"
    config.load_kube_config()
    return client.ApiClient()


@pytest.fixture(scope="session")
def core(api_client):
    return client.CoreV1Api(api_client)


@pytest.fixture(scope="session")
def apps(api_client):
    return client.AppsV1Api(api_client)


@pytest.fixture(scope="session")
def batch(api_client):
    return client.BatchV1Api(api_client)


@pytest.fixture(scope="session")
def coordination(api_client):
    return client.CoordinationV1Api(api_client)


@pytest.fixture(scope="session")
def rbac(api_client):
    return client.RbacAuthorizationV1Api(api_client)


@pytest.fixture(scope="module")
def suffix():
    """A short random suffix, for names of cluster-scoped objects that must not collide between runs."""
    return uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def ns(request, core, suffix):
    """A fresh namespace for one test module, deleted at its end."""
    module = request.module.__name__.replace("test_", "").replace("_", "-")
    name = f"py-{module}-{suffix}"
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name, labels={"suite": "python-client"})))
    yield name
    delete_ignoring_not_found(lambda: core.delete_namespace(name))
