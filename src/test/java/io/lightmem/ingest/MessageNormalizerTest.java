package io.lightmem.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.NormalizedMessage;
import io.lightmem.memory.Role;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageNormalizerTest {

    private static MessageInput user(String content, String time) {
        return new MessageInput(Role.user, content, time, null, null);
    }

    @Test
    void acceptsIsoTimesWithAndWithoutZoneAndFraction() {
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("a", "2024-01-15T10:30:00"),
                user("b", "2024-01-15T10:30:00.250Z"),
                user("c", "2024-01-15T12:30:00.250+02:00")));

        assertThat(messages).extracting(NormalizedMessage::timeStamp).containsExactly(
                Instant.parse("2024-01-15T10:30:00Z"),
                Instant.parse("2024-01-15T10:30:00.250Z"),
                Instant.parse("2024-01-15T10:30:00.750Z")); // the same instant as the previous one: 500 ms later
        assertThat(messages).extracting(NormalizedMessage::weekday).containsOnly("Mon");
    }

    @Test
    void acceptsTheSessionFormWithEitherSeparatorAndOptionalSeconds() {
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("a", "2023/05/20 (Sat) 00:44"),
                user("b", "2023-05-21 (Sun) 07:05:09"),
                user("c", "2023/05/22 18:00")));

        assertThat(messages).extracting(NormalizedMessage::timeStamp).containsExactly(
                Instant.parse("2023-05-20T00:44:00Z"),
                Instant.parse("2023-05-21T07:05:09Z"),
                Instant.parse("2023-05-22T18:00:00Z"));
        assertThat(messages).extracting(NormalizedMessage::weekday).containsExactly("Sat", "Sun", "Mon");
    }

    @Test
    void messagesSharingASessionTimeAreSpreadInOrderAndANewTimeRestartsTheSpread() {
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("a", "2023/05/20 (Sat) 00:44"),
                new MessageInput(Role.assistant, "b", "2023/05/20 (Sat) 00:44", null, null),
                user("c", "2023/05/20 (Sat) 00:44"),
                user("d", "2023/05/20 (Sat) 09:00")));

        assertThat(messages).extracting(NormalizedMessage::timeStamp).containsExactly(
                Instant.parse("2023-05-20T00:44:00Z"),
                Instant.parse("2023-05-20T00:44:00.500Z"),
                Instant.parse("2023-05-20T00:44:01Z"),
                Instant.parse("2023-05-20T09:00:00Z"));
    }

    @Test
    void speakerNamesDefaultByRoleAndContentIsTrimmed() {
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("  hi  ", "2024-01-15T10:30:00"),
                new MessageInput(Role.assistant, "hello", "2024-01-15T10:30:01", null, " "),
                new MessageInput(Role.user, "hey", "2024-01-15T10:30:02", "u-7", "Caroline")));

        assertThat(messages).extracting(NormalizedMessage::speakerName).containsExactly("User", "Assistant", "Caroline");
        assertThat(messages.get(0).content()).isEqualTo("hi");
        assertThat(messages.get(2).speakerId()).isEqualTo("u-7");
    }

    @Test
    void rejectsWhatIsNotATimeNamingTheMessageIndexAndTheValue() {
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("a", "2024-01-15T10:30:00"),
                user("b", "15/01/2024 10:30"))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("messages[1].time_stamp: '15/01/2024 10:30'");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("a", "2023/13/01 (Sat) 00:44"))))
                .hasMessageStartingWith("messages[0].time_stamp");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("a", "2023/05/20 (Xyz) 00:44"))))
                .hasMessage("messages[0].time_stamp: unknown weekday 'Xyz'");
    }

    @Test
    void rejectsMissingPartsAndTooManyMessages() {
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of()))
                .hasMessage("messages: at least one message is required");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(new MessageInput(null, "a", "2024-01-15T10:30:00", null, null))))
                .hasMessageStartingWith("messages[0].role");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("a", ""))))
                .hasMessage("messages[0].time_stamp: required");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("x".repeat(131_073), "2024-01-15T10:30:00"))))
                .hasMessageStartingWith("messages[0].content: at most 131072 characters");
        List<MessageInput> tooMany = java.util.Collections.nCopies(1001, user("a", "2024-01-15T10:30:00"));
        assertThatThrownBy(() -> MessageNormalizer.normalize(tooMany)).hasMessageStartingWith("messages: at most 1000");
    }

    @Test
    void aCallCarriesAtMost262144CharactersOfContentAltogether() {
        MessageInput largest = user("x".repeat(131_072), "2024-01-15T10:30:00");
        assertThat(MessageNormalizer.normalize(List.of(largest, largest))).hasSize(2);
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(largest, largest, user("y", "2024-01-15T10:30:01"))))
                .hasMessage("messages: at most 262144 characters of content per call (all messages together), got 262145;"
                        + " send the conversation in several calls");
    }
}
