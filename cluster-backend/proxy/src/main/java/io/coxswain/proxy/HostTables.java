package io.coxswain.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What {@code iptables-save} printed: per table, its chains and its rules ({@code -A …} lines). */
public final class HostTables {

    static final HostTables EMPTY = new HostTables(Map.of(), Map.of());

    private final Map<String, Set<String>> chains;
    private final Map<String, List<String>> rules;

    private HostTables(Map<String, Set<String>> chains, Map<String, List<String>> rules) {
        this.chains = chains;
        this.rules = rules;
    }

    public static HostTables parse(String save) {
        Map<String, Set<String>> chains = new LinkedHashMap<>();
        Map<String, List<String>> rules = new LinkedHashMap<>();
        String table = null;
        for (String line : save.split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1).trim();
                chains.put(table, new LinkedHashSet<>());
                rules.put(table, new ArrayList<>());
            } else if (table != null && line.startsWith(":")) {
                chains.get(table).add(line.substring(1, line.indexOf(' ')));
            } else if (table != null && line.startsWith("-A ")) {
                rules.get(table).add(line);
            }
        }
        return new HostTables(chains, rules);
    }

    public Set<String> chains(String table) {
        return chains.getOrDefault(table, Set.of());
    }

    public List<String> rules(String table) {
        return rules.getOrDefault(table, List.of());
    }

    /** Whether any chain or rule mentions this text (for "no trace left" checks). */
    public boolean mentions(String text) {
        return chains.values().stream().flatMap(Set::stream).anyMatch(c -> c.contains(text))
                || rules.values().stream().flatMap(List::stream).anyMatch(r -> r.contains(text));
    }

    /**
     * The input for {@code iptables-restore --noflush} that removes every chain of the proxy with this prefix and every
     * jump into them, and nothing else.
     */
    String removalText(String prefix) {
        StringBuilder out = new StringBuilder();
        for (String table : chains.keySet()) {
            List<String> ours = chains(table).stream().filter(c -> RuleSet.owned(prefix, c)).toList();
            if (ours.isEmpty()) {
                continue;
            }
            out.append('*').append(table).append('\n');
            ours.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
            for (String rule : rules(table)) {
                if (!rule.contains(" -j ")) {
                    continue;
                }
                String chain = rule.split(" ", 3)[1];
                String target = rule.substring(rule.lastIndexOf(" -j ") + 4).split(" ")[0];
                if (!ours.contains(chain) && ours.contains(target)) {
                    out.append("-D").append(rule.substring(2)).append('\n');
                }
            }
            ours.forEach(c -> out.append("-X ").append(c).append('\n'));
            out.append("COMMIT\n");
        }
        return out.toString();
    }
}
