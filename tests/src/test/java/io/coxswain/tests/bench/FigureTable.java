package io.coxswain.tests.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints benchmark figures as a Markdown table, one column per system measured side by side. */
public final class FigureTable {

    private FigureTable() {
    }

    /** The value at {@code percentile} of the sorted values (with few samples, p99 is their maximum). */
    public static long percentile(long[] values, int percentile) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * percentile / 100.0))];
    }

    public static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    /** @param columns system name to (measure to value), every column with the same measures in the same order */
    public static void print(String title, Map<String, Map<String, String>> columns, String footer) {
        List<String> systems = new ArrayList<>(columns.keySet());
        StringBuilder out = new StringBuilder("\n").append(title).append('\n');
        out.append(String.format("| %-46s |", "measure"));
        systems.forEach(s -> out.append(String.format(" %-20s |", s)));
        out.append('\n').append("|").append("-".repeat(48)).append("|");
        systems.forEach(s -> out.append("-".repeat(22)).append("|"));
        out.append('\n');
        for (String measure : columns.get(systems.get(0)).keySet()) {
            out.append(String.format("| %-46s |", measure));
            systems.forEach(s -> out.append(String.format(" %-20s |", columns.get(s).get(measure))));
            out.append('\n');
        }
        if (footer != null) {
            out.append(footer).append('\n');
        }
        System.out.println(out);
    }
}
