package io.lightmem.extract;

import io.lightmem.config.LightMemConfig.MessagesUse;
import io.lightmem.store.MemoryMetadata;
import io.lightmem.store.NewMemory;
import java.util.List;

/** The {@code none} backend: every selected message becomes one memory, word for word, without an LLM. */
public final class VerbatimMemoryManager implements MemoryManager {

    private final MessagesUse messagesUse;

    public VerbatimMemoryManager(MessagesUse messagesUse) {
        this.messagesUse = messagesUse;
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
    public Extraction extract(String userId, List<Segment> batch) {
        List<NewMemory> memories = batch.stream()
                .flatMap(segment -> segment.messages().stream())
                .filter(m -> messagesUse.feeds(m.role()))
                .map(m -> new NewMemory(m.content(), m.content(), m.compressedContent(), m.timeStamp(), m.weekday(), m.speakerId(),
                        m.speakerName(), m.segmentId(), List.of(Long.toString(m.id())), MemoryMetadata.NONE))
                .toList();
        return new Extraction(memories, 0, 0);
    }
}
