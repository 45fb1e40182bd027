package io.lightmem.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.bench.LongMemEvalBench.Ingest;
import io.lightmem.bench.RecallMetrics.Hit;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.RetrievedMemory;
import io.lightmem.v1.Role;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The LongMemEval harness's provenance and scoring on a hand-made mini haystack whose recall is known. */
class LongMemEvalBenchTest {

    // Two sessions listed out of time order (the data is sorted by day only); gold: session "late",
    // its assistant turn 1 and user turn 2. Session "early" has no evidence.
    private static final String QUESTION = """
            {"question_id": "q1", "question_type": "single-session-user", "question": "Where did I park?",
             "question_date": "2023/05/30 (Tue) 23:40", "answer_session_ids": ["late"],
             "haystack_session_ids": ["late", "early"],
             "haystack_dates": ["2023/05/20 (Sat) 09:10", "2023/05/20 (Sat) 00:44"],
             "haystack_sessions": [
               [{"role": "user", "content": "hi"},
                {"role": "assistant", "content": "you parked on level 3", "has_answer": true},
                {"role": "user", "content": "level 3, right", "has_answer": true}],
               [{"role": "user", "content": "weather?", "has_answer": false},
                {"role": "assistant", "content": "sunny"}]]}
            """;

    private final LongMemEvalData question = parse(QUESTION);

    @Test
    void theQuestionIsAskedAtItsQuestionDateInTheServicesZone() {
        assertThat(question.askedAt(java.time.ZoneOffset.UTC)).isEqualTo(java.time.Instant.parse("2023-05-30T23:40:00Z"));
        assertThat(question.askedAt(java.time.ZoneId.of("Asia/Tokyo")))
                .isEqualTo(java.time.Instant.parse("2023-05-30T14:40:00Z"));
    }

    @Test
    void sessionsAreIngestedInTimestampOrderOneMessagePerTurnWithItsRoleAndTime() {
        List<Ingest> requests = LongMemEvalBench.requests("u", question);

        assertThat(requests).extracting(Ingest::turnIds).containsExactly(
                List.of(List.of("early#0"), List.of("early#1")),
                List.of(List.of("late#0"), List.of("late#1"), List.of("late#2")));
        var first = requests.get(0).request();
        assertThat(first.getUserId()).isEqualTo("u");
        assertThat(first.getMessagesList()).extracting(m -> m.getRole()).containsExactly(Role.ROLE_USER, Role.ROLE_ASSISTANT);
        assertThat(first.getMessages(0).getTimeStamp()).isEqualTo("2023/05/20 (Sat) 00:44");
        assertThat(first.getMessages(1).getContent()).isEqualTo("sunny");
    }

    @Test
    void turnsWithoutVisibleTextAreNotSentAndKeepTheirIdsOutOfProvenance() {
        // LongMemEval holds a turn that is a lone zero-width space: not blank to String.isBlank, yet
        // nothing to embed (LangChain4j's baseline model refuses it).
        LongMemEvalData invisible = parse(QUESTION.replace("\"sunny\"", "\"\\u200B\"").replace("\"hi\"", "\" \\n\""));

        List<Ingest> requests = LongMemEvalBench.requests("u", invisible);

        assertThat(requests).extracting(Ingest::turnIds).containsExactly(
                List.of(List.of("early#0")),
                List.of(List.of("late#1"), List.of("late#2")));
        assertThat(invisible.sessions().get(0).turns().get(1).holdsText()).isFalse();
        assertThat(new LongMemEvalData.Turn("t", "user", "\u00A0ok\u200B", false).holdsText()).isTrue();
    }

    @Test
    void goldTurnsAreTheHasAnswerTurnsAndAbstentionIsRecognisedByItsId() {
        assertThat(question.answerTurnIds()).containsExactlyInAnyOrder("late#1", "late#2");
        assertThat(question.abstention()).isFalse();
        assertThat(parse(QUESTION.replace("\"q1\"", "\"q1_abs\"")).abstention()).isTrue();
    }

    @Test
    void retrievedMemoriesMapBackToTheirTurnsThroughTheMessageIdsInTheOrderSent() {
        List<Ingest> requests = LongMemEvalBench.requests("u", question);
        Provenance provenance = new Provenance();
        // The service returns one message-log id per message, in the order sent.
        provenance.record(AddMemoryResponse.newBuilder().addMessageIds(11).addMessageIds(12).build(),
                requests.get(0).turnIds());
        provenance.record(AddMemoryResponse.newBuilder().addMessageIds(21).addMessageIds(22).addMessageIds(23).build(),
                requests.get(1).turnIds());

        assertThat(provenance.turns(memory("23"))).containsExactly("late#2");
        assertThat(provenance.turns(memory("11"))).containsExactly("early#0");
        assertThat(provenance.turns(memory("999"))).isEmpty();
    }

    @Test
    void sessionRecallAndTurnFractionRecallAtEachK() {
        RecallMetrics sessions = new RecallMetrics();
        RecallMetrics turns = new RecallMetrics();
        // Ranked: a non-gold turn of the gold session, a turn of the other session, one gold turn.
        // With messages-use user_only the assistant gold turn late#1 is never stored.
        LongMemEvalBench.score(question, List.of(hit(4, "late#0"), hit(2, "early#0"), hit(3, "late#2")), sessions, turns);

        String type = "single-session-user";
        assertThat(sessions.recallAny(type, 1)).isEqualTo(1.0);  // rank 1 is from session "late"
        assertThat(sessions.recallAll(type, 1)).isEqualTo(1.0);
        assertThat(turns.recall(type, 1)).isEqualTo(0.0);        // late#0 is not evidence
        assertThat(turns.recall(type, 3)).isEqualTo(0.5);        // late#2 of {late#1, late#2}
        assertThat(turns.recallAny(type, 3)).isEqualTo(1.0);
        assertThat(turns.recallAll(type, 50)).isEqualTo(0.0);
        assertThat(sessions.meanTokens("all", 3)).isCloseTo(9.0, within(1e-9));
    }

    @Test
    void theReportGivesTurnRecallWithoutTheAssistantTypeBesideTheOverallRecall() {
        RecallMetrics sessions = new RecallMetrics();
        RecallMetrics turns = new RecallMetrics();
        LongMemEvalData assistantType = parse(QUESTION.replace("single-session-user", LongMemEvalBench.ASSISTANT_TYPE));
        // The user question finds both gold turns at rank 1-2; the assistant-type question finds none.
        LongMemEvalBench.score(question, List.of(hit(1, "late#1"), hit(1, "late#2")), sessions, turns);
        LongMemEvalBench.score(assistantType, List.of(hit(1, "early#0")), sessions, turns);

        Map<String, Object> without = LongMemEvalBench.withoutAssistantType(turns);

        assertThat(turns.recall("all", 5)).isEqualTo(0.5);
        assertThat(without).containsEntry("excluded", LongMemEvalBench.ASSISTANT_TYPE)
                .containsEntry("questions", 1).containsEntry("recall@1", 0.5).containsEntry("recall@5", 1.0);
    }

    @Test
    void aQuestionWithoutHasAnswerTurnsCountsAtSessionLevelOnly() {
        LongMemEvalData noTurns = parse(QUESTION.replace("\"has_answer\": true", "\"has_answer\": false"));
        RecallMetrics sessions = new RecallMetrics();
        RecallMetrics turns = new RecallMetrics();

        LongMemEvalBench.score(noTurns, List.of(hit(1, "late#0")), sessions, turns);

        assertThat(sessions.count("all")).isEqualTo(1);
        assertThat(turns.count("all")).isZero();
    }

    @Test
    void aSampleTakesTheQuestionTypesInTurnSoEveryTypeIsCovered() {
        Map<String, Deque<String>> byType = new LinkedHashMap<>();
        byType.put("temporal", new ArrayDeque<>(List.of("t1", "t2", "t3")));
        byType.put("single-session-assistant", new ArrayDeque<>(List.of("a1")));
        byType.put("multi-session", new ArrayDeque<>(List.of("m1", "m2")));

        assertThat(LongMemEvalData.roundRobin(byType, 5)).containsExactly("t1", "a1", "m1", "t2", "m2");
        assertThat(byType.get("temporal")).containsExactly("t3");
    }

    @Test
    void aSampleLargerThanTheDataTakesEverything() {
        Map<String, Deque<String>> byType = new LinkedHashMap<>();
        byType.put("temporal", new ArrayDeque<>(List.of("t1", "t2")));
        byType.put("multi-session", new ArrayDeque<>(List.of("m1")));

        assertThat(LongMemEvalData.roundRobin(byType, 10)).containsExactly("t1", "m1", "t2");
    }

    @Test
    void timestampsParseWithTheWeekdayIgnored() {
        assertThat(LongMemEvalData.time("2023/05/20 (Sat) 00:44")).hasToString("2023-05-20T00:44");
    }

    private static RetrievedMemory memory(String source) {
        return RetrievedMemory.newBuilder().setEntry(MemoryEntry.newBuilder().addSources(source)).build();
    }

    private static Hit hit(int tokens, String... turns) {
        return new Hit(Set.of(turns), tokens);
    }

    private static LongMemEvalData parse(String json) {
        try {
            return LongMemEvalData.parse(new ObjectMapper().readTree(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aControlCharacterInATurnBecomesASpaceForBothSides() {
        // The service refuses control characters other than tab and line breaks; a LongMemEval turn holds U+0090.
        assertThat(LongMemEvalData.withoutControls("caf\u0090e\tbar\r\nbaz\u0000")).isEqualTo("caf e\tbar\r\nbaz ");
    }
}
