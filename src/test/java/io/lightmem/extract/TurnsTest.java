package io.lightmem.extract;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MessagesUse;
import io.lightmem.memory.Role;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnsTest {

    private static final List<Segment> BATCH = List.of(
            new Segment(1, List.of(
                    message(1, 1, Role.user, "u1"), message(2, 1, Role.assistant, "a1"),
                    message(3, 1, Role.assistant, "a1b"),
                    message(4, 1, Role.user, "u2"))),
            new Segment(5, List.of(
                    message(5, 5, Role.user, "u3"), message(6, 5, Role.assistant, "a3"))));

    private static LoggedMessage message(long id, long segment, Role role, String content) {
        return new LoggedMessage(id, role, content, OffsetDateTime.parse("2024-01-15T10:30:00Z").plusSeconds(id), "Mon",
                null, role == Role.user ? "User" : "Assistant", segment, 3);
    }

    @Test
    void aTurnIsAUserMessageWithTheRepliesThatFollow() {
        assertThat(Turns.selected(BATCH, MessagesUse.hybrid)).extracting(Turns.Turn::text)
                .containsExactly("u1\na1\na1b", "u2", "u3\na3");
    }

    @Test
    void turnsKnowTheirTopicAndNeverSpanTwoSegments() {
        List<Turns.Turn> turns = Turns.selected(BATCH, MessagesUse.hybrid);

        assertThat(turns).extracting(Turns.Turn::topic).containsExactly(1, 1, 2);
        assertThat(turns).extracting(Turns.Turn::segmentId).containsExactly(1L, 1L, 5L);
    }

    @Test
    void theAssistantOpeningASegmentStartsATurn() {
        List<Segment> batch = List.of(new Segment(1, List.of(message(1, 1, Role.user, "u1"))),
                new Segment(2, List.of(message(2, 2, Role.assistant, "a2"), message(3, 2, Role.user, "u3"))));

        assertThat(Turns.selected(batch, MessagesUse.hybrid)).extracting(Turns.Turn::text)
                .containsExactly("u1", "a2", "u3");
    }

    @Test
    void thePromptReadsTheCompressedTextAndTheTurnKeepsBoth() {
        LoggedMessage compressed = new LoggedMessage(1, Role.user, "Alice moved to Lisbon last March.",
                OffsetDateTime.parse("2024-03-01T10:00:00Z"), "Fri", null, "Alice", 1, 3, "Alice Lisbon March.");
        List<Turns.Turn> turns = Turns.selected(List.of(new Segment(1, List.of(compressed))), MessagesUse.user_only);

        assertThat(LlmMemoryManager.promptLines(turns))
                .isEqualTo("--- Topic 1 ---\n[2024-03-01T10:00:00.000, Fri] 0.Alice: Alice Lisbon March.");
        assertThat(turns.get(0).text()).isEqualTo("Alice moved to Lisbon last March.");
        assertThat(turns.get(0).compressedText()).isEqualTo("Alice Lisbon March.");
        assertThat(Turns.selected(BATCH, MessagesUse.hybrid).get(0).compressedText()).isNull();
    }

    @Test
    void sourceIdsNumberOnlyTheTurnsThatKeepASelectedMessage() {
        List<Turns.Turn> assistantTurns = Turns.selected(BATCH, MessagesUse.assistant_only);

        assertThat(assistantTurns).extracting(Turns.Turn::text).containsExactly("a1\na1b", "a3");
        assertThat(assistantTurns).extracting(Turns.Turn::sourceId).containsExactly(0, 1);
        assertThat(assistantTurns.get(1).sourceIds()).containsExactly("6");
        assertThat(Turns.selected(BATCH, MessagesUse.user_only)).extracting(Turns.Turn::text)
                .containsExactly("u1", "u2", "u3");
    }
}
