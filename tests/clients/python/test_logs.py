"""A followed log: a busybox pod prints a line a second; read_namespaced_pod_log(follow=True, _preload_content=False)
gives each line as it is printed, not all at the end, and the stream ends when the container exits. The same through
watch.Watch().stream(read_namespaced_pod_log, ...), and the boolean and integer options of a log read.
"""
import re
import time

from kubernetes import client, watch

from kube_helpers import BUSYBOX, wait_until

LINES = 6
SCRIPT = f"for i in $(seq 1 {LINES}); do echo line $i; sleep 1; done"


def start_printer(core, ns, name):
    core.create_namespaced_pod(ns, client.V1Pod(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1PodSpec(restart_policy="Never", termination_grace_period_seconds=1, containers=[
            client.V1Container(name="printer", image=BUSYBOX, image_pull_policy="Never", command=["sh", "-c", SCRIPT])])))
    wait_until(lambda: core.read_namespaced_pod_status(name, ns).status.phase == "Running", timeout=90, interval=0.2,
               what=f"pod {name} to run")
    # following starts once the first line is out, while the later ones are still to come
    wait_until(lambda: "line 1" in core.read_namespaced_pod_log(name, ns), timeout=90, interval=0.2,
               what=f"pod {name} to print its first line")


def check_arrivals(arrivals, what):
    lines = [line for line, _ in arrivals]
    assert lines == [f"line {i}" for i in range(1, LINES + 1)], f"{what}: {lines}"
    # lines come a second apart; the ones printed before the stream opened come together, the rest one by one. A
    # stream that buffered to the end would bring them all at once, one that returned what was printed so far too few
    gaps = [later[1] - earlier[1] for earlier, later in zip(arrivals, arrivals[1:])]
    apart = sum(1 for gap in gaps if gap >= 0.5)
    assert apart >= 2, f"{what}: only {apart} of the lines came 0.5 s or more after the one before ({gaps}), not as they were printed"


def wait_succeeded(core, ns, name):
    wait_until(lambda: core.read_namespaced_pod_status(name, ns).status.phase == "Succeeded", timeout=30,
               what=f"pod {name} to succeed")


def test_follow_streams_lines_as_they_are_printed(core, ns):
    name = "printer-raw"
    start_printer(core, ns, name)
    start = time.monotonic()
    resp = core.read_namespaced_pod_log(name, ns, follow=True, _preload_content=False, _request_timeout=60)
    arrivals, pending = [], ""
    try:
        for chunk in resp.stream():
            pending += chunk.decode("utf-8")
            while "\n" in pending:
                line, pending = pending.split("\n", 1)
                arrivals.append((line, time.monotonic()))
    finally:
        resp.release_conn()
    ended = time.monotonic()
    assert pending == ""
    check_arrivals(arrivals, "follow=True")
    assert ended - start < 30, "the followed log ended when the container exited"
    wait_succeeded(core, ns, name)

    # the options of a log read, on the finished container
    assert core.read_namespaced_pod_log(name, ns) == "".join(f"line {i}\n" for i in range(1, LINES + 1))
    assert core.read_namespaced_pod_log(name, ns, tail_lines=2) == f"line {LINES - 1}\nline {LINES}\n"
    stamped = core.read_namespaced_pod_log(name, ns, timestamps=True, container="printer").splitlines()
    assert len(stamped) == LINES
    for i, line in enumerate(stamped, 1):
        assert re.fullmatch(rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z line {i}", line), line
    # follow=True on a finished container returns what it printed and ends
    assert core.read_namespaced_pod_log(name, ns, follow=True, _request_timeout=30) == \
        "".join(f"line {i}\n" for i in range(1, LINES + 1))


def test_follow_through_watch_stream(core, ns):
    name = "printer-watch"
    start_printer(core, ns, name)
    arrivals = []
    for line in watch.Watch().stream(core.read_namespaced_pod_log, name=name, namespace=ns, _request_timeout=60):
        arrivals.append((line, time.monotonic()))
    check_arrivals(arrivals, "watch.Watch().stream(read_namespaced_pod_log)")
    wait_succeeded(core, ns, name)
