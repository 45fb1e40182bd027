package io.lightmem.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import io.lightmem.bench.LocomoData.Conversation;
import io.lightmem.bench.LocomoData.Observation;
import io.lightmem.bench.LocomoData.Qa;
import io.lightmem.bench.LocomoData.Session;
import io.lightmem.bench.LocomoData.Turn;
import io.lightmem.bench.RecallMetrics.Hit;
import io.lightmem.retrieve.QueryPeriod;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.Message;
import io.lightmem.v1.RetrieveResponse;
import io.lightmem.v1.RetrievedMemory;
import io.lightmem.v1.Role;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LoCoMo evidence recall through the running service: each conversation goes into its own user
 * scope via AddMemory (the `none` memory manager: one memory per message), then every question
 * with evidence (category 5 excluded) is retrieved with each strategy, top 50, and scored at
 * k = 1 … 50. Mode `turns`: one message per dialogue turn, with its speaker's name (whether the memory
 * begins with it is the service's lightmem.memory-manager.verbatim-speaker; results of a service with it
 * on — the name in the text, off by default now — are labelled `turns-named`); mode `observations`: LoCoMo's observation facts stand in for
 * LLM-extracted memories. With a {@link FusionSweep}, each question's embedding and context lists are
 * also fused offline with every variant of its grid. Provenance: AddMemory returns the
 * message-log id of each message, and every memory's `sources` holds its message id, which this
 * class maps back to the dialogue ids.
 */
final class LocomoBench {

    private static final int MAX_K = 50;

    private final ServiceClient service;
    private final Tokens tokens;
    private final Lc4jBaseline baseline;
    private final String runId;
    private final boolean sweep;
    /** "locomo" or "realtalk": names the scopes and the category labels. */
    private final String dataset;
    /** Every question's result per mode/strategy, for reading the misses (locomo.json "questions"). */
    private final Map<String, List<Map<String, Object>>> perQuestion = new LinkedHashMap<>();

    /** Replays the speaker boost offline (a service with speaker-boost 0); see SpeakerSweep. */
    private final boolean speakerSweep;

    /** Replays the time boost offline (a service with time-boost 0); see PeriodSweep. */
    private final boolean periodSweep;

    LocomoBench(ServiceClient service, Tokens tokens, Lc4jBaseline baseline, String runId, boolean sweep,
            String dataset, boolean speakerSweep, boolean periodSweep) {
        this.speakerSweep = speakerSweep;
        this.periodSweep = periodSweep;
        this.service = service;
        this.tokens = tokens;
        this.baseline = baseline;
        this.runId = runId;
        this.sweep = sweep;
        this.dataset = dataset;
    }

    /** The dataset a LoCoMo-shaped file holds, from its name: REALTALK's files say so. */
    static String datasetOf(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).contains("realtalk") ? "realtalk"
                : "locomo";
    }

    /**
     * The category's label in its dataset. LoCoMo's are its paper's; REALTALK's (1–3) are read from its
     * questions: 1 facts across sessions, 2 dates, 3 inference from what was said.
     */
    String category(Qa qa) {
        String label = switch (dataset) {
            case "realtalk" -> switch (qa.category()) {
                case 1 -> "multi-hop";
                case 2 -> "temporal";
                case 3 -> "commonsense";
                default -> "other";
            };
            default -> switch (qa.category()) {
                case 1 -> "multi-hop";
                case 2 -> "temporal";
                case 3 -> "open-domain";
                case 4 -> "single-hop";
                default -> "other";
            };
        };
        return qa.category() + " " + label;
    }

    /** One question's outcome: its gold, the turns of the top 20 and the rank of the first gold turn. */
    private void record(String name, Conversation c, Qa qa, List<Hit> hits) {
        Integer rank = null;
        List<List<String>> top = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            if (rank == null && hits.get(i).turnIds().stream().anyMatch(qa.evidence()::contains)) {
                rank = i + 1;
            }
            if (i < 20) {
                top.add(List.copyOf(hits.get(i).turnIds()));
            }
        }
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("conversation", c.sampleId());
        q.put("question", qa.question());
        q.put("category", category(qa));
        q.put("gold", List.copyOf(qa.evidence()));
        q.put("top20", top);
        q.put("first_hit_rank", rank);
        perQuestion.computeIfAbsent(name, k -> new ArrayList<>()).add(q);
    }

    Map<String, Object> run(Path file, List<String> modes, List<String> strategies, StringBuilder md) throws Exception {
        LocomoData data = LocomoData.read(file);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", file.toString());
        json.put("dataset", dataset);
        json.put("service_config", service.config());
        json.put("conversations", data.conversations().size());
        json.put("malformed_evidence_ids_skipped", data.malformedEvidence());
        json.put("unknown_evidence_ids_skipped", data.missingEvidence());
        Map<String, RecallMetrics> results = new LinkedHashMap<>();
        // The same retrievals, over the questions that name a day, month or year only (QueryPeriod).
        Map<String, RecallMetrics> periodQuestions = new LinkedHashMap<>();
        Map<String, Object> ingest = new LinkedHashMap<>();
        boolean named = service.speakerNamed();
        ZoneId zone = zone();
        json.put("verbatim_speaker", named);
        Map<String, Map<FusionSweep.Variant, List<RecallMetrics>>> sweeps = new LinkedHashMap<>();
        for (String requested : modes) {
            String mode = requested.equals("turns") && named ? "turns-named" : requested;
            long started = System.nanoTime();
            int messages = 0;
            Map<String, Provenance> provenance = new HashMap<>();
            for (Conversation c : data.conversations()) {
                Provenance ids = new Provenance();
                messages += switch (requested) {
                    case "turns" -> ingestTurns(mode, c, ids);
                    case "observations" -> ingestObservations(mode, c, ids);
                    default -> throw new IllegalArgumentException("mode must be turns or observations: " + requested
                            + " (the service names speakers itself now; run it with"
                            + " LIGHTMEM_MEMORY_MANAGER_VERBATIM_SPEAKER=true for turns named in their text)");
                };
                provenance.put(c.sampleId(), ids);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            ingest.put(mode, Map.of("messages", messages, "seconds", RecallMetrics.round(seconds),
                    "messages_per_second", RecallMetrics.round(messages / seconds)));
            System.out.printf("ingested %d %s in %.1f s%n", messages, mode, seconds);
            for (String strategy : strategies) {
                RecallMetrics metrics = new RecallMetrics();
                RecallMetrics naming = new RecallMetrics();
                for (Conversation c : data.conversations()) {
                    for (Qa qa : questions(c)) {
                        RetrieveResponse found = service.retrieve(userId(mode, c), qa.question(), MAX_K,
                                ServiceClient.strategy(strategy), 0, askedAt(c, zone));
                        List<Hit> hits = new ArrayList<>();
                        for (RetrievedMemory m : found.getMemoriesList()) {
                            hits.add(tokens.hit(provenance.get(c.sampleId()).turns(m), m));
                        }
                        metrics.add(category(qa), qa.evidence(), hits);
                        if (namesPeriod(qa, askedAt(c, zone))) {
                            naming.add(category(qa), qa.evidence(), hits);
                        }
                        record(mode + "/" + strategy, c, qa, hits);
                    }
                }
                results.put(mode + "/" + strategy, metrics);
                periodQuestions.put(mode + "/" + strategy, naming);
                System.out.printf("%s/%s: recall_any@5 %.3f @20 %.3f%n", mode, strategy,
                        metrics.recallAny(RecallMetrics.ALL, 5), metrics.recallAny(RecallMetrics.ALL, 20));
            }
            if (requested.equals("turns") && baseline != null) {
                results.put("turns/lc4j-pgvector-baseline", baseline(data));
            }
            if (sweep) {
                sweeps.put(mode, sweep(mode, data, provenance));
            }
            if (speakerSweep && requested.equals("turns")) {
                speakerSweep(mode, data, provenance, json, md);
            }
            if (periodSweep && requested.equals("turns")) {
                periodSweep(mode, data, provenance, json, md);
            }
        }
        json.put("ingest", ingest);
        Map<String, Object> recall = new LinkedHashMap<>();
        results.forEach((name, metrics) -> recall.put(name, metrics.toMap()));
        json.put("recall", recall);
        Map<String, Object> recallNaming = new LinkedHashMap<>();
        periodQuestions.forEach((name, metrics) -> recallNaming.put(name, metrics.toMap()));
        json.put("recall_questions_naming_a_period", recallNaming);
        json.put("questions", perQuestion);
        markdown(results, md);
        namingMarkdown(periodQuestions, md);
        if (sweep) {
            json.put("fusion_sweep", sweepJson(sweeps));
            sweepMarkdown(sweeps, md);
        }
        return json;
    }

    private Map<FusionSweep.Variant, List<RecallMetrics>> sweep(String mode, LocomoData data,
            Map<String, Provenance> provenance) {
        FusionSweep sweep = new FusionSweep(1);
        for (Conversation c : data.conversations()) {
            Provenance ids = provenance.get(c.sampleId());
            for (Qa qa : questions(c)) {
                sweep.add(service, userId(mode, c), qa.question(), askedAt(c, zone()),
                        m -> tokens.hit(ids.turns(m), m),
                        (fused, metrics) -> metrics.get(0).add(category(qa), qa.evidence(), fused));
            }
        }
        return sweep.run();
    }

    private void speakerSweep(String mode, LocomoData data, Map<String, Provenance> provenance,
            Map<String, Object> json, StringBuilder md) {
        if (Double.parseDouble(service.config().getOrDefault("lightmem.embedding-retriever.speaker-boost", "-1")) != 0) {
            System.out.println("speaker sweep skipped: it needs a service with LIGHTMEM_EMBEDDING_RETRIEVER_SPEAKER_BOOST=0");
            return;
        }
        SpeakerSweep sweep = new SpeakerSweep();
        for (Conversation c : data.conversations()) {
            Provenance ids = provenance.get(c.sampleId());
            List<String> participants = c.sessions().stream().flatMap(s -> s.turns().stream()).map(Turn::speaker)
                    .distinct().toList();
            for (Qa qa : questions(c)) {
                sweep.add(service, userId(mode, c), participants, qa.question(), askedAt(c, zone()), qa.evidence(),
                        category(qa),
                        m -> tokens.hit(ids.turns(m), m));
            }
        }
        Map<Double, Map<String, RecallMetrics>> results = sweep.run();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("questions_naming_a_participant", sweep.namingQuestions());
        md.append("### Speaker boost replayed (").append(dataset).append(", ").append(sweep.namingQuestions())
                .append(" questions name a participant): recall_any@1 / @5 / @10 / @20\n\n");
        md.append("| speaker-boost | embedding | hybrid |\n|---|---|---|\n");
        results.forEach((boost, byStrategy) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            byStrategy.forEach((strategy, m) -> row.put(strategy, m.toMap().get(RecallMetrics.ALL)));
            out.put(Double.toString(boost), row);
            RecallMetrics e = byStrategy.get("embedding");
            RecallMetrics h = byStrategy.get("hybrid");
            String g = RecallMetrics.ALL;
            md.append(String.format("| %.2f | %.3f / %.3f / %.3f / %.3f | %.3f / %.3f / %.3f / %.3f |%n", boost,
                    e.recallAny(g, 1), e.recallAny(g, 5), e.recallAny(g, 10), e.recallAny(g, 20),
                    h.recallAny(g, 1), h.recallAny(g, 5), h.recallAny(g, 10), h.recallAny(g, 20)));
        });
        md.append('\n');
        json.put("speaker_sweep", out);
    }

    /** Whether the question names a day, month or year, also relative to {@code asked} (QueryPeriod). */
    static boolean namesPeriod(Qa qa, Instant asked) {
        return QueryPeriod.find(qa.question(), ZoneOffset.UTC, asked).isPresent();
    }

    /**
     * When the conversation's questions are asked: LoCoMo and REALTALK give no date for a question, and
     * they are asked after the conversation, so at the time of its last session (as stored: in the
     * service's default zone, the session times carrying none).
     */
    static Instant askedAt(Conversation c, ZoneId zone) {
        return LocalDateTime.parse(c.sessions().get(c.sessions().size() - 1).isoTime()).atZone(zone).toInstant();
    }

    /** The service's default time zone, in which it stored the data's times (they carry no offset). */
    private ZoneId zone() {
        return ZoneId.of(service.config().getOrDefault("lightmem.default-time-zone", "UTC"));
    }

    private void periodSweep(String mode, LocomoData data, Map<String, Provenance> provenance,
            Map<String, Object> json, StringBuilder md) {
        if (Double.parseDouble(service.config().getOrDefault("lightmem.embedding-retriever.time-boost", "-1")) != 0) {
            System.out.println("period sweep skipped: it needs a service with LIGHTMEM_EMBEDDING_RETRIEVER_TIME_BOOST=0");
            return;
        }
        ZoneId zone = zone();
        PeriodSweep sweep = new PeriodSweep(zone);
        for (Conversation c : data.conversations()) {
            Provenance ids = provenance.get(c.sampleId());
            for (Qa qa : questions(c)) {
                sweep.add(service, userId(mode, c), qa.question(), askedAt(c, zone), qa.evidence(), category(qa),
                        m -> tokens.hit(ids.turns(m), m));
            }
        }
        Map<Double, Map<String, RecallMetrics>> results = sweep.run();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("questions_naming_a_period", sweep.namingQuestions());
        out.put("questions_naming_a_relative_time", sweep.relativeQuestions());
        md.append("### Time boost replayed (").append(dataset).append(", ").append(sweep.namingQuestions())
                .append(" questions name a period, ").append(sweep.relativeQuestions())
                .append(" of them relative to the time asked): any@1 / @5 / @10 / @20, all@5 / @20\n\n");
        md.append("| time-boost | list | embedding | hybrid |\n|---|---|---|---|\n");
        results.forEach((boost, byStrategy) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            byStrategy.forEach((strategy, m) -> row.put(strategy, m.toMap().get(RecallMetrics.ALL)));
            out.put(Double.toString(boost), row);
            for (String questions : List.of("", " " + PeriodSweep.NAMING, " " + PeriodSweep.NAMING_RELATIVE)) {
                RecallMetrics e = byStrategy.get("embedding" + questions);
                RecallMetrics h = byStrategy.get("hybrid" + questions);
                String g = RecallMetrics.ALL;
                md.append(String.format("| %.2f | %s | %.3f / %.3f / %.3f / %.3f, %.3f / %.3f | %.3f / %.3f / %.3f / %.3f, %.3f / %.3f |%n",
                        boost, questions.isEmpty() ? "all questions" : questions.strip().replaceAll("[()]|questions ", ""),
                        e.recallAny(g, 1), e.recallAny(g, 5), e.recallAny(g, 10), e.recallAny(g, 20),
                        e.recallAll(g, 5), e.recallAll(g, 20), h.recallAny(g, 1), h.recallAny(g, 5), h.recallAny(g, 10),
                        h.recallAny(g, 20), h.recallAll(g, 5), h.recallAll(g, 20)));
            }
        });
        md.append('\n');
        json.put("period_sweep", out);
    }

    static Map<String, Object> sweepJson(Map<String, Map<FusionSweep.Variant, List<RecallMetrics>>> sweeps) {
        Map<String, Object> out = new LinkedHashMap<>();
        sweeps.forEach((mode, variants) -> {
            Map<String, Object> byVariant = new LinkedHashMap<>();
            variants.forEach((v, metrics) -> byVariant.put(v.name(), metrics.get(0).toMap().get(RecallMetrics.ALL)));
            out.put(mode, byVariant);
        });
        return out;
    }

    private static void sweepMarkdown(Map<String, Map<FusionSweep.Variant, List<RecallMetrics>>> sweeps,
            StringBuilder md) {
        md.append("### Fusion sweep: recall_any@5 / @10 / @20 of weighted RRF variants (all categories)\n\n");
        md.append("| variant |");
        sweeps.keySet().forEach(mode -> md.append(' ').append(mode).append(" |"));
        md.append("\n|---|");
        sweeps.keySet().forEach(mode -> md.append("---|"));
        md.append('\n');
        for (FusionSweep.Variant v : FusionSweep.GRID) {
            md.append("| ").append(v.name()).append(" |");
            sweeps.values().forEach(variants -> {
                RecallMetrics m = variants.get(v).get(0);
                String g = RecallMetrics.ALL;
                md.append(String.format(" %.3f / %.3f / %.3f |", m.recallAny(g, 5), m.recallAny(g, 10),
                        m.recallAny(g, 20)));
            });
            md.append('\n');
        }
        md.append('\n');
    }

    private RecallMetrics baseline(LocomoData data) {
        long started = System.nanoTime();
        for (Conversation c : data.conversations()) {
            List<String> texts = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (Session s : c.sessions()) {
                for (Turn t : s.turns()) {
                    texts.add(t.text());
                    ids.add(t.diaId());
                }
            }
            baseline.add(c.sampleId(), texts, ids);
        }
        System.out.printf("baseline ingested in %.1f s%n", (System.nanoTime() - started) / 1e9);
        RecallMetrics metrics = new RecallMetrics();
        for (Conversation c : data.conversations()) {
            for (Qa qa : questions(c)) {
                List<Hit> hits = new ArrayList<>();
                for (EmbeddingMatch<TextSegment> match : baseline.search(c.sampleId(), qa.question(), MAX_K)) {
                    hits.add(new Hit(Set.of(match.embedded().metadata().getString("dia_id")),
                            tokens.count(match.embedded().text())));
                }
                metrics.add(category(qa), qa.evidence(), hits);
                record("turns/lc4j-pgvector-baseline", c, qa, hits);
            }
        }
        System.out.printf("baseline: recall_any@5 %.3f @20 %.3f%n", metrics.recallAny(RecallMetrics.ALL, 5),
                metrics.recallAny(RecallMetrics.ALL, 20));
        return metrics;
    }

    /** Categories 1–4 with at least one usable evidence id; category 5 (adversarial) is excluded. */
    static List<Qa> questions(Conversation c) {
        return c.qa().stream().filter(q -> q.category() >= 1 && q.category() <= 4 && !q.evidence().isEmpty()).toList();
    }

    private String userId(String mode, Conversation c) {
        return "bench-" + dataset + "-" + runId + "-" + mode + "-" + c.sampleId();
    }

    private int ingestTurns(String mode, Conversation c, Provenance provenance) {
        int count = 0;
        for (Session s : c.sessions()) {
            AddMemoryRequest.Builder request = AddMemoryRequest.newBuilder().setUserId(userId(mode, c));
            for (Turn t : s.turns()) {
                request.addMessages(message(t.speaker(), t.text(), s.isoTime()));
            }
            provenance.record(service.add(request.build()), s.turns().stream().map(t -> List.of(t.diaId())).toList());
            count += s.turns().size();
        }
        return count;
    }

    private int ingestObservations(String mode, Conversation c, Provenance provenance) {
        Map<Integer, String> times = new HashMap<>();
        c.sessions().forEach(s -> times.put(s.index(), s.isoTime()));
        Map<Integer, List<Observation>> bySession = new LinkedHashMap<>();
        c.observations().forEach(o -> bySession.computeIfAbsent(o.session(), k -> new ArrayList<>()).add(o));
        int count = 0;
        for (Map.Entry<Integer, List<Observation>> session : bySession.entrySet()) {
            AddMemoryRequest.Builder request = AddMemoryRequest.newBuilder().setUserId(userId(mode, c));
            for (Observation o : session.getValue()) {
                request.addMessages(message(o.speaker(), o.fact(), times.get(session.getKey())));
            }
            provenance.record(service.add(request.build()), session.getValue().stream().map(Observation::diaIds).toList());
            count += session.getValue().size();
        }
        return count;
    }

    private static Message message(String speaker, String text, String time) {
        // Both speakers are people whose facts matter: role user, so messages_use=user_only keeps them.
        return Message.newBuilder().setRole(Role.ROLE_USER).setSpeakerName(speaker).setContent(text)
                .setTimeStamp(time).build();
    }

    private void namingMarkdown(Map<String, RecallMetrics> results, StringBuilder md) {
        md.append("### ").append(dataset).append(" evidence recall, questions naming a day, month or year (QueryPeriod)\n\n");
        md.append("| mode / strategy | questions | any@1 | any@5 | any@10 | any@20 | all@5 | all@20 |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        results.forEach((name, m) -> {
            String g = RecallMetrics.ALL;
            md.append(String.format("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", name, m.count(g),
                    m.recallAny(g, 1), m.recallAny(g, 5), m.recallAny(g, 10), m.recallAny(g, 20), m.recallAll(g, 5),
                    m.recallAll(g, 20)));
        });
        md.append('\n');
    }

    private void markdown(Map<String, RecallMetrics> results, StringBuilder md) {
        md.append("### ").append(dataset).append(" evidence recall, all categories\n\n");
        md.append("tokens = the returned lines as a prompt gets them (`{time} {weekday} {memory}`); text tokens = ")
                .append("the memory texts alone, as the baseline returns them.\n\n");
        md.append("| mode / strategy | questions | any@1 | any@3 | any@5 | any@10 | any@20 | any@50 | all@5 | all@20 | all@50 | tokens@5 | tokens@20 | text tokens@5 | text tokens@20 |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((name, m) -> {
            String g = RecallMetrics.ALL;
            md.append(String.format("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.0f | %.0f |%n",
                    name, m.count(g), m.recallAny(g, 1), m.recallAny(g, 3), m.recallAny(g, 5), m.recallAny(g, 10),
                    m.recallAny(g, 20), m.recallAny(g, 50), m.recallAll(g, 5), m.recallAll(g, 20), m.recallAll(g, 50),
                    m.meanTokens(g, 5), m.meanTokens(g, 20), m.meanTextTokens(g, 5), m.meanTextTokens(g, 20)));
        });
        md.append("\n### Per category\n\n");
        md.append("| mode / strategy | category | questions | any@5 | any@20 | all@5 | all@20 |\n|---|---|---|---|---|---|---|\n");
        results.forEach((name, m) -> m.groups().stream().filter(g -> !g.equals(RecallMetrics.ALL)).forEach(g ->
                md.append(String.format("| %s | %s | %d | %.3f | %.3f | %.3f | %.3f |%n", name, g, m.count(g),
                        m.recallAny(g, 5), m.recallAny(g, 20), m.recallAll(g, 5), m.recallAll(g, 20)))));
        md.append('\n');
    }
}
