"""Small helpers of the Python client suite: bounded waits, conflict retries, Status bodies."""
import json
import time

from kubernetes import client
from kubernetes.client.rest import ApiException

# Local images only: no registry is reachable.
PAUSE = "coxswain/pause:1"
BUSYBOX = "coxswain/busybox:1"


def wait_until(predicate, timeout=60.0, interval=0.5, what="the condition"):
    """Calls predicate until it returns a truthy value and returns that; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last value: {last!r}")
        time.sleep(interval)


def is_gone(read):
    """True when read() answers 404."""
    try:
        read()
        return False
    except ApiException as e:
        if e.status == 404:
            return True
        raise


def wait_gone(read, timeout=90.0, what="the object to be deleted"):
    wait_until(lambda: is_gone(read), timeout=timeout, what=what)


def delete_ignoring_not_found(delete):
    try:
        delete()
    except ApiException as e:
        if e.status != 404:
            raise


def update_with_retry(read, write, mutate, attempts=8):
    """Read, mutate, write; again on a 409 Conflict (a controller wrote meanwhile), as client-go's RetryOnConflict."""
    for attempt in range(attempts):
        obj = read()
        mutate(obj)
        try:
            return obj, write(obj)
        except ApiException as e:
            if e.status != 409 or attempt == attempts - 1:
                raise
            time.sleep(0.2)


def status_body(exc):
    """The Status that an ApiException carries, parsed from its body (str when preloaded, bytes otherwise)."""
    body = exc.body.decode("utf-8") if isinstance(exc.body, bytes) else exc.body
    assert body, f"the {exc.status} response had no body"
    return json.loads(body)


def pod_template(labels, image=PAUSE, command=None):
    container = client.V1Container(name="main", image=image, image_pull_policy="Never", command=command)
    return client.V1PodTemplateSpec(
        metadata=client.V1ObjectMeta(labels=labels),
        spec=client.V1PodSpec(containers=[container], termination_grace_period_seconds=1))
