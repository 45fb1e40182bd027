package io.lightmem.extract;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MessagesUse;
import io.lightmem.memory.NewMemory;
import io.lightmem.memory.Role;
import io.lightmem.testing.Conversations;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a verbatim memory says: the message, by its speaker. */
class VerbatimMemoryManagerTest {

    private static LoggedMessage said(long id, Role role, String speaker, String content) {
        return new LoggedMessage(id, role, content, OffsetDateTime.parse("2023-05-08T13:56:00Z").plusSeconds(id), "Mon",
                null, speaker, 1, 5);
    }

    private static List<NewMemory> extract(boolean speakerNamed, MessagesUse use, LoggedMessage... messages) {
        return new VerbatimMemoryManager(use, speakerNamed).extract(Conversations.owner("u"), List.of(new Segment(1, List.of(messages))))
                .memories();
    }

    @Test
    void eachMemoryIsTheMessageSaidByItsSpeaker() {
        List<NewMemory> memories = extract(true, MessagesUse.hybrid,
                said(1, Role.user, "Caroline", "I went to a LGBTQ support group yesterday."),
                said(2, Role.assistant, "Melanie", "That sounds powerful!"));

        assertThat(memories).extracting(NewMemory::memory).containsExactly(
                "Caroline: I went to a LGBTQ support group yesterday.", "Melanie: That sounds powerful!");
        assertThat(memories).extracting(NewMemory::originalMemory).containsExactly(
                "I went to a LGBTQ support group yesterday.", "That sounds powerful!");
        assertThat(memories).extracting(NewMemory::speakerName).containsExactly("Caroline", "Melanie");
        assertThat(memories).extracting(NewMemory::sources).containsExactly(List.of("1"), List.of("2"));
    }

    @Test
    void aTextThatAlreadyBeginsWithTheSpeakersNameIsNotNamedTwice() {
        assertThat(extract(true, MessagesUse.user_only,
                said(1, Role.user, "Caroline", "Caroline: I went to a support group."),
                said(2, Role.user, "Caroline", "caroline - back from the group."),
                said(3, Role.user, "Caroline", "Caroline's support group meets on Tuesdays."),
                said(4, Role.user, "Al", "Alice told me about it."),
                said(5, Role.user, "Al", "Al"))).extracting(NewMemory::memory).containsExactly(
                        "Caroline: I went to a support group.",
                        "caroline - back from the group.",
                        "Caroline's support group meets on Tuesdays.",
                        "Al: Alice told me about it.", // "Alice" is another word than "Al"
                        "Al");
    }

    @Test
    void theRolesDefaultNamesAreGivenOnlyWhenBothRolesAreStored() {
        LoggedMessage user = said(1, Role.user, "User", "My favorite color is blue.");
        LoggedMessage assistant = said(2, Role.assistant, "Assistant", "Blue is a great color!");

        // Under user_only every memory is the user's: "User:" would tell nothing apart.
        assertThat(extract(true, MessagesUse.user_only, user, assistant)).extracting(NewMemory::memory)
                .containsExactly("My favorite color is blue.");
        assertThat(extract(true, MessagesUse.assistant_only, user, assistant)).extracting(NewMemory::memory)
                .containsExactly("Blue is a great color!");
        assertThat(extract(true, MessagesUse.hybrid, user, assistant)).extracting(NewMemory::memory)
                .containsExactly("User: My favorite color is blue.", "Assistant: Blue is a great color!");
    }

    @Test
    void withoutSpeakerNamingTheMemoryIsTheMessageAlone() {
        assertThat(extract(false, MessagesUse.user_only,
                said(1, Role.user, "Caroline", "I went to a support group."),
                said(2, Role.assistant, "Assistant", "Not stored under user_only.")))
                .extracting(NewMemory::memory, NewMemory::originalMemory)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("I went to a support group.",
                        "I went to a support group."));
    }
}
