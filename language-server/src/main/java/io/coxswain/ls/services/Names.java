package io.coxswain.ls.services;

import java.util.Collection;

/** Spelling help: the known name closest to a mistyped one. */
public final class Names {

    private Names() {
    }

    /** The closest candidate within an edit distance of a third of the name (at least 2), or null. */
    public static String closest(String typed, Collection<String> candidates) {
        String best = null;
        int bestDistance = Math.max(2, typed.length() / 3) + 1;
        for (String candidate : candidates) {
            int d = distance(typed.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
