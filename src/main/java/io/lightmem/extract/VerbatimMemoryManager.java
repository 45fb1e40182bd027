package io.lightmem.extract;

import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MemoryMetadata;
import io.lightmem.memory.MessagesUse;
import io.lightmem.memory.NewMemory;
import io.lightmem.memory.Owner;
import java.util.List;

/**
 * The {@code none} backend: every selected message becomes one memory, word for word, without an LLM.
 * With {@code speakerNamed} the memory says who spoke ("Caroline: I adopted a cat."): a turn's text
 * rarely names its own speaker, yet questions do ("What did Caroline adopt?"), and the memory text is
 * what is embedded, indexed for BM25 and shown in a prompt. original_memory keeps the message alone.
 */
public final class VerbatimMemoryManager implements MemoryManager {

    private final MessagesUse messagesUse;
    private final boolean speakerNamed;

    public VerbatimMemoryManager(MessagesUse messagesUse, boolean speakerNamed) {
        this.messagesUse = messagesUse;
        this.speakerNamed = speakerNamed;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public boolean callsLlm() {
        return false;
    }

    @Override
    public Extraction extract(Owner owner, List<Segment> batch) {
        List<NewMemory> memories = batch.stream()
                .flatMap(segment -> segment.messages().stream())
                .filter(m -> messagesUse.feeds(m.role()))
                .map(m -> new NewMemory(memoryText(m), m.content(), m.compressedContent(), m.timeStamp(), m.weekday(),
                        m.speakerId(), m.speakerName(), m.segmentId(), List.of(Long.toString(m.id())),
                        MemoryMetadata.NONE))
                .toList();
        return new Extraction(memories, 0, 0);
    }

    private String memoryText(LoggedMessage message) {
        return speakerNamed && namesSomeone(message) ? named(message.speakerName(), message.content())
                : message.content();
    }

    /**
     * Whether the speaker name tells this memory apart: a name the caller gave, or a role's default
     * name when both roles are stored. Under user_only every memory would begin "User:", which says
     * nothing the scope does not, and only dilutes the embedding and the lexical index.
     */
    private boolean namesSomeone(LoggedMessage message) {
        return message.speakerName() != null && (messagesUse == MessagesUse.hybrid
                || !message.speakerName().equals(message.role().defaultSpeakerName()));
    }

    /**
     * "{speaker}: {text}", unless the text already begins with the speaker's name as a word (a caller
     * that formats turns as "Caroline: ...", or a third-person note "Caroline adopted a cat"), so a
     * name is never doubled.
     */
    static String named(String speaker, String text) {
        boolean alreadyNamed = text.regionMatches(true, 0, speaker, 0, speaker.length())
                && (text.length() == speaker.length() || !Character.isLetterOrDigit(text.charAt(speaker.length())));
        return alreadyNamed ? text : speaker + ": " + text;
    }
}
