"""watch.Watch().stream(...) as the client's users write it: without a resourceVersion (the existing objects first,
then the changes), from a resourceVersion (the changes after it, in order), with selectors, and bounded by
timeout_seconds. Every stream has timeout_seconds and _request_timeout, so no test can hang.
"""
import time

from kubernetes import client, watch

from kube_helpers import pod_template, wait_until

BOUND = {"timeout_seconds": 30, "_request_timeout": 60}


def cm(name, labels, **data):
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels=labels), data=data)


def summary(event):
    o = event["object"]
    return event["type"], o.metadata.name, o.data


def test_watch_without_resource_version_lists_then_follows(core, ns):
    labels = {"watch": "from-now"}
    a = core.create_namespaced_config_map(ns, cm("w-a", labels, v="0"))
    w = watch.Watch()
    events, rvs = [], {}
    for event in w.stream(core.list_namespaced_config_map, ns, label_selector="watch=from-now", **BOUND):
        events.append(event)
        if len(events) == 1:
            # the existing object came first: the watch is open, so these changes are seen in order
            rvs["created"] = core.create_namespaced_config_map(ns, cm("w-b", labels, v="0")).metadata.resource_version
            rvs["patched"] = core.patch_namespaced_config_map("w-b", ns, {"data": {"v": "1"}}).metadata.resource_version
            core.delete_namespaced_config_map("w-b", ns)
        if len(events) == 4:
            w.stop()
    assert [summary(e) for e in events] == [
        ("ADDED", "w-a", {"v": "0"}),
        ("ADDED", "w-b", {"v": "0"}),
        ("MODIFIED", "w-b", {"v": "1"}),
        ("DELETED", "w-b", {"v": "1"}),
    ]
    assert events[0]["object"].metadata.resource_version == a.metadata.resource_version
    assert events[1]["object"].metadata.resource_version == rvs["created"]
    assert events[2]["object"].metadata.resource_version == rvs["patched"]
    # kube-apiserver gives a DELETED event's object the resourceVersion of the deletion
    assert events[3]["object"].metadata.resource_version not in (rvs["created"], rvs["patched"])
    for e in events:
        assert isinstance(e["object"], client.V1ConfigMap)
        assert e["raw_object"]["kind"] == "ConfigMap" and e["raw_object"]["apiVersion"] == "v1", e["raw_object"]
        assert e["raw_object"]["metadata"]["namespace"] == ns
    # the client remembers where it is, to resume from there
    assert w.resource_version == events[-1]["object"].metadata.resource_version


def test_watch_from_resource_version_replays_changes_in_order(core, ns):
    labels = {"watch": "replay"}
    x = core.create_namespaced_config_map(ns, cm("r-x", labels, v="0"))
    p1 = core.patch_namespaced_config_map("r-x", ns, {"data": {"v": "1"}})
    x2 = core.read_namespaced_config_map("r-x", ns)
    x2.data["v"] = "2"
    p2 = core.replace_namespaced_config_map("r-x", ns, x2)
    core.delete_namespaced_config_map("r-x", ns)
    y = core.create_namespaced_config_map(ns, cm("r-y", labels, v="y"))

    w = watch.Watch()
    events = []
    for event in w.stream(core.list_namespaced_config_map, ns, label_selector="watch=replay",
                          resource_version=x.metadata.resource_version, **BOUND):
        events.append(event)
        if len(events) == 4:
            w.stop()
    assert [summary(e) for e in events] == [
        ("MODIFIED", "r-x", {"v": "1"}),
        ("MODIFIED", "r-x", {"v": "2"}),
        ("DELETED", "r-x", {"v": "2"}),
        ("ADDED", "r-y", {"v": "y"}),
    ]
    assert [e["object"].metadata.resource_version for e in (events[0], events[1], events[3])] == [
        p1.metadata.resource_version, p2.metadata.resource_version, y.metadata.resource_version]


def test_watch_from_a_list_sees_only_later_changes(core, ns):
    labels = {"watch": "after-list"}
    core.create_namespaced_config_map(ns, cm("l-old", labels, v="0"))
    listed = core.list_namespaced_config_map(ns, label_selector="watch=after-list")
    assert [o.metadata.name for o in listed.items] == ["l-old"]
    core.create_namespaced_config_map(ns, cm("l-new", labels, v="0"))
    core.patch_namespaced_config_map("l-old", ns, {"data": {"v": "1"}})

    w = watch.Watch()
    events = []
    for event in w.stream(core.list_namespaced_config_map, ns, label_selector="watch=after-list",
                          resource_version=listed.metadata.resource_version, **BOUND):
        events.append(event)
        if len(events) == 2:
            w.stop()
    assert [summary(e) for e in events] == [("ADDED", "l-new", {"v": "0"}), ("MODIFIED", "l-old", {"v": "1"})]


def test_watch_field_selector_picks_one_object(core, ns):
    labels = {"watch": "field"}
    listed = core.list_namespaced_config_map(ns, label_selector="watch=field")
    for name in ("f-other", "f-mine", "f-third"):
        core.create_namespaced_config_map(ns, cm(name, labels, v="0"))
    core.patch_namespaced_config_map("f-other", ns, {"data": {"v": "1"}})
    core.patch_namespaced_config_map("f-mine", ns, {"data": {"v": "1"}})
    w = watch.Watch()
    events = []
    for event in w.stream(core.list_namespaced_config_map, ns, field_selector="metadata.name=f-mine",
                          resource_version=listed.metadata.resource_version, **BOUND):
        events.append(event)
        if len(events) == 2:
            w.stop()
    assert [summary(e) for e in events] == [("ADDED", "f-mine", {"v": "0"}), ("MODIFIED", "f-mine", {"v": "1"})]


def test_watch_ends_after_timeout_seconds(core, ns):
    listed = core.list_namespaced_config_map(ns, label_selector="watch=quiet")
    start = time.monotonic()
    events = list(watch.Watch().stream(core.list_namespaced_config_map, ns, label_selector="watch=quiet",
                                       resource_version=listed.metadata.resource_version,
                                       timeout_seconds=2, _request_timeout=30))
    elapsed = time.monotonic() - start
    assert events == []
    assert 1.5 <= elapsed < 15, f"a watch with timeoutSeconds=2 ended after {elapsed:.1f} s"


def test_watch_a_deployment_as_apps_v1(apps, ns):
    listed = apps.list_namespaced_deployment(ns)
    w = watch.Watch()
    events = []
    name = "watched"
    body = client.V1Deployment(metadata=client.V1ObjectMeta(name=name), spec=client.V1DeploymentSpec(
        replicas=0, selector=client.V1LabelSelector(match_labels={"app": name}), template=pod_template({"app": name})))
    apps.create_namespaced_deployment(ns, body)
    deleted = False
    for event in w.stream(apps.list_namespaced_deployment, ns, resource_version=listed.metadata.resource_version, **BOUND):
        events.append(event)
        if not deleted:
            apps.delete_namespaced_deployment(name, ns)
            deleted = True
        if event["type"] == "DELETED":
            w.stop()
    types = [e["type"] for e in events]
    assert types[0] == "ADDED" and types[-1] == "DELETED", types
    assert set(types[1:-1]) <= {"MODIFIED"}, types
    assert all(isinstance(e["object"], client.V1Deployment) and e["object"].metadata.name == name for e in events)
    assert all(e["raw_object"]["apiVersion"] == "apps/v1" and e["raw_object"]["kind"] == "Deployment" for e in events)


def test_watch_namespaces_through_their_deletion(core, suffix):
    name = f"py-watched-{suffix}"
    listed = core.list_namespace(label_selector=f"watched={suffix}")
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name, labels={"watched": suffix})))
    core.delete_namespace(name)
    w = watch.Watch()
    events = []
    for event in w.stream(core.list_namespace, label_selector=f"watched={suffix}",
                          resource_version=listed.metadata.resource_version, timeout_seconds=60, _request_timeout=90):
        events.append(event)
        if event["type"] == "DELETED":
            w.stop()
    types = [e["type"] for e in events]
    assert types[0] == "ADDED" and types[-1] == "DELETED", types
    assert set(types[1:-1]) == {"MODIFIED"}, f"the namespace went Terminating before it went away: {types}"
    assert events[1]["object"].status.phase == "Terminating"
    assert events[1]["object"].metadata.deletion_timestamp is not None
    wait_until(lambda: name not in [n.metadata.name for n in core.list_namespace().items], timeout=10,
               what="the namespace to be gone from lists")
