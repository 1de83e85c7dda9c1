package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.List;

/** A NoSchedule or NoExecute taint keeps out pods that do not tolerate it. */
public final class TaintToleration implements FilterPlugin {

    @Override
    public String name() {
        return "TaintToleration";
    }

    @Override
    public String filter(PodInfo pod, NodeInfo node) {
        for (Taint t : node.taints()) {
            if (("NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect())) && !tolerated(pod, t)) {
                return "node(s) had untolerated taint {" + t.getKey() + ": " + (t.getValue() == null ? "" : t.getValue()) + "}";
            }
        }
        return null;
    }

    /** Kubernetes's ToleratesTaint: key (or empty key with Exists), operator, value and effect all match. */
    public static boolean tolerated(PodInfo pod, Taint taint) {
        List<Toleration> tolerations = pod.pod().getSpec().getTolerations();
        if (tolerations == null) {
            return false;
        }
        for (Toleration t : tolerations) {
            if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
                continue;
            }
            boolean exists = "Exists".equals(t.getOperator());
            if (t.getKey() == null || t.getKey().isEmpty()) {
                if (exists) {
                    return true;
                }
                continue;
            }
            if (!t.getKey().equals(taint.getKey())) {
                continue;
            }
            if (exists) {
                return true;
            }
            String value = t.getValue() == null ? "" : t.getValue();
            if (value.equals(taint.getValue() == null ? "" : taint.getValue())) {
                return true;
            }
        }
        return false;
    }
}
