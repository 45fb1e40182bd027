package io.lightmem.bench;

import io.lightmem.bench.RecallMetrics.Hit;
import io.lightmem.v1.RetrievedMemory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Replays hybrid fusion offline over variants of reciprocal rank fusion: for each question the service's
 * own `embedding` and `context` lists (top {@link #MAX_DEPTH}) are fetched once, then fused here with
 * every (k, context weight, depth) of the grid, score(d) = Σ_lists w_list / (k + rank), and scored like
 * the service's hybrid. Weight 1 for both lists and depth D reproduce the service's hybrid with
 * rrf-k = k and candidates = D exactly (same ranks, same tie order: the embedding list first).
 */
final class FusionSweep {

    static final int MAX_DEPTH = 100;

    /** One fusion variant; the embedding list always has weight 1. */
    record Variant(int k, double contextWeight, int depth) {
        String name() {
            return "k=" + k + " w_ctx=" + contextWeight + " depth=" + depth;
        }
    }

    static final List<Variant> GRID = grid();

    /** A ranked result: the memory's id and what it scores as. */
    record Item(String id, Hit hit) {
    }

    /** Scores one fused ranking of one question into the metrics of a variant. */
    interface Scorer {
        void score(List<Hit> fused, List<RecallMetrics> into);
    }

    private record Question(List<Item> semantic, List<Item> lexical, Scorer scorer) {
    }

    private final int metricsPerVariant;
    private final List<Question> questions = new ArrayList<>();

    /** @param metricsPerVariant how many RecallMetrics a scorer fills (e.g. 2: session and turn level) */
    FusionSweep(int metricsPerVariant) {
        this.metricsPerVariant = metricsPerVariant;
    }

    /**
     * Fetches the service's `embedding` and `context` lists for one question (top {@link #MAX_DEPTH}
     * each) and keeps them to be fused by every variant.
     *
     * @param queryTime when the question is asked (the request's query_time)
     * @param hit what a retrieved memory scores as
     */
    void add(ServiceClient service, String userId, String question, java.time.Instant queryTime,
            Function<RetrievedMemory, Hit> hit, Scorer scorer) {
        questions.add(new Question(items(service, userId, question, queryTime, "embedding", hit),
                items(service, userId, question, queryTime, "context", hit), scorer));
    }

    private static List<Item> items(ServiceClient service, String userId, String question, java.time.Instant queryTime,
            String strategy, Function<RetrievedMemory, Hit> hit) {
        return service.retrieve(userId, question, MAX_DEPTH, ServiceClient.strategy(strategy), 0, queryTime)
                .getMemoriesList()
                .stream().map(m -> new Item(m.getEntry().getId(), hit.apply(m))).toList();
    }

    Map<Variant, List<RecallMetrics>> run() {
        Map<Variant, List<RecallMetrics>> out = new LinkedHashMap<>();
        for (Variant v : GRID) {
            List<RecallMetrics> metrics = new ArrayList<>();
            for (int i = 0; i < metricsPerVariant; i++) {
                metrics.add(new RecallMetrics());
            }
            for (Question q : questions) {
                q.scorer().score(fuse(q.semantic(), q.lexical(), v, RecallMetrics.KS[RecallMetrics.KS.length - 1]),
                        metrics);
            }
            out.put(v, metrics);
        }
        return out;
    }

    /** Weighted RRF of the two lists cut at the variant's depth; stable for equal scores. */
    static List<Hit> fuse(List<Item> semantic, List<Item> lexical, Variant v, int limit) {
        Map<String, Item> items = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        add(semantic, 1.0, v, items, scores);
        add(lexical, v.contextWeight(), v, items, scores);
        List<String> ids = new ArrayList<>(items.keySet());
        ids.sort(Comparator.comparingDouble((String id) -> scores.get(id)).reversed());
        return ids.subList(0, Math.min(limit, ids.size())).stream().map(id -> items.get(id).hit()).toList();
    }

    private static void add(List<Item> ranking, double weight, Variant v, Map<String, Item> items,
            Map<String, Double> scores) {
        for (int i = 0; i < Math.min(v.depth(), ranking.size()); i++) {
            Item item = ranking.get(i);
            items.putIfAbsent(item.id(), item);
            scores.merge(item.id(), weight / (v.k() + i + 1), Double::sum);
        }
    }

    private static List<Variant> grid() {
        List<Variant> grid = new ArrayList<>();
        for (int depth : new int[] {20, 50, 100}) {
            for (int k : new int[] {1, 5, 10, 30, 60, 100}) {
                for (double w : new double[] {0.5, 0.75, 1.0, 1.5, 2.0, 3.0}) {
                    grid.add(new Variant(k, w, depth));
                }
            }
        }
        return grid;
    }
}
