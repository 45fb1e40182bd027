package io.lightmem.extract;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.config.LightMemConfig.MessagesUse;
import io.lightmem.ingest.Role;
import io.lightmem.store.LoggedMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnsTest {

    private static final List<LoggedMessage> BATCH = List.of(
            message(1, Role.user, "u1"), message(2, Role.assistant, "a1"),
            message(3, Role.assistant, "a1b"),
            message(4, Role.user, "u2"),
            message(5, Role.user, "u3"), message(6, Role.assistant, "a3"));

    private static LoggedMessage message(long id, Role role, String content) {
        return new LoggedMessage(id, role, content, Instant.parse("2024-01-15T10:30:00Z").plusSeconds(id), "Mon",
                null, role == Role.user ? "User" : "Assistant");
    }

    @Test
    void aTurnIsAUserMessageWithTheRepliesThatFollow() {
        assertThat(Turns.selected(BATCH, MessagesUse.hybrid)).extracting(Turns.Turn::text)
                .containsExactly("u1\na1\na1b", "u2", "u3\na3");
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
