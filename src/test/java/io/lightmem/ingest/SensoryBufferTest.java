package io.lightmem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.Role;
import io.lightmem.segment.TopicSegmenter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensoryBufferTest {

    private static final OffsetDateTime EPOCH = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    /** Six turns (user + assistant), 10 user tokens each. */
    private static final List<LoggedMessage> SIX_TURNS = turns(10, 10, 10, 10, 10, 10);

    private static List<LoggedMessage> turns(int... userTokens) {
        List<LoggedMessage> messages = new ArrayList<>();
        for (int tokens : userTokens) {
            long id = messages.size() + 1;
            messages.add(new LoggedMessage(id, Role.user, "u" + id, EPOCH, "Thu", null, "User", 0, tokens));
            messages.add(new LoggedMessage(id + 1, Role.assistant, "a" + (id + 1), EPOCH, "Thu", null,
                    "Assistant", 0, 50));
        }
        return messages;
    }

    private static TopicSegmenter boundariesAt(Integer... boundaries) {
        return turns -> List.of(boundaries);
    }

    private static List<List<Long>> ids(List<List<LoggedMessage>> segments) {
        return segments.stream().map(s -> s.stream().map(LoggedMessage::id).toList()).toList();
    }

    @Test
    void nothingIsReleasedBeforeTheUserMessagesFillTheBuffer() {
        // 60 user tokens (assistant tokens do not count) against a buffer of 61.
        assertThat(SensoryBuffer.release(SIX_TURNS, 61, false, boundariesAt(2))).isEmpty();
    }

    @Test
    void aFullBufferReleasesEveryTopicButTheLastWhichMayStillContinue() {
        List<List<LoggedMessage>> released = SensoryBuffer.release(SIX_TURNS, 60, false, boundariesAt(2, 4));

        assertThat(ids(released)).containsExactly(List.of(1L, 2L, 3L, 4L), List.of(5L, 6L, 7L, 8L));
    }

    @Test
    void forceSegmentReleasesTheLastTopicToo() {
        assertThat(ids(SensoryBuffer.release(SIX_TURNS, 1000, true, boundariesAt(4))))
                .containsExactly(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), List.of(9L, 10L, 11L, 12L));
    }

    @Test
    void aFullBufferWithoutBoundariesIsOneSegment() {
        assertThat(SensoryBuffer.release(SIX_TURNS, 60, false, boundariesAt())).singleElement()
                .satisfies(segment -> assertThat(segment).hasSize(12));
    }

    @Test
    void aTurnThatAloneFillsTheBufferIsItsOwnSegmentWithItsReply() {
        List<LoggedMessage> messages = turns(5, 80, 5);

        assertThat(ids(SensoryBuffer.release(messages, 60, false, boundariesAt())))
                .containsExactly(List.of(1L, 2L), List.of(3L, 4L));
    }
}
