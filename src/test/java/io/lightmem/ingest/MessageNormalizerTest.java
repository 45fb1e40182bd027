package io.lightmem.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.NormalizedMessage;
import io.lightmem.memory.Role;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageNormalizerTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    private static MessageInput user(String content, String time) {
        return new MessageInput(Role.user, content, time, null, null);
    }

    @Test
    void acceptsIsoTimesWithAndWithoutZoneAndFraction() {
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("a", "2024-01-15T10:30:00"),
                user("b", "2024-01-15T10:30:00.250Z"),
                user("c", "2024-01-15T12:30:00.250+02:00")), UTC);

        assertThat(messages).extracting(m -> m.timeStamp().toInstant()).containsExactly(
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
                user("c", "2023/05/22 18:00")), UTC);

        assertThat(messages).extracting(m -> m.timeStamp().toInstant()).containsExactly(
                Instant.parse("2023-05-20T00:44:00Z"),
                Instant.parse("2023-05-21T07:05:09Z"),
                Instant.parse("2023-05-22T18:00:00Z"));
        assertThat(messages).extracting(NormalizedMessage::weekday).containsExactly("Sat", "Sun", "Mon");
    }

    @Test
    void aTimeKeepsTheOffsetItsCallerGaveAndItsWeekdayIsTheSpeakersDay() {
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("a", "2024-01-15T01:30:00+09:00"),
                user("b", "2024-01-14T23:30:00-05:00")), UTC);

        // 16:30 on Sunday in UTC, but Monday morning where it was said.
        assertThat(messages.get(0).timeStamp()).isEqualTo(OffsetDateTime.parse("2024-01-15T01:30:00+09:00"));
        assertThat(messages.get(0).weekday()).isEqualTo("Mon");
        // 04:30 on Monday in UTC, but Sunday evening where it was said.
        assertThat(messages.get(1).timeStamp().getOffset()).isEqualTo(ZoneOffset.ofHours(-5));
        assertThat(messages.get(1).weekday()).isEqualTo("Sun");
    }

    @Test
    void timesWithoutAZoneAreInTheDefaultZoneWithItsDaylightSavingOfThatDate() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("winter", "2024-01-15T10:30:00"),
                user("summer", "2024/07/15 (Mon) 10:30"),
                user("given", "2024-07-15T10:30:00Z")), berlin);

        assertThat(messages).extracting(m -> m.timeStamp().toString()).containsExactly(
                "2024-01-15T10:30+01:00", "2024-07-15T10:30+02:00", "2024-07-15T10:30Z");
    }

    @Test
    void aDateAloneIsTheStartOfThatDayAndPythonsSpaceSeparatedFormIsIso() {
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("a", "2024-01-15"),
                user("b", "2024-01-16+09:00"),
                user("c", "2024-01-17 08:15:00")), ZoneId.of("Asia/Tokyo"));

        assertThat(messages).extracting(m -> m.timeStamp().toString()).containsExactly(
                "2024-01-15T00:00+09:00", "2024-01-16T00:00+09:00", "2024-01-17T08:15+09:00");
        assertThat(messages).extracting(NormalizedMessage::weekday).containsExactly("Mon", "Tue", "Wed");
    }

    @Test
    void messagesSharingASessionTimeAreSpreadInOrderAndANewTimeRestartsTheSpread() {
        List<NormalizedMessage> messages = MessageNormalizer.normalize(List.of(
                user("a", "2023/05/20 (Sat) 00:44"),
                new MessageInput(Role.assistant, "b", "2023/05/20 (Sat) 00:44", null, null),
                user("c", "2023/05/20 (Sat) 00:44"),
                user("d", "2023/05/20 (Sat) 09:00")), UTC);

        assertThat(messages).extracting(m -> m.timeStamp().toInstant()).containsExactly(
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
                new MessageInput(Role.user, "hey", "2024-01-15T10:30:02", "u-7", "Caroline")), UTC);

        assertThat(messages).extracting(NormalizedMessage::speakerName).containsExactly("User", "Assistant", "Caroline");
        assertThat(messages.get(0).content()).isEqualTo("hi");
        assertThat(messages.get(2).speakerId()).isEqualTo("u-7");
    }

    @Test
    void rejectsWhatIsNotATimeNamingTheMessageIndexAndTheValue() {
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("a", "2024-01-15T10:30:00"),
                user("b", "15/01/2024 10:30")), UTC))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("messages[1].time_stamp: '15/01/2024 10:30'");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("a", "2023/13/01 (Sat) 00:44")), UTC))
                .hasMessageStartingWith("messages[0].time_stamp");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("a", "2023/05/20 (Xyz) 00:44")), UTC))
                .hasMessage("messages[0].time_stamp: unknown weekday 'Xyz'");
    }

    @Test
    void rejectsMissingPartsAndTooManyMessages() {
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(), UTC))
                .hasMessage("messages: at least one message is required");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(new MessageInput(null, "a", "2024-01-15T10:30:00", null, null)), UTC))
                .hasMessageStartingWith("messages[0].role");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("a", "")), UTC))
                .hasMessage("messages[0].time_stamp: required");
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(user("x".repeat(131_073), "2024-01-15T10:30:00")), UTC))
                .hasMessageStartingWith("messages[0].content: at most 131072 characters");
        List<MessageInput> tooMany = java.util.Collections.nCopies(1001, user("a", "2024-01-15T10:30:00"));
        assertThatThrownBy(() -> MessageNormalizer.normalize(tooMany, UTC)).hasMessageStartingWith("messages: at most 1000");
    }

    @Test
    void aCallCarriesAtMost262144CharactersOfContentAltogether() {
        MessageInput largest = user("x".repeat(131_072), "2024-01-15T10:30:00");
        assertThat(MessageNormalizer.normalize(List.of(largest, largest), UTC)).hasSize(2);
        assertThatThrownBy(() -> MessageNormalizer.normalize(List.of(largest, largest, user("y", "2024-01-15T10:30:01")), UTC))
                .hasMessage("messages: at most 262144 characters of content per call (all messages together), got 262145;"
                        + " send the conversation in several calls");
    }
}
