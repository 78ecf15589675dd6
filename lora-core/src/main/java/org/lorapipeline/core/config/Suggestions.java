package org.lorapipeline.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and choices: the closest name by edit distance, when it is close enough. */
final class Suggestions {
    private Suggestions() {}

    static Optional<String> closest(String written, Collection<String> candidates) {
        String w = written.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // A third of the word, at least 1 and at most 3 edits: "lora_rnak" -> lora_rank, but "seed" is not "steps".
        int allowed = Math.max(1, Math.min(3, w.length() / 3));
        if (best != null && bestDistance <= allowed) {
            return Optional.of(best);
        }
        // PEFT/diffusers users drop the prefix: "rank" -> lora_rank, "dropout" -> lora_dropout.
        return candidates.stream().filter(c -> c.endsWith("_" + w) && c.startsWith("lora_")).findFirst();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
