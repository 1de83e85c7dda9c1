"""A list-then-watch cache, as an informer keeps one: list, remember the list's resourceVersion, watch from it in a
thread and apply each event to a dict. After 200 changes made while the watch runs (creates, updates, deletes of
ConfigMaps, in a seeded random order), the cache equals a fresh list, and each change arrived as one event.
"""
import random
import threading

from kubernetes import client, watch

from kube_helpers import wait_until

SELECTOR = "informer=cache"
CHANGES = 200


def state(obj):
    return obj.metadata.resource_version, dict(obj.data or {})


def test_list_then_watch_cache_matches_a_fresh_list(core, ns):
    labels = {"informer": "cache"}

    def create(name, value):
        core.create_namespaced_config_map(ns, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name=name, labels=labels), data={"value": value}))

    for i in range(10):  # the list starts with some objects
        create(f"cm-{i:03d}", "0")
    expected = {f"cm-{i:03d}": "0" for i in range(10)}

    listed = core.list_namespaced_config_map(ns, label_selector=SELECTOR)
    cache = {o.metadata.name: state(o) for o in listed.items}
    assert set(cache) == set(expected)

    lock = threading.Lock()
    events, errors = [], []
    w = watch.Watch()

    def run():
        try:
            for event in w.stream(core.list_namespaced_config_map, ns, label_selector=SELECTOR,
                                  resource_version=listed.metadata.resource_version,
                                  timeout_seconds=120, _request_timeout=180):
                obj = event["object"]
                with lock:
                    events.append((event["type"], obj.metadata.name))
                    if event["type"] in ("ADDED", "MODIFIED"):
                        cache[obj.metadata.name] = state(obj)
                    elif event["type"] == "DELETED":
                        cache.pop(obj.metadata.name, None)
                    else:
                        errors.append(f"unexpected event {event['type']}: {event['raw_object']}")
        except Exception as e:  # reported by the test below
            errors.append(repr(e))

    thread = threading.Thread(target=run, name="informer", daemon=True)
    thread.start()
    try:
        rng = random.Random(14)
        counter = 10
        kinds = []
        for step in range(CHANGES):
            names = sorted(expected)
            op = rng.choices(["create", "update", "delete"], weights=[4, 4, 2])[0] if len(names) > 5 else "create"
            if op == "create":
                name = f"cm-{counter:03d}"
                counter += 1
                create(name, str(step))
                expected[name] = str(step)
            elif op == "update":
                name = rng.choice(names)
                if rng.random() < 0.5:
                    core.patch_namespaced_config_map(name, ns, {"data": {"value": str(step)}})
                else:
                    obj = core.read_namespaced_config_map(name, ns)
                    obj.data["value"] = str(step)
                    core.replace_namespaced_config_map(name, ns, obj)
                expected[name] = str(step)
            else:
                name = rng.choice(names)
                core.delete_namespaced_config_map(name, ns)
                del expected[name]
            kinds.append(op)
        # the last change: a sentinel; once the cache holds it, it has seen every change before it
        create("zz-sentinel", "end")
        expected["zz-sentinel"] = "end"

        def synced():
            with lock:
                if errors:
                    raise AssertionError(f"the watch failed: {errors}")
                return "zz-sentinel" in cache
        wait_until(synced, timeout=60, interval=0.1, what="the cache to see the sentinel")
    finally:
        w.stop()

    fresh = core.list_namespaced_config_map(ns, label_selector=SELECTOR)
    with lock:
        snapshot = dict(cache)
        seen = list(events)
    assert errors == []
    assert snapshot == {o.metadata.name: state(o) for o in fresh.items}
    assert {name: data["value"] for name, (_, data) in snapshot.items()} == expected
    assert len(seen) == CHANGES + 1, f"{len(seen)} events for {CHANGES + 1} changes"
    assert [t for t, _ in seen][:-1] == [{"create": "ADDED", "update": "MODIFIED", "delete": "DELETED"}[k] for k in kinds]
    assert seen[-1] == ("ADDED", "zz-sentinel")
    assert {"create", "update", "delete"} == set(kinds)
