package io.lightmem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.extract.Segment;
import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MessagesUse;
import io.lightmem.memory.Role;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShortTermBufferTest {

    private static LoggedMessage message(long id, long segment, Role role, int tokens) {
        return new LoggedMessage(id, role, "m" + id, OffsetDateTime.parse("1970-01-01T00:00:00Z").plusSeconds(id), "Thu", null, role.name(), segment,
                tokens);
    }

    /** Three segments of 40 user tokens each, with 100-token assistant replies in between. */
    private static final List<LoggedMessage> PENDING = List.of(
            message(1, 1, Role.user, 40), message(2, 1, Role.assistant, 100),
            message(3, 3, Role.user, 40), message(4, 3, Role.assistant, 100),
            message(5, 5, Role.user, 40), message(6, 5, Role.assistant, 100));

    @Test
    void underTheBudgetNothingIsReleased() {
        assertThat(ShortTermBuffer.nextBatch(PENDING, MessagesUse.user_only, 120, false)).isEmpty();
    }

    @Test
    void theSegmentsBeforeTheOneThatPassesTheBudgetAreReleasedTogether() {
        List<Segment> batch = ShortTermBuffer.nextBatch(PENDING, MessagesUse.user_only, 100, false);

        assertThat(batch).extracting(Segment::id).containsExactly(1L, 3L);
        assertThat(batch.get(0).messages()).extracting(LoggedMessage::id).containsExactly(1L, 2L);
    }

    @Test
    void onlyTheRolesThatFeedExtractionCount() {
        assertThat(ShortTermBuffer.nextBatch(PENDING, MessagesUse.hybrid, 200, false)).extracting(Segment::id)
                .containsExactly(1L);
        assertThat(ShortTermBuffer.nextBatch(PENDING, MessagesUse.assistant_only, 250, false)).extracting(Segment::id)
                .containsExactly(1L, 3L);
    }

    @Test
    void aSegmentLargerThanTheBudgetIsReleasedAlone() {
        assertThat(ShortTermBuffer.nextBatch(PENDING, MessagesUse.user_only, 30, false)).extracting(Segment::id)
                .containsExactly(1L);
    }

    @Test
    void flushAllReleasesEverything() {
        assertThat(ShortTermBuffer.nextBatch(PENDING, MessagesUse.user_only, 10_000, true)).extracting(Segment::id)
                .containsExactly(1L, 3L, 5L);
        assertThat(ShortTermBuffer.nextBatch(List.of(), MessagesUse.user_only, 10, true)).isEmpty();
    }
}
