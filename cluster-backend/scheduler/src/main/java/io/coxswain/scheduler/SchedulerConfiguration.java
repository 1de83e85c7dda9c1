package io.coxswain.scheduler;

import io.coxswain.scheduler.plugins.FilterPlugin;
import io.coxswain.scheduler.plugins.ScorePlugin;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A subset of kube-scheduler's KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1):
 * {@code percentageOfNodesToScore} and {@code profiles[]} with {@code schedulerName} and {@code plugins.filter} /
 * {@code plugins.score} {@code enabled} (with {@code weight}) and {@code disabled} lists, {@code '*'} disabling all.
 */
public record SchedulerConfiguration(int percentageOfNodesToScore, List<Profile> profiles) {

    public static SchedulerConfiguration defaults() {
        return new SchedulerConfiguration(0, List.of(Profile.defaults("default-scheduler")));
    }

    public static SchedulerConfiguration load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    public static SchedulerConfiguration parse(String yaml) {
        Map<String, Object> doc = Serialization.unmarshal(yaml, Map.class);
        if (doc == null || !"KubeSchedulerConfiguration".equals(doc.get("kind"))) {
            throw new IllegalArgumentException("not a KubeSchedulerConfiguration: kind is " + (doc == null ? "missing" : doc.get("kind")));
        }
        int percentage = doc.get("percentageOfNodesToScore") instanceof Number n ? n.intValue() : 0;
        List<Profile> profiles = new ArrayList<>();
        for (Object o : (List<Object>) doc.getOrDefault("profiles", List.of())) {
            Map<String, Object> p = (Map<String, Object>) o;
            String name = (String) p.getOrDefault("schedulerName", "default-scheduler");
            Map<String, Object> plugins = (Map<String, Object>) p.getOrDefault("plugins", Map.of());
            profiles.add(profile(name, (Map<String, Object>) plugins.getOrDefault("filter", Map.of()),
                    (Map<String, Object>) plugins.getOrDefault("score", Map.of())));
        }
        if (profiles.isEmpty()) {
            profiles.add(Profile.defaults("default-scheduler"));
        }
        return new SchedulerConfiguration(percentage, profiles);
    }

    private static Profile profile(String name, Map<String, Object> filter, Map<String, Object> score) {
        Profile base = Profile.defaults(name);
        Map<String, FilterPlugin> filters = new LinkedHashMap<>();
        base.filters().forEach(f -> filters.put(f.name(), f));
        for (String off : names(filter.get("disabled"))) {
            if (off.equals("*")) {
                filters.clear();
            } else {
                filters.remove(off);
            }
        }
        for (String on : names(filter.get("enabled"))) {
            FilterPlugin plugin = Profile.allFilters().get(on);
            if (plugin == null) {
                throw new IllegalArgumentException("profile " + name + ": no filter plugin named " + on
                        + " (known: " + Profile.allFilters().keySet() + ")");
            }
            filters.put(on, plugin);
        }
        Map<String, Profile.WeightedScore> scores = new LinkedHashMap<>();
        base.scores().forEach(s -> scores.put(s.plugin().name(), s));
        for (String off : names(score.get("disabled"))) {
            if (off.equals("*")) {
                scores.clear();
            } else {
                scores.remove(off);
            }
        }
        for (Object o : list(score.get("enabled"))) {
            @SuppressWarnings("unchecked") Map<String, Object> entry = (Map<String, Object>) o;
            String pluginName = (String) entry.get("name");
            ScorePlugin plugin = Profile.allScores().get(pluginName);
            if (plugin == null) {
                throw new IllegalArgumentException("profile " + name + ": no score plugin named " + pluginName
                        + " (known: " + Profile.allScores().keySet() + ")");
            }
            int weight = entry.get("weight") instanceof Number n ? n.intValue() : 1;
            scores.put(pluginName, new Profile.WeightedScore(plugin, weight));
        }
        return new Profile(name, List.copyOf(filters.values()), List.copyOf(scores.values()));
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Object entries) {
        List<String> names = new ArrayList<>();
        for (Object o : list(entries)) {
            names.add((String) ((Map<String, Object>) o).get("name"));
        }
        return names;
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }
}
