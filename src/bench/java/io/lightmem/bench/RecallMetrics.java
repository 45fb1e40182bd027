package io.lightmem.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Evidence recall of ranked retrievals. For one question with gold evidence E and the turns T_k
 * covered by the top k results: recall_any@k = 1 if E ∩ T_k ≠ ∅, recall_all@k = 1 if E ⊆ T_k;
 * recall@k = |E ∩ T_k| / |E| (the fraction of the evidence retrieved); all averaged over questions,
 * per category and overall. Context tokens@k = tokens of the top-k
 * formatted lines, averaged.
 */
final class RecallMetrics {

    static final int[] KS = {1, 3, 5, 10, 20, 50};
    static final String ALL = "all";

    /** One ranked result: the gold ids it covers and its size in tokens. */
    record Hit(Set<String> turnIds, int tokens) {
    }

    private final Map<String, double[]> anySums = new TreeMap<>();
    private final Map<String, double[]> allSums = new TreeMap<>();
    private final Map<String, double[]> fractionSums = new TreeMap<>();
    private final Map<String, double[]> tokenSums = new TreeMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();

    void add(String category, Set<String> evidence, List<Hit> ranked) {
        if (evidence.isEmpty()) {
            throw new IllegalArgumentException("questions without evidence are excluded before scoring");
        }
        for (String group : List.of(category, ALL)) {
            double[] any = anySums.computeIfAbsent(group, g -> new double[KS.length]);
            double[] all = allSums.computeIfAbsent(group, g -> new double[KS.length]);
            double[] fraction = fractionSums.computeIfAbsent(group, g -> new double[KS.length]);
            double[] tokens = tokenSums.computeIfAbsent(group, g -> new double[KS.length]);
            counts.merge(group, 1, Integer::sum);
            for (int i = 0; i < KS.length; i++) {
                Set<String> covered = new HashSet<>();
                int tokenCount = 0;
                for (Hit hit : ranked.subList(0, Math.min(KS[i], ranked.size()))) {
                    covered.addAll(hit.turnIds());
                    tokenCount += hit.tokens();
                }
                any[i] += evidence.stream().anyMatch(covered::contains) ? 1 : 0;
                all[i] += covered.containsAll(evidence) ? 1 : 0;
                fraction[i] += evidence.stream().filter(covered::contains).count() / (double) evidence.size();
                tokens[i] += tokenCount;
            }
        }
    }

    int count(String group) {
        return counts.getOrDefault(group, 0);
    }

    double recallAny(String group, int k) {
        return mean(anySums, group, k);
    }

    double recallAll(String group, int k) {
        return mean(allSums, group, k);
    }

    /** Mean fraction of the evidence in the top k. */
    double recall(String group, int k) {
        return mean(fractionSums, group, k);
    }

    double meanTokens(String group, int k) {
        return mean(tokenSums, group, k);
    }

    List<String> groups() {
        List<String> groups = new ArrayList<>(counts.keySet());
        groups.remove(ALL);
        groups.add(ALL);
        return groups;
    }

    /** {group: {n, recall_any@k, recall_all@k, recall@k, tokens@k}} for the JSON report. */
    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String group : groups()) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("questions", count(group));
            for (int k : KS) {
                g.put("recall_any@" + k, round(recallAny(group, k)));
                g.put("recall_all@" + k, round(recallAll(group, k)));
                g.put("recall@" + k, round(recall(group, k)));
                g.put("context_tokens@" + k, round(meanTokens(group, k)));
            }
            out.put(group, g);
        }
        return out;
    }

    private double mean(Map<String, double[]> sums, String group, int k) {
        int index = -1;
        for (int i = 0; i < KS.length; i++) {
            if (KS[i] == k) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("k must be one of 1, 3, 5, 10, 20, 50, got " + k);
        }
        int n = count(group);
        return n == 0 ? Double.NaN : sums.get(group)[index] / n;
    }

    static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
