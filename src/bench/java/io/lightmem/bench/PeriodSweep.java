package io.lightmem.bench;

import io.lightmem.bench.RecallMetrics.Hit;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.retrieve.EmbeddingRetriever;
import io.lightmem.retrieve.QueryPeriod;
import io.lightmem.v1.RetrievedMemory;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Replays the service's time boost offline for several boosts, against a service run with time-boost 0
 * (and its other settings as they are): per question that names a period ({@link QueryPeriod}), the
 * embedding list and the embedding list within the period (the service's own time filter) are fetched
 * once, with the context list; then each boost ranks the union as EmbeddingRetriever does, and hybrid
 * fuses that with the context list as the service does (RRF, k = 5, 50 per list). Both fetched lists
 * already carry the service's speaker boost, so this ranks by cosine + speaker boost + time boost over
 * their union: the service's own ranking, except for the rare memory both boosts raise that is in
 * neither of its lists (EmbeddingRetriever.boosted). Questions naming no period are scored too, unchanged.
 * Relative times ("last week", "in May") are read against the time each question is asked, as the
 * service reads them against the request's query_time.
 */
final class PeriodSweep {

    static final double[] BOOSTS = {0, 0.05, 0.1, 0.2, 0.3, 0.5};
    private static final int DEPTH = 50;

    /** @param relative whether the period is read against the time asked (the question names no absolute one) */
    private record Question(List<ScoredMemory> nearest, List<ScoredMemory> inside, Optional<QueryPeriod> period,
            boolean relative, List<FusionSweep.Item> lexical, Map<String, Hit> hits, Set<String> evidence,
            String category) {
    }

    private final List<Question> questions = new ArrayList<>();
    private final ZoneId zone;

    /** @param zone the service's default time zone, in which the data's times without an offset were stored */
    PeriodSweep(ZoneId zone) {
        this.zone = zone;
    }

    /** @param queryTime when the question is asked: the service reads relative times against it */
    void add(ServiceClient service, String userId, String question, Instant queryTime, Set<String> evidence,
            String category, Function<RetrievedMemory, Hit> hit) {
        Map<String, Hit> hits = new HashMap<>();
        List<ScoredMemory> nearest = SpeakerSweep.scored(service.retrieve(userId, question, DEPTH,
                ServiceClient.strategy("embedding"), 0, queryTime).getMemoriesList(), hit, hits);
        Optional<QueryPeriod> period = QueryPeriod.find(question, zone, queryTime);
        List<ScoredMemory> inside = period.map(p -> SpeakerSweep.scored(service.retrieveWithin(userId, question, DEPTH,
                ServiceClient.strategy("embedding"), p.from(), p.to()).getMemoriesList(), hit, hits)).orElse(List.of());
        List<FusionSweep.Item> lexical = SpeakerSweep.lexical(service, userId, question, hit, hits);
        boolean relative = period.isPresent() && QueryPeriod.absolute(question, zone).isEmpty();
        questions.add(new Question(nearest, inside, period, relative, lexical, hits, evidence, category));
    }

    /**
     * Per boost: the embedding and hybrid metrics as the service would give them with that boost, over all
     * questions and (group {@link #NAMING}) over those naming a period.
     */
    Map<Double, Map<String, RecallMetrics>> run() {
        Map<Double, Map<String, RecallMetrics>> out = new LinkedHashMap<>();
        for (double boost : BOOSTS) {
            RecallMetrics embedding = new RecallMetrics();
            RecallMetrics hybrid = new RecallMetrics();
            RecallMetrics namingEmbedding = new RecallMetrics();
            RecallMetrics namingHybrid = new RecallMetrics();
            RecallMetrics relativeEmbedding = new RecallMetrics();
            RecallMetrics relativeHybrid = new RecallMetrics();
            for (Question q : questions) {
                List<ScoredMemory> ranked = q.period().isEmpty() ? q.nearest()
                        : EmbeddingRetriever.boosted(q.nearest(),
                                List.of(new EmbeddingRetriever.Boost(q.inside(), q.period().get()::contains, boost)), DEPTH);
                List<FusionSweep.Item> semantic = SpeakerSweep.items(ranked, q.hits());
                List<Hit> embeddingHits = semantic.stream().map(FusionSweep.Item::hit).toList();
                List<Hit> hybridHits = SpeakerSweep.fused(semantic, q.lexical());
                embedding.add(q.category(), q.evidence(), embeddingHits);
                hybrid.add(q.category(), q.evidence(), hybridHits);
                if (q.period().isPresent()) {
                    namingEmbedding.add(q.category(), q.evidence(), embeddingHits);
                    namingHybrid.add(q.category(), q.evidence(), hybridHits);
                }
                if (q.relative()) {
                    relativeEmbedding.add(q.category(), q.evidence(), embeddingHits);
                    relativeHybrid.add(q.category(), q.evidence(), hybridHits);
                }
            }
            out.put(boost, Map.of("embedding", embedding, "hybrid", hybrid, "embedding " + NAMING, namingEmbedding,
                    "hybrid " + NAMING, namingHybrid, "embedding " + NAMING_RELATIVE, relativeEmbedding,
                    "hybrid " + NAMING_RELATIVE, relativeHybrid));
        }
        return out;
    }

    static final String NAMING = "(questions naming a period)";
    /** Of them, those whose period is read against the time asked ("last week", "in May"). */
    static final String NAMING_RELATIVE = "(questions naming a relative time)";

    int namingQuestions() {
        return (int) questions.stream().filter(q -> q.period().isPresent()).count();
    }

    int relativeQuestions() {
        return (int) questions.stream().filter(Question::relative).count();
    }

}
