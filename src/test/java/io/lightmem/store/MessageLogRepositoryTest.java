package io.lightmem.store;

import static io.lightmem.store.StoredMemories.freshOwner;
import static io.lightmem.store.StoredMemories.sameUserElsewhere;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.agroal.api.AgroalDataSource;
import io.lightmem.StorageException;
import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.NewMessage;
import io.lightmem.memory.NormalizedMessage;
import io.lightmem.memory.Owner;
import io.lightmem.memory.Role;
import io.lightmem.testing.Conversations;
import io.lightmem.testing.Rows;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The message log: what it accepts, for whom, in which order, and what a retried request gets back. */
@QuarkusTest
class MessageLogRepositoryTest {

    @Inject
    MessageLogRepository log;

    @Inject
    AgroalDataSource dataSource;

    private final Owner owner = freshOwner();

    private static NewMessage message(String content, String isoTime) {
        return new NewMessage(new NormalizedMessage(Role.user, content, OffsetDateTime.parse(isoTime), "Mon", null, "User"),
                null, 7);
    }

    private static RequestKey request(String id, String messages) {
        return new RequestKey(id, messages.getBytes(StandardCharsets.UTF_8));
    }

    private List<Long> append(Owner whose, boolean asSegment, String... contents) {
        List<NewMessage> messages = new ArrayList<>();
        for (int i = 0; i < contents.length; i++) {
            messages.add(message(contents[i], "2024-03-01T10:00:%02dZ".formatted(i)));
        }
        return log.append(whose, null, messages, asSegment).messageIds();
    }

    private static List<String> contents(List<LoggedMessage> messages) {
        return messages.stream().map(LoggedMessage::content).toList();
    }

    @Test
    void appendedMessagesGetIncreasingIdsInRequestOrderAndComeBackAsTheyWereWritten() {
        NewMessage compressed = new NewMessage(new NormalizedMessage(Role.assistant, "Happy to help with the garden!",
                OffsetDateTime.parse("2024-03-01T19:00:01.500+09:00"), "Fri", "bot-1", "Gardener"), "help garden", 3);

        Acceptance accepted = log.append(owner, null, List.of(message("I grow tomatoes.", "2024-03-01T10:00:00Z"),
                compressed), true);

        assertThat(accepted.repeated()).isFalse();
        assertThat(accepted.fingerprint()).isNull();
        assertThat(accepted.messageIds()).hasSize(2).isSorted();
        LoggedMessage reply = log.segmented(owner, 10).get(1);
        assertThat(reply).isEqualTo(new LoggedMessage(accepted.messageIds().get(1), Role.assistant,
                "Happy to help with the garden!", OffsetDateTime.parse("2024-03-01T19:00:01.500+09:00"), "Fri", "bot-1",
                "Gardener",
                accepted.messageIds().get(0), 3, "help garden"));
        assertThat(reply.extractionText()).isEqualTo("help garden");
    }

    @Test
    void anAppendIsAllOrNothing() {
        NewMessage unnamed = new NewMessage(new NormalizedMessage(Role.user, "Who am I?",
                OffsetDateTime.parse("2024-03-01T10:00:01Z"), "Fri", null, null), null, 3);

        assertThatThrownBy(() -> log.append(owner, request("req-1", "two"),
                List.of(message("I grow tomatoes.", "2024-03-01T10:00:00Z"), unnamed), false))
                .isInstanceOf(StorageException.class);

        assertThat(log.countPending(owner)).isZero();
        // The request id was not used up: the same request can be sent again.
        assertThat(log.accepted(owner, "req-1")).isEmpty();
    }

    @Test
    void aRequestIdIsAcceptedOnceAndItsRetryGetsTheFirstIdsAndWritesNothing() {
        Acceptance first = log.append(owner, request("req-1", "tomatoes"),
                List.of(message("I grow tomatoes.", "2024-03-01T10:00:00Z")), false);
        Acceptance retry = log.append(owner, request("req-1", "something else"),
                List.of(message("I grow potatoes.", "2024-03-01T10:05:00Z")), false);

        assertThat(first.repeated()).isFalse();
        assertThat(retry.repeated()).isTrue();
        assertThat(retry.messageIds()).isEqualTo(first.messageIds());
        // The fingerprint recorded with the id comes back, so the caller can tell a retry from a reuse.
        assertThat(retry.fingerprint()).isEqualTo("tomatoes".getBytes(StandardCharsets.UTF_8));
        assertThat(contents(log.unsegmented(owner, 10))).containsExactly("I grow tomatoes.");
        assertThat(log.accepted(owner, "req-1")).hasValueSatisfying(accepted -> {
            assertThat(accepted.messageIds()).isEqualTo(first.messageIds());
            assertThat(accepted.repeated()).isTrue();
        });
        assertThat(log.accepted(owner, "req-2")).isEmpty();
    }

    @Test
    void requestIdsBelongToTheirOwner() {
        Owner otherUser = new Owner(owner.tenantId(), Conversations.newUser());
        Owner otherTenant = sameUserElsewhere(owner);
        log.append(owner, request("req-1", "a"), List.of(message("I grow tomatoes.", "2024-03-01T10:00:00Z")), false);

        assertThat(log.append(otherUser, request("req-1", "a"), List.of(message("I keep bees.", "2024-03-01T10:00:00Z")),
                false).repeated()).isFalse();
        assertThat(log.append(otherTenant, request("req-1", "a"), List.of(message("I sail.", "2024-03-01T10:00:00Z")),
                false).repeated()).isFalse();
        assertThat(log.accepted(otherUser, "req-1").orElseThrow().messageIds())
                .isNotEqualTo(log.accepted(owner, "req-1").orElseThrow().messageIds());
    }

    @Test
    void messagesWaitUnsegmentedUntilTheyAreMadeSegmentsNamedByTheirFirstMessage() {
        List<Long> ids = append(owner, false, "one", "two", "three", "four");
        assertThat(contents(log.unsegmented(owner, 10))).containsExactly("one", "two", "three", "four");
        assertThat(log.segmented(owner, 10)).isEmpty();

        log.assignSegments(owner, List.of(ids.subList(0, 2), ids.subList(2, 3)));

        assertThat(log.segmented(owner, 10)).extracting(LoggedMessage::content, LoggedMessage::segmentId)
                .containsExactly(tuple("one", ids.get(0)), tuple("two", ids.get(0)), tuple("three", ids.get(2)));
        assertThat(contents(log.unsegmented(owner, 10))).containsExactly("four");
    }

    @Test
    void appendedAsASegmentTheyAreOneSegmentAtOnce() {
        List<Long> ids = append(owner, true, "one", "two");

        assertThat(log.segmented(owner, 10)).extracting(LoggedMessage::segmentId).containsOnly(ids.get(0));
        assertThat(log.unsegmented(owner, 10)).isEmpty();
    }

    @Test
    void theBuffersAreReadOldestFirstUpToTheLimit() {
        append(owner, true, "one", "two");
        append(owner, true, "three");

        assertThat(contents(log.segmented(owner, 2))).containsExactly("one", "two");
        assertThat(contents(log.segmented(owner, 10))).containsExactly("one", "two", "three");
    }

    @Test
    void processedMessagesLeaveTheBuffersAndTheCounts() {
        List<Long> ids = append(owner, true, "one", "two", "three");
        long allPending = log.countAllPending();

        log.markProcessed(owner, ids.subList(0, 2));

        assertThat(contents(log.segmented(owner, 10))).containsExactly("three");
        assertThat(log.countPending(owner)).isEqualTo(1);
        assertThat(log.countAllPending()).isEqualTo(allPending - 2);
    }

    @Test
    void aFailedAttemptIsRecordedAndTheMessagesStayPending() {
        List<Long> ids = append(owner, true, "one", "two");
        log.markProcessed(owner, ids.subList(0, 1));

        log.recordFailure(owner, ids, "the LLM answered 503");

        assertThat(contents(log.segmented(owner, 10))).containsExactly("two");
        assertThat(Rows.strings(dataSource, "SELECT attempts || ' ' || coalesce(last_error, '-') FROM message_log"
                + " WHERE user_id = ? ORDER BY id", owner.userId()))
                .containsExactly("1 -", "1 the LLM answered 503"); // a processed message is left as it was
    }

    @Test
    void everyReadAndWriteStaysWithinTheOwner() {
        Owner otherTenant = sameUserElsewhere(owner);
        Owner otherUser = new Owner(owner.tenantId(), Conversations.newUser());
        List<Long> mine = append(owner, false, "mine");
        append(otherTenant, false, "same user id, other tenant");
        append(otherUser, false, "other user, same tenant");

        // Writes naming another owner's ids change nothing of them.
        log.assignSegments(otherTenant, List.of(mine));
        log.markProcessed(otherUser, mine);
        log.recordFailure(otherTenant, mine, "not yours");

        assertThat(contents(log.unsegmented(owner, 10))).containsExactly("mine");
        assertThat(log.countPending(owner)).isEqualTo(1);
        assertThat(contents(log.unsegmented(otherTenant, 10))).containsExactly("same user id, other tenant");
        assertThat(log.segmented(otherTenant, 10)).isEmpty();
        assertThat(Rows.strings(dataSource, "SELECT attempts FROM message_log WHERE id = ?::bigint",
                mine.get(0).toString())).containsExactly("0");
    }
}
