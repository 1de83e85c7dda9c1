package io.coxswain.ls;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * The switches {@code coxswain.validate}, {@code coxswain.completion} and {@code coxswain.hover} (as vscode-yaml's
 * {@code yaml.validate}, {@code yaml.completion}, {@code yaml.hover}): each feature can be turned off on its own, for
 * instance where another server already answers. All on by default; they apply at once, without a restart.
 */
record FeatureSettings(boolean validate, boolean completion, boolean hover) {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureSettings.class);

    static final FeatureSettings DEFAULT = new FeatureSettings(true, true, true);

    /**
     * Written out, because a record's generated equals is bootstrapped through method handles on its first call, which
     * costs ~20 ms on the way to the answer to initialize (configure compares the settings there).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSettings f && f.validate == validate && f.completion == completion && f.hover == hover;
    }

    @Override
    public int hashCode() {
        return (validate ? 4 : 0) | (completion ? 2 : 0) | (hover ? 1 : 0);
    }

    /** The sections asked with workspace/configuration, in the order {@link #withValues} reads the answers. */
    static final List<String> SECTIONS = List.of("coxswain.validate", "coxswain.completion", "coxswain.hover");

    /**
     * These settings with the switches found in {@code settings}: the initialization options or a pushed
     * didChangeConfiguration, either {@code {coxswain: {validate: ...}}} or the {@code coxswain} object itself.
     * A switch that is absent keeps its value here.
     */
    FeatureSettings with(Object settings) {
        if (!(settings instanceof JsonObject o)) {
            return this;
        }
        if (o.has("coxswain") && o.get("coxswain").isJsonObject()) {
            o = o.getAsJsonObject("coxswain");
        }
        return withValues(Arrays.asList(o.get("validate"), o.get("completion"), o.get("hover")));
    }

    /** These settings with workspace/configuration's answers for {@link #SECTIONS}; null (unset) keeps a value. */
    FeatureSettings withValues(List<?> values) {
        return new FeatureSettings(flag(values, 0, validate), flag(values, 1, completion), flag(values, 2, hover));
    }

    /** A boolean, or the current value; anything else is refused with a line in the log, not taken as false. */
    private static boolean flag(List<?> values, int index, boolean current) {
        Object value = index < values.size() ? values.get(index) : null;
        if (value == null || value instanceof JsonElement e && e.isJsonNull()) {
            return current;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof JsonPrimitive p && p.isBoolean()) {
            return p.getAsBoolean();
        }
        LOG.warn("{} must be true or false, not {}; it stays {}", SECTIONS.get(index), value, current);
        return current;
    }
}
