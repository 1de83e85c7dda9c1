package io.coxswain.scheduler;

import io.coxswain.scheduler.plugins.BalancedAllocation;
import io.coxswain.scheduler.plugins.FilterPlugin;
import io.coxswain.scheduler.plugins.LeastAllocated;
import io.coxswain.scheduler.plugins.NodeAffinity;
import io.coxswain.scheduler.plugins.NodePorts;
import io.coxswain.scheduler.plugins.NodeReady;
import io.coxswain.scheduler.plugins.NodeResourcesFit;
import io.coxswain.scheduler.plugins.NodeUnschedulable;
import io.coxswain.scheduler.plugins.OwnerSpread;
import io.coxswain.scheduler.plugins.ScorePlugin;
import io.coxswain.scheduler.plugins.TaintToleration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scheduler profile: a schedulerName with its filter plugins and its weighted score plugins. */
public record Profile(String schedulerName, List<FilterPlugin> filters, List<WeightedScore> scores) {

    public record WeightedScore(ScorePlugin plugin, int weight) {
    }

    /** Every plugin this scheduler has, by the name a configuration file uses. */
    static Map<String, FilterPlugin> allFilters() {
        Map<String, FilterPlugin> m = new LinkedHashMap<>();
        for (FilterPlugin p : List.of(new NodeReady(), new NodeUnschedulable(), new NodeResourcesFit(), new NodeAffinity(),
                new TaintToleration(), new NodePorts())) {
            m.put(p.name(), p);
        }
        return m;
    }

    static Map<String, ScorePlugin> allScores() {
        Map<String, ScorePlugin> m = new LinkedHashMap<>();
        for (ScorePlugin p : List.of(new LeastAllocated(), new BalancedAllocation(), new OwnerSpread())) {
            m.put(p.name(), p);
        }
        return m;
    }

    /** kube-scheduler's default profile: every filter; least-allocated, balanced allocation and spreading. */
    public static Profile defaults(String schedulerName) {
        List<WeightedScore> scores = new ArrayList<>();
        allScores().values().forEach(p -> scores.add(new WeightedScore(p, p instanceof OwnerSpread ? 2 : 1)));
        return new Profile(schedulerName, List.copyOf(allFilters().values()), scores);
    }
}
