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

    /**
     * One ranked result: the gold ids it covers, its size in tokens as a prompt gets it (the service's
     * formatted line "{time} {weekday} {memory}"), and the tokens of its text alone, which is what a
     * baseline storing bare texts returns, so the two compare like with like.
     */
    record Hit(Set<String> turnIds, int tokens, int textTokens) {
        /** A result whose text is all a prompt gets (the baseline's). */
        Hit(Set<String> turnIds, int tokens) {
            this(turnIds, tokens, tokens);
        }
    }

    private final Map<String, double[]> anySums = new TreeMap<>();
    private final Map<String, double[]> allSums = new TreeMap<>();
    private final Map<String, double[]> fractionSums = new TreeMap<>();
    private final Map<String, double[]> tokenSums = new TreeMap<>();
    private final Map<String, double[]> textTokenSums = new TreeMap<>();
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
            double[] textTokens = textTokenSums.computeIfAbsent(group, g -> new double[KS.length]);
            counts.merge(group, 1, Integer::sum);
            for (int i = 0; i < KS.length; i++) {
                Set<String> covered = new HashSet<>();
                int tokenCount = 0;
                int textTokenCount = 0;
                for (Hit hit : ranked.subList(0, Math.min(KS[i], ranked.size()))) {
                    covered.addAll(hit.turnIds());
                    tokenCount += hit.tokens();
                    textTokenCount += hit.textTokens();
                }
                any[i] += evidence.stream().anyMatch(covered::contains) ? 1 : 0;
                all[i] += covered.containsAll(evidence) ? 1 : 0;
                fraction[i] += evidence.stream().filter(covered::contains).count() / (double) evidence.size();
                tokens[i] += tokenCount;
                textTokens[i] += textTokenCount;
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

    /** recall@k over every question outside group {@code excluded} (e.g. a type that scores 0 by construction). */
    double recallWithout(String excluded, int k) {
        return meanWithout(fractionSums, excluded, k);
    }

    double recallAnyWithout(String excluded, int k) {
        return meanWithout(anySums, excluded, k);
    }

    int countWithout(String excluded) {
        return count(ALL) - count(excluded);
    }

    private double meanWithout(Map<String, double[]> sums, String excluded, int k) {
        int n = countWithout(excluded);
        double excludedSum = count(excluded) == 0 ? 0 : sums.get(excluded)[index(k)];
        return n == 0 ? Double.NaN : (sums.get(ALL)[index(k)] - excludedSum) / n;
    }

    double meanTokens(String group, int k) {
        return mean(tokenSums, group, k);
    }

    /** Mean tokens of the top k's texts alone (without the service's time and weekday prefix). */
    double meanTextTokens(String group, int k) {
        return mean(textTokenSums, group, k);
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
                g.put("text_tokens@" + k, round(meanTextTokens(group, k)));
            }
            out.put(group, g);
        }
        return out;
    }

    private double mean(Map<String, double[]> sums, String group, int k) {
        int n = count(group);
        return n == 0 ? Double.NaN : sums.get(group)[index(k)] / n;
    }

    private static int index(int k) {
        for (int i = 0; i < KS.length; i++) {
            if (KS[i] == k) {
                return i;
            }
        }
        throw new IllegalArgumentException("k must be one of 1, 3, 5, 10, 20, 50, got " + k);
    }

    static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
